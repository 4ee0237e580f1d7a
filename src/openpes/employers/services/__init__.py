"""Every write of the employers app: validate, write in one transaction, audit.

One module per topic; callers import this package (`from openpes.employers import services`)."""

from openpes.employers.services.employers import (
    CHANGE_ANY,
    CHANGE_ASSIGNED,
    MANAGE_KEY,
    SPECIALIST_ROLES,
    VERIFY,
    employer_contact_reveal,
    employer_create,
    employer_key_enterprise_set,
    employer_update,
    employer_verify,
    may_change,
)
from openpes.employers.services.portal import (
    ALREADY_REGISTERED,
    PortalActor,
    SignUp,
    account_confirm,
    account_disable,
    employer_sign_up,
    portal_authenticate,
)
from openpes.employers.services.surveys import DemandLineInput, demand_survey_create
from openpes.employers.services.validation import (
    EMPLOYER_FIELDS,
    EmployerInput,
    contact_phone_index,
)

__all__ = [
    "ALREADY_REGISTERED",
    "CHANGE_ANY",
    "CHANGE_ASSIGNED",
    "EMPLOYER_FIELDS",
    "MANAGE_KEY",
    "SPECIALIST_ROLES",
    "VERIFY",
    "DemandLineInput",
    "EmployerInput",
    "PortalActor",
    "SignUp",
    "account_confirm",
    "account_disable",
    "contact_phone_index",
    "demand_survey_create",
    "employer_contact_reveal",
    "employer_create",
    "employer_key_enterprise_set",
    "employer_sign_up",
    "employer_update",
    "employer_verify",
    "may_change",
    "portal_authenticate",
]
