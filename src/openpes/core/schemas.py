"""Field types shared by every app's schemas: region codes, ids, codes from a model's choices."""

from __future__ import annotations

from django.db import models
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError

REGION_CODE = r"^[0-9]{12}$"  # [0-9], not \d: \d would let other scripts' digits through
OPTIONAL_REGION_CODE = r"^([0-9]{12})?$"
# Largest id a path, query or body may name: PostgreSQL's bigint (SQLite's INTEGER has the same bound);
# a bigger number would be a 500 from the database driver instead of a 422.
MAX_ID = 2**63 - 1


class Strict(Schema):
    """Input schemas refuse unknown keys, so that a misspelt field is reported instead of ignored."""

    model_config = ConfigDict(extra="forbid")


def choices_text(choices: type[models.Choices]) -> str:
    """ "M 男，F 女": the codes and their labels, for a field's description."""
    return "，".join(f"{value} {label}" for value, label in choices.choices)


def _codes(choices: type[models.Choices], blank: bool) -> list[str]:
    return [*([""] if blank else []), *(str(v) for v in choices.values)]


def one_of(choices: type[models.Choices], *, blank: bool = True) -> AfterValidator:
    """A code of `choices` (or "" when `blank`); anything else is refused with the list of codes."""
    allowed = _codes(choices, blank)

    def check(value: str) -> str:
        if value not in allowed:
            expected = "、".join(code for code in allowed if code)
            raise PydanticCustomError("choice", "not one of the codes", {"expected": expected})
        return value

    return AfterValidator(check)


def enum_of(choices: type[models.Choices], *, blank: bool = True) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": _codes(choices, blank)})
