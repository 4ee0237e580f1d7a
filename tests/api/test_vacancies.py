"""/api/v1/vacancies: scoped like the pages (another jurisdiction gets 404), normalised fields and screening
flags in the answers, the review life cycle with refusals as 422 in Chinese, role permissions hold."""

from __future__ import annotations

import re

import pytest

from openpes.accounts.roles import Role
from openpes.vacancies.models import Vacancy
from tests.employers.helpers import WELDER
from tests.vacancies.pool import make_vacancy, verified_employer

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_create_list_detail_patch_submit_review(api_as, places):
    api = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    employer = verified_employer(api.staff, places.village_a1)
    created = api.call(
        "post",
        "/vacancies",
        {"employer": employer.pk, "title": "中餐厨师", "pay_text": "15-25K·13薪", "description": "限女性"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["channel"] == "staff"
    assert (body["pay_min"], body["pay_max"], body["pay_months"]) == (15000, 25000, 13)
    assert body["occupation_code"] == "4-03-02-01" and body["reasons"]
    flag = body["screening_flags"][0]
    assert flag["severity"] == "block" and flag["text"] == "限女性" and flag["laws"][0]["law"]
    refused = api.call("post", f"/vacancies/{body['id']}/submit")
    assert refused.status_code == 422 and CJK.search(refused.json()["detail"][0]["message"])
    patched = api.call("patch", f"/vacancies/{body['id']}", {"description": "负责湘菜"})
    assert patched.status_code == 200 and patched.json()["screening_flags"] == []
    assert patched.json()["title"] == "中餐厨师"  # untouched keys stay
    assert api.call("post", f"/vacancies/{body['id']}/submit").json()["status"] == "pending_review"
    listed = api.get_json("/api/v1/vacancies", {"status": "pending_review"}).json()
    assert [row["id"] for row in listed["items"]] == [body["id"]]
    rejected = api.call("post", f"/vacancies/{body['id']}/review", {"approve": False, "reason": ""})
    assert rejected.status_code == 422
    approved = api.call("post", f"/vacancies/{body['id']}/review", {"approve": True})
    assert approved.json()["status"] == "published" and approved.json()["published_at"]
    corrected = api.call(
        "post", f"/vacancies/{body['id']}/corrections", {"field": "occupation_code", "value": WELDER}
    )
    assert corrected.json()["occupation_code"] == WELDER
    withdrawn = api.call("post", f"/vacancies/{body['id']}/withdraw", {"reason": "已招满"})
    assert withdrawn.json()["status"] == "withdrawn"
    assert api.get_json(f"/api/v1/vacancies/{body['id']}").json()["status_reason"] == "已招满"


def test_another_jurisdiction_gets_404(api_as, make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer_b = verified_employer(officer, places.village_b1)
    vacancy = make_vacancy(officer, employer_b, place_text="")
    api = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert api.get_json(f"/api/v1/vacancies/{vacancy.pk}").status_code == 404
    assert api.call("patch", f"/vacancies/{vacancy.pk}", {"title": "x"}).status_code == 404
    assert api.call("post", f"/vacancies/{vacancy.pk}/submit").status_code == 404
    assert api.call("post", f"/vacancies/{vacancy.pk}/review", {"approve": True}).status_code == 404
    assert api.call("post", f"/vacancies/{vacancy.pk}/withdraw", {}).status_code == 404
    assert api.call("post", "/vacancies", {"employer": employer_b.pk, "title": "普工"}).status_code == 404
    assert api.get_json("/api/v1/vacancies").json()["items"] == []
    assert api.get_json("/api/v1/vacancies", {"region": places.village_b1}).json()["items"] == []
    assert Vacancy.objects.count() == 1


def test_permissions_of_the_roles(api_as, make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    vacancy = make_vacancy(officer, verified_employer(officer, places.village_a1))
    manager = api_as(Role.MANAGER, places.county)
    assert manager.get_json(f"/api/v1/vacancies/{vacancy.pk}").status_code == 200
    assert (
        manager.call("post", "/vacancies", {"employer": vacancy.employer_id, "title": "x"}).status_code == 403
    )
    assert manager.call("patch", f"/vacancies/{vacancy.pk}", {"title": "x"}).status_code == 403
    assert manager.call("post", f"/vacancies/{vacancy.pk}/review", {"approve": True}).status_code == 403
    specialist = api_as(Role.SPECIALIST, places.county)
    assert specialist.call("post", f"/vacancies/{vacancy.pk}/review", {"approve": True}).status_code == 403


def test_bad_input_is_a_422_in_chinese(api_as, places):
    api = api_as(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(api.staff, places.village_a1)
    response = api.call("post", "/vacancies", {"employer": employer.pk, "title": "  ", "headcount": 0})
    assert response.status_code == 422
    response = api.call("post", "/vacancies", {"employer": employer.pk, "title": " ", "channel": "portal"})
    assert response.status_code == 422
    response = api.call("post", "/vacancies", {"employer": employer.pk, "title": "  "})
    assert response.status_code == 422 and response.json()["detail"][0]["message"] == "请填写职位名称"


def test_sources_duplicates_and_a_merge_at_intake(api_as, make_staff, places):
    api = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    employer = verified_employer(api.staff, places.village_a1)
    posting = {
        "employer": employer.pk,
        "title": "中餐厨师",
        "pay_text": "4500-6000元/月",
        "description": "负责湘菜的烹饪制作，保证菜品质量；做好厨房卫生和食品安全工作；服从厨师长安排。包吃住。",
    }
    first = api.call("post", "/vacancies", posting)
    assert first.status_code == 201 and first.json()["intake"] == ""
    (source,) = first.json()["sources"]
    assert source["channel"] == "staff" and source["description"] == posting["description"]
    # Word for word the same from a partner system: merged, 200 and the existing vacancy.
    again = api.call(
        "post", "/vacancies", {**posting, "channel": "partner", "description": posting["description"] + " "}
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert again.json()["intake"] == f"该岗位与已有岗位#{first.json()['id']}重复，已合并为同一岗位的来源"
    assert [s["channel"] for s in again.json()["sources"]] == ["staff", "partner"]
    # Re-worded through a file: a new vacancy, marked.
    near = api.call(
        "post",
        "/vacancies",
        {**posting, "channel": "file", "description": posting["description"] + "月休四天。"},
    )
    assert near.status_code == 201 and near.json()["id"] != first.json()["id"]
    (duplicate,) = near.json()["duplicates"]
    assert duplicate["vacancy"] == first.json()["id"] and duplicate["decision"] == "open"
    assert 0.8 <= duplicate["score"] < 1 and duplicate["reasons"].startswith("同一单位、职位名称相同")
    shown = api.get_json(f"/api/v1/vacancies/{first.json()['id']}").json()
    assert [d["vacancy"] for d in shown["duplicates"]] == [near.json()["id"]]
    assert shown["merged_into"] is None and shown["reposted_as"] == []
    assert Vacancy.objects.count() == 2


def test_a_cleared_flag_says_so_in_the_api_without_the_reviewers_name(api_as, make_staff, places):
    from openpes.vacancies import rules, services

    api = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    clerk = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(clerk, places.village_a1)
    vacancy = make_vacancy(clerk, employer, title="专职消防员", description="限男性，需登高作业")
    flag = rules.blocking_flags(vacancy.screening_flags)[0]
    reason = "国家综合性消防救援队伍消防员招录规定限男性"
    services.vacancy_clear_flag(
        actor=api.staff, vacancy=vacancy, flag_ref=rules.flag_ref(flag), reason=reason
    )
    shown = api.get_json(f"/api/v1/vacancies/{vacancy.pk}").json()["screening_flags"][0]
    assert shown["severity"] == "block" and shown["cleared"]["reason"] == reason
    assert set(shown["cleared"]) == {"at", "reason"}
