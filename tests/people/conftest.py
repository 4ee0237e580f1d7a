from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from openpes.audit.models import AccessLog, ChangeLog
from openpes.core.errors import DomainError
from openpes.people.models import Household, Person

CJK = re.compile(r"[\u4e00-\u9fff]")


def counts() -> tuple[int, int, int, int]:
    return (
        Person.objects.count(),
        Household.objects.count(),
        ChangeLog.objects.count(),
        # a refused duplicate still logs the lookup it amounts to (SECURITY.md #21): not a data write
        AccessLog.objects.exclude(field="lookup").count(),
    )


@contextmanager
def nothing_written() -> Iterator[None]:
    before = counts()
    yield
    assert counts() == before, "persons, households, change log, access log (before, after)"


@pytest.fixture
def refused() -> Callable[..., DomainError]:
    """`refused(fn, field=..., contains=...)`: fn raises a Chinese DomainError on `field` and writes nothing."""

    def check(fn: Callable[[], Any], *, field: str, contains: str = "") -> DomainError:
        with nothing_written(), pytest.raises(DomainError) as info:
            fn()
        errors = {e.field: e.message for e in info.value.errors}
        assert field in errors, f"expected an error on {field}, got {errors}"
        assert CJK.search(errors[field]), errors[field]
        assert contains in errors[field], errors[field]
        return info.value

    return check
