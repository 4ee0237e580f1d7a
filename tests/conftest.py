"""Shared fixtures: the Suining county tree loaded once, staff at every level, and one-line log-ins.

Sibling places used by the jurisdiction tests:
  county 430527 ─┬─ township A (first township) ─┬─ village A1
                 │                               └─ village A2
                 └─ township B (second township) ── village B1
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from openpes.accounts import services as accounts
from openpes.accounts.models import Staff
from openpes.accounts.roles import Role
from openpes.people import services as people
from openpes.people.models import Person
from openpes.regions.models import Region, RegionLevel
from tests.factories import PersonInputFactory

COUNTY = "430527000000"
PASSWORD = "Test#Passw0rd-2026"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from openpes.regions.services import load_national

    with django_db_blocker.unblock():
        load_national(prefix="430527")


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    # Argon2 is deliberately slow; tests that are about hashing read the production list from settings.py.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_index_dirs = iter(range(1, 10**9))


@pytest.fixture(autouse=True)
def job_search_index_dir(settings: Any, tmp_path_factory: Any) -> Any:
    # Each test its own (not yet existing) tantivy index directory: tests share neither the index nor,
    # under xdist, a data directory; the database's index answers until a test builds one.
    path = tmp_path_factory.getbasetemp() / "job-search" / str(next(_index_dirs))
    settings.JOB_SEARCH_INDEX_DIR = str(path)
    return path


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    # The API's rate limits count in the cache (core.throttling), which lives as long as the process: each
    # test starts with none of the requests of the tests before it counted.
    from django.core.cache import cache

    cache.clear()


class Places:
    def __init__(self) -> None:
        townships = list(
            Region.objects.filter(parent_code=COUNTY, level=RegionLevel.TOWNSHIP).order_by("code")[:2]
        )
        self.county = COUNTY
        self.township_a, self.township_b = (t.code for t in townships)
        villages_a = list(Region.objects.filter(parent_code=self.township_a).order_by("code")[:2])
        self.village_a1, self.village_a2 = (v.code for v in villages_a)
        self.village_b1 = Region.objects.filter(parent_code=self.township_b).order_by("code").first().code  # type: ignore[union-attr]


@pytest.fixture
def places(db: Any) -> Places:
    return Places()


@pytest.fixture
def make_staff(db: Any) -> Callable[..., Staff]:
    counter = iter(range(1, 10_000))

    def make(role: str = Role.COUNTY_OFFICER, region: str = COUNTY, username: str | None = None) -> Staff:
        return accounts.staff_create(
            actor=None,
            username=username or f"{role}{next(counter)}",
            full_name="测试员",
            password=PASSWORD,
            jurisdiction_code=region,
            roles=[role],
        )

    return make


@pytest.fixture
def make_person(db: Any) -> Callable[..., Person]:
    def make(actor: Staff, region: str, **fields: Any) -> Person:
        return people.person_create(actor=actor, data=PersonInputFactory(region_code=region, **fields))

    return make


@pytest.fixture
def login_as(db: Any, make_staff: Callable[..., Staff]) -> Callable[..., Client]:
    """`login_as(Role.VILLAGE_BROKER, places.village_a1)` → a test client signed in as such a staff member."""

    def login(role: str = Role.COUNTY_OFFICER, region: str = COUNTY, staff: Staff | None = None) -> Client:
        client = Client()
        member = staff or make_staff(role, region)
        client.force_login(member)
        client.staff = member  # type: ignore[attr-defined]
        return client

    return login
