"""/api/v1/employers and demand surveys: scoped like everything else (another jurisdiction gets 404), bad
input is a 422 in Chinese, the phone masked on lists and whole on the detail, role permissions hold."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from openpes.accounts.roles import Role
from openpes.employers import services
from tests.employers.helpers import COOK, WELDER, load_some_taxonomy, make_employer, make_uscc

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def taxonomy(db: Any) -> None:
    load_some_taxonomy()


def test_create_list_detail_and_patch(api_as, places):
    api = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    code = make_uscc()
    created = api.call(
        "post",
        "/employers",
        {
            "uscc": code.lower(),
            "name": "绥宁县金屋塘服装厂",
            "industry_code": "18",
            "size": "4",
            "region_code": places.village_a1,
            "contact_phone": "13807390002",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["uscc"] == code and body["verification"] == "pending" and body["can_publish"] is False
    assert body["contact_phone_masked"] == "138****0002" and "contact_phone" not in body
    revealed = api.call("post", f"/employers/{body['id']}/reveal-contact", {"reason": "联系用工"})
    assert revealed.status_code == 200 and revealed.json() == {"value": "13807390002"}
    assert api.call("post", f"/employers/{body['id']}/reveal-contact", {"reason": ""}).status_code == 422
    listed = api.get_json("/api/v1/employers", {"q": "金屋塘"}).json()
    assert [row["id"] for row in listed["items"]] == [body["id"]]
    assert listed["items"][0]["contact_phone_masked"] == "138****0002"
    assert "contact_phone" not in listed["items"][0]
    patched = api.call("patch", f"/employers/{body['id']}", {"address": "金屋塘镇工业园"})
    assert patched.status_code == 200 and patched.json()["address"] == "金屋塘镇工业园"
    assert patched.json()["name"] == "绥宁县金屋塘服装厂"


def test_bad_input_is_a_422_in_chinese(api_as, places):
    api = api_as(Role.COUNTY_OFFICER, places.county)
    response = api.call(
        "post",
        "/employers",
        {"uscc": "91430527MA4L0000I0", "name": "某公司", "region_code": places.village_a1},
    )
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["field"] == "uscc" and CJK.search(error["message"])
    duplicate = make_employer(api.staff, places.village_a1)
    again = api.call(
        "post", "/employers", {"uscc": duplicate.uscc, "name": "某公司", "region_code": places.village_a1}
    )
    assert again.status_code == 422 and again.json()["detail"][0]["existing_id"] == duplicate.pk


def test_another_jurisdiction_gets_404_everywhere(api_as, make_staff, places):
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = make_employer(county, places.village_b1)
    api = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    base = f"/employers/{employer.pk}"
    assert api.get_json(f"/api/v1{base}").status_code == 404
    assert api.call("patch", base, {"address": "x"}).status_code == 404
    assert api.call("post", f"{base}/verify", {"approve": True}).status_code == 404
    assert api.call("post", f"{base}/reveal-contact", {"reason": "核对"}).status_code == 404
    assert api.get_json(f"/api/v1{base}/demand-surveys").status_code == 404
    survey = {
        "surveyed_on": dt.date.today().isoformat(),
        "lines": [{"occupation_code": COOK, "headcount": 1}],
    }
    assert api.call("post", f"{base}/demand-surveys", survey).status_code == 404
    assert api.get_json("/api/v1/employers").json()["count"] == 0
    county_api = api_as(Role.COUNTY_OFFICER, places.county)
    assert county_api.call("post", f"{base}/key-enterprise", {"is_key_enterprise": True}).status_code == 200


def test_verify_and_key_enterprise_with_a_specialist(api_as, make_staff, places):
    api = api_as(Role.COUNTY_OFFICER, places.county)
    employer = make_employer(api.staff, places.village_a1)
    rejected = api.call("post", f"/employers/{employer.pk}/verify", {"approve": False})
    assert rejected.status_code == 422 and rejected.json()["detail"][0]["field"] == "reason"
    verified = api.call("post", f"/employers/{employer.pk}/verify", {"approve": True})
    assert verified.json()["can_publish"] is True
    specialist = make_staff(Role.SPECIALIST, places.township_a)
    key = api.call(
        "post",
        f"/employers/{employer.pk}/key-enterprise",
        {"is_key_enterprise": True, "specialist": specialist.pk},
    )
    assert key.status_code == 200
    assert (key.json()["specialist"], key.json()["specialist_name"]) == (specialist.pk, specialist.full_name)
    elsewhere = make_staff(Role.SPECIALIST, places.township_b)
    wrong = api.call(
        "post",
        f"/employers/{employer.pk}/key-enterprise",
        {"is_key_enterprise": True, "specialist": elsewhere.pk},
    )
    assert wrong.status_code == 422
    key_only = api.get_json(
        "/api/v1/employers", {"key_enterprise": "true", "specialist": specialist.pk}
    ).json()
    assert [row["id"] for row in key_only["items"]] == [employer.pk]


def test_roles(api_as, make_staff, places):
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = make_employer(county, places.village_a1)
    manager = api_as(Role.MANAGER, places.county)
    assert manager.get_json(f"/api/v1/employers/{employer.pk}").status_code == 200
    assert manager.call("post", f"/employers/{employer.pk}/verify", {"approve": True}).status_code == 403
    assert manager.call("patch", f"/employers/{employer.pk}", {"address": "x"}).status_code == 403
    township = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert (
        township.call(
            "post", f"/employers/{employer.pk}/key-enterprise", {"is_key_enterprise": True}
        ).status_code
        == 403
    )
    broker = api_as(Role.VILLAGE_BROKER, places.village_a1)
    assert broker.get_json("/api/v1/employers").status_code == 403
    specialist = api_as(Role.SPECIALIST, places.county)
    assert specialist.call("patch", f"/employers/{employer.pk}", {"address": "x"}).status_code == 403
    services.employer_key_enterprise_set(
        actor=county, employer=employer, is_key_enterprise=True, specialist=specialist.staff
    )
    assert specialist.call("patch", f"/employers/{employer.pk}", {"address": "工业园"}).status_code == 200


def test_demand_surveys(api_as, places):
    api = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    employer = make_employer(api.staff, places.village_a1)
    today = dt.date.today()
    bad = api.call(
        "post",
        f"/employers/{employer.pk}/demand-surveys",
        {"surveyed_on": today.isoformat(), "lines": [{"occupation_code": "0-00-00-00", "headcount": 2}]},
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "lines.0.occupation_code"
    made = api.call(
        "post",
        f"/employers/{employer.pk}/demand-surveys",
        {
            "surveyed_on": today.isoformat(),
            "note": "春节后扩产",
            "lines": [
                {
                    "occupation_code": WELDER,
                    "headcount": 8,
                    "wanted_by": (today + dt.timedelta(days=20)).isoformat(),
                },
                {"occupation_code": COOK, "headcount": 2},
            ],
        },
    )
    assert made.status_code == 201, made.content
    assert made.json()["total_headcount"] == 10 and len(made.json()["lines"]) == 2
    listed = api.get_json("/api/v1/demand-surveys").json()
    assert listed["count"] == 1 and listed["items"][0]["employer_name"] == employer.name
    assert api.get_json(f"/api/v1/employers/{employer.pk}/demand-surveys").json()["count"] == 1
