"""Every write of the registry: validate, write in one transaction, audit.

One module per topic; callers import this package (`from openpes.people import services as people`)."""

from openpes.people.models import ID_CONTEXT, ID_TAIL_CONTEXT, PHONE_CONTEXT
from openpes.people.services.bulk_registration import (
    BULK_UPDATABLE,
    BulkResult,
    HouseholdInput,
    households_bulk_create,
    households_insert,
    persons_bulk_create,
    persons_bulk_update,
    persons_insert,
    persons_prepare,
)
from openpes.people.services.export import EXPORT_COLUMNS, persons_export
from openpes.people.services.households import (
    describe,
    household_add_member,
    household_close,
    household_create,
    household_remove_member,
    household_update,
)
from openpes.people.services.persons import (
    identifier_search_record,
    person_create,
    person_reveal,
    person_update,
)
from openpes.people.services.validation import (
    PERSON_FIELDS,
    REVEAL_PERMISSION,
    REVEALABLE,
    SAME_VILLAGE,
    CleanPerson,
    ParsedIdentifiers,
    PersonInput,
    apply_identity,
    clean_person,
    id_index,
    id_tail_index,
    identity_columns,
    phone_index,
)

__all__ = [
    "BULK_UPDATABLE",
    "EXPORT_COLUMNS",
    "ID_CONTEXT",
    "ID_TAIL_CONTEXT",
    "PERSON_FIELDS",
    "PHONE_CONTEXT",
    "REVEALABLE",
    "REVEAL_PERMISSION",
    "SAME_VILLAGE",
    "BulkResult",
    "CleanPerson",
    "HouseholdInput",
    "ParsedIdentifiers",
    "PersonInput",
    "apply_identity",
    "clean_person",
    "describe",
    "household_add_member",
    "household_close",
    "household_create",
    "household_remove_member",
    "household_update",
    "households_bulk_create",
    "households_insert",
    "id_index",
    "id_tail_index",
    "identifier_search_record",
    "identity_columns",
    "person_create",
    "person_reveal",
    "person_update",
    "persons_bulk_create",
    "persons_bulk_update",
    "persons_export",
    "persons_insert",
    "persons_prepare",
    "phone_index",
]
