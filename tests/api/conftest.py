"""API test helpers: a client that sends a staff member's Bearer token, and a small registry in two sibling
townships (A and B, see tests/conftest.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from openpes.accounts import services as accounts
from openpes.accounts.models import Staff
from openpes.accounts.roles import Role
from openpes.people import services as people
from openpes.people.models import Household, Person

API = "/api/v1"


class PartnerClient(Client):
    """A test client that speaks JSON to /api/v1 with a partner system's key in X-API-Key."""

    def __init__(self, key: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.key = key

    def call(self, method: str, path: str, data: Any = None, headers: dict[str, str] | None = None) -> Any:
        url = path if path.startswith(API) else API + path
        body = data if isinstance(data, str | bytes) else json.dumps(data) if data is not None else ""
        sent = ({"X-API-Key": self.key} if self.key else {}) | (headers or {})
        return self.generic(method, url, body, content_type="application/json", headers=sent)

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        url = path if path.startswith(API) else API + path
        return self.get(url, params or {}, headers={"X-API-Key": self.key} if self.key else {})


class ApiClient(Client):
    """A test client that speaks JSON to /api/v1 with a Bearer token."""

    def __init__(self, token: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.token = token
        self.staff: Staff | None = None

    def _headers(self, extra: dict[str, str]) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **extra} if self.token else extra

    def call(self, method: str, path: str, data: Any = None, headers: dict[str, str] | None = None) -> Any:
        url = path if path.startswith(API) else API + path
        body = data if isinstance(data, str | bytes) else json.dumps(data) if data is not None else ""
        return self.generic(
            method, url, body, content_type="application/json", headers=self._headers(headers or {})
        )

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        url = path if path.startswith(API) else API + path
        return self.get(url, params or {}, headers=self._headers({}))


@pytest.fixture
def api_as(make_staff: Callable[..., Staff]) -> Callable[..., ApiClient]:
    """`api_as(Role.TOWNSHIP_OFFICER, places.township_a)` → a client with a fresh token of such a staff member."""

    def make(
        role: str = Role.COUNTY_OFFICER, region: str = "430527000000", staff: Staff | None = None
    ) -> ApiClient:
        member = staff or make_staff(role, region)
        _, raw = accounts.token_create(actor=member, name="测试")
        client = ApiClient(raw)
        client.staff = member
        return client

    return make


@dataclass
class Registry:
    county: Staff
    person_a: Person
    person_a2: Person
    person_b: Person
    household_a: Household
    household_b: Household


@pytest.fixture
def registry(places: Any, make_staff: Callable[..., Staff], make_person: Callable[..., Person]) -> Registry:
    """Two persons in township A (villages A1, A2), one in township B, one household in each township."""
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    household_a = people.household_create(actor=county, region_code=places.village_a1, address="A1村3组")
    household_b = people.household_create(actor=county, region_code=places.village_b1, address="B1村1组")
    person_a = make_person(county, places.village_a1, name="王芳")
    person_a2 = make_person(county, places.village_a2, name="李强")
    person_b = make_person(county, places.village_b1, name="张伟")
    people.household_add_member(actor=county, household=household_a, person=person_a, relation="01")
    people.household_add_member(actor=county, household=household_b, person=person_b, relation="01")
    household_a.refresh_from_db()
    household_b.refresh_from_db()
    return Registry(county, person_a, person_a2, person_b, household_a, household_b)


def assert_field_errors(response: Any, *fields: str) -> list[dict[str, str]]:
    """A 422 in the one error shape, naming (at least) `fields`."""
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail
    for error in detail:
        assert {"field", "message"} <= set(error) <= {"field", "message", "existing_id"}
        assert error["message"]
    named = {e["field"] for e in detail}
    assert set(fields) <= named, detail
    return detail
