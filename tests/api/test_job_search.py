"""GET /api/v1/jobs (public, no sign-in) and GET /api/v1/vacancies/search (staff, their jurisdiction): the
same search as the pages, published vacancies only, the public answer without internal fields."""

from __future__ import annotations

import pytest
from django.test import Client

from openpes.accounts.roles import Role
from openpes.vacancies import services
from openpes.vacancies.models import Vacancy
from tests.vacancies.pool import make_vacancy, verified_employer
from tests.vacancies.test_search import published

pytestmark = pytest.mark.django_db


def test_the_public_search_needs_no_sign_in_and_shows_no_internal_fields(api_as, places) -> None:
    api = api_as(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(api.staff, places.village_a1)
    driver = published(api.staff, employer, title="驾驶员", pay_text="6000元")
    make_vacancy(api.staff, employer, title="司机助理")  # a draft
    answer = Client().get("/api/v1/jobs", {"q": "司机"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 1 and [item["id"] for item in body["items"]] == [driver.pk]
    item = body["items"][0]
    assert item["employer_name"] == employer.name and item["pay_min"] == 6000
    assert not {"contact_text", "screening_flags", "reasons", "status", "channel"} & set(item)
    services.vacancy_withdraw(actor=api.staff, vacancy=driver, reason="已招满")
    assert Client().get("/api/v1/jobs", {"q": "司机"}).json()["count"] == 0


def test_wrong_parameters_are_a_422_in_chinese(api_as, places) -> None:
    answer = Client().get("/api/v1/jobs", {"sort": "cheapest", "page_size": 1000})
    assert answer.status_code == 422
    fields = {error["field"] for error in answer.json()["detail"]}
    assert {"sort", "page_size"} <= fields


def test_the_staff_search_is_scoped_to_the_jurisdiction(api_as, places) -> None:
    county = api_as(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(county.staff, places.village_a1)
    here = published(county.staff, employer, title="保洁员")
    there = published(county.staff, employer, title="清洁工")
    Vacancy.objects.filter(pk=there.pk).update(region_code=places.village_b1)
    township = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert Client().get("/api/v1/vacancies/search").status_code == 401
    mine = township.get_json("/vacancies/search", {"q": "保洁"}).json()
    assert [item["id"] for item in mine["items"]] == [here.pk] and "screening_flags" in mine["items"][0]
    assert township.get_json("/vacancies/search", {"region": places.village_b1}).json()["count"] == 0
    everything = county.get_json("/vacancies/search", {"q": "保洁"}).json()
    assert {item["id"] for item in everything["items"]} == {here.pk, there.pk}
