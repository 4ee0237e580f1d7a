"""Every write of the employment app. `registrations` holds what one person's registrations and status
changes do; `derived` what follows from them (key groups, tiers, zero-employment households)."""

from openpes.employment.services.derived import RefreshCounts, refresh, refresh_all
from openpes.employment.services.registrations import (
    FACT_FIELDS,
    STATUS_CHANGES,
    contact_record,
    declaration_overturn,
    employment_register,
    facts_update,
    parameters_set,
    registration_cancel,
    status_change,
    unemployment_register,
)

__all__ = [
    "FACT_FIELDS",
    "STATUS_CHANGES",
    "RefreshCounts",
    "contact_record",
    "declaration_overturn",
    "employment_register",
    "facts_update",
    "parameters_set",
    "refresh",
    "refresh_all",
    "registration_cancel",
    "status_change",
    "unemployment_register",
]
