"""Responses to a signed-in staff member carry personal data: no browser or proxy may keep a copy
(`Cache-Control: no-store`), pages, htmx fragments and the API alike. Static files stay cacheable."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from openpes.accounts import services as accounts
from openpes.accounts.roles import Role
from openpes.people import services as people
from tests.factories import PersonInputFactory
from tests.pages.conftest import verify_second_factor


@pytest.fixture
def registry(places: Any, make_staff: Any) -> dict[str, Any]:
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    household = people.household_create(actor=county, region_code=places.village_a1, address="长铺镇1组")
    person = people.person_create(
        actor=county,
        data=PersonInputFactory(region_code=places.village_a1, household=household, relation_to_head="01"),
    )
    return {"county": county, "person": person, "household": household}


def registry_urls(registry: dict[str, Any], places: Any) -> list[str]:
    person, household = registry["person"], registry["household"]
    return [
        reverse("people:dashboard"),
        reverse("people:person_list"),
        reverse("people:person_create"),
        reverse("people:person_detail", args=[person.pk]),
        reverse("people:person_edit", args=[person.pk]),
        reverse("people:household_list"),
        reverse("people:household_create"),
        reverse("people:household_detail", args=[household.pk]),
        reverse("people:household_edit", args=[household.pk]),
        reverse("people:person_export"),
        reverse("regions:browse"),
        reverse("regions:region", args=[places.township_a]),
        reverse("regions:picker"),
        reverse("accounts:tokens"),
        "/api/v1/me",
        "/api/v1/persons",
        f"/api/v1/persons/{person.pk}",
        "/api/v1/households",
        "/api/v1/docs",
        "/no/such/page/",
    ]


def assert_no_store(response: Any, url: str) -> None:
    assert response.get("Cache-Control") == "no-store", (url, response.get("Cache-Control"))


def test_every_registry_page_fragment_and_api_answer_to_staff_is_no_store(registry, places):
    client = Client()
    client.force_login(registry["county"])
    for url in registry_urls(registry, places):
        response = client.get(url)
        assert response.status_code in {200, 404}, (url, response.status_code)
        assert_no_store(response, url)
        fragment = client.get(url, headers={"HX-Request": "true"})
        assert_no_store(fragment, f"{url} (htmx)")
    posted = client.post(reverse("people:person_list"), {"q": registry["person"].name})
    assert_no_store(posted, "search")


def test_administrator_and_auditor_pages_are_no_store(login_as, places):
    admin = login_as(Role.ADMINISTRATOR, places.county)
    verify_second_factor(admin, admin.staff)
    for url in [reverse("accounts:staff_list"), reverse("accounts:staff_detail", args=[admin.staff.pk])]:
        response = admin.get(url)
        assert response.status_code == 200, url
        assert_no_store(response, url)
    auditor = login_as(Role.AUDITOR, places.county)
    for url in [reverse("audit:change_list"), reverse("audit:access_list")]:
        response = auditor.get(url)
        assert response.status_code == 200, url
        assert_no_store(response, url)


def test_api_answers_to_a_token_are_no_store_errors_included(registry, places):
    _, raw = accounts.token_create(actor=registry["county"], name="测试")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    for url in ["/api/v1/persons", "/api/v1/persons/999999999", "/api/v1/persons?limit=0"]:
        assert_no_store(client.get(url), url)
    assert_no_store(client.delete("/api/v1/persons"), "405")


def test_static_files_are_not_marked_no_store(registry):
    assert finders.find("api/swagger-init.js")
    client = Client()
    client.force_login(registry["county"])
    response = client.get("/static/api/swagger-init.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    response.close()  # a file response: its file stays open until closed
