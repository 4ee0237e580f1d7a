"""Jurisdiction scoping, in one place.

A region code has 12 digits; a jurisdiction is a prefix of 2, 4, 6, 9 or 12 digits. A record belongs to a
jurisdiction when its region code starts with the prefix. The filter is written as a range on the 12-digit
code (prefix padded with 0s to prefix padded with 9s) rather than LIKE 'prefix%', so that one B-tree index
serves it on SQLite and PostgreSQL alike, whatever the collation.
"""

from __future__ import annotations

from typing import Protocol, Self, TypeVar

from django.db import models

CODE_LENGTH = 12
PREFIX_LENGTHS = (2, 4, 6, 9, 12)


class HasJurisdiction(Protocol):
    @property
    def jurisdiction_prefix(self) -> str: ...


def code_range(prefix: str) -> tuple[str, str]:
    return prefix.ljust(CODE_LENGTH, "0"), prefix.ljust(CODE_LENGTH, "9")


def covers(prefix: str, region_code: str | None) -> bool:
    # An empty prefix (a disabled account) covers nothing, as in `in_prefix`, not everything.
    return (
        bool(prefix)
        and bool(region_code)
        and len(region_code or "") == CODE_LENGTH
        and str(region_code).startswith(prefix)
    )


_M = TypeVar("_M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[_M]):
    """A queryset of place-bound rows; `within(actor)` is the only way selectors start a query."""

    region_field = "region_code"

    def within(self, actor: HasJurisdiction) -> Self:
        return self.in_prefix(actor.jurisdiction_prefix)

    def in_prefix(self, prefix: str) -> Self:
        if not prefix:
            return self.none()
        return self.in_range(*code_range(prefix))

    def in_range(self, low: str, high: str) -> Self:
        """The rows whose region code is from `low` to `high`: `in_prefix` with the range already worked out
        (a prepared query's values, see core.prepared)."""
        return self.filter(**{f"{self.region_field}__range": (low, high)})


def prefix_of(code: str) -> str:
    """The jurisdiction prefix of a 12-digit region code: each level's segment is never all zeros, so the
    level shows in how many digits are significant (430527000000 → 430527, 430527100000 → 430527100)."""
    significant = len(code.rstrip("0"))
    for length in PREFIX_LENGTHS:
        if significant <= length:
            return code[:length]
    return code
