"""Employer pages: registering and editing through the forms (problems shown on the fields, in Chinese),
the list as cards on a phone, verifying, key enterprises and specialists, accounts, demand surveys; what
another township sees (a 404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from openpes.accounts.roles import Role
from openpes.employers import services
from openpes.employers.models import DemandSurvey, Employer, EmployerAccount, Verification
from tests.employers.helpers import COOK, WELDER, load_some_taxonomy, make_employer, make_uscc
from tests.pages.conftest import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def taxonomy(db: Any) -> None:
    load_some_taxonomy()


def test_register_an_employer_on_the_form(places, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert "统一社会信用代码" in text_of(client.get("/employers/new/"))
    code = make_uscc()
    data = {
        "uscc": code.lower(),
        "name": "绥宁县长铺子木业有限公司",
        "industry_code": "18",
        "size": "3",
        "region_code": places.village_a1,
        "contact_name": "刘经理",
        "contact_phone": "13807390003",
    }
    response = client.post("/employers/new/", data)
    employer = Employer.objects.get(uscc=code)
    assert response.status_code == 302 and response["Location"] == f"/employers/{employer.pk}/"
    detail = text_of(client.get(response["Location"]))
    assert (
        "待审核" in detail
        and "138****0003" in detail
        and "13807390003" not in detail
        and "纺织服装" in detail
    )
    revealed = client.post(f"/employers/{employer.pk}/reveal-contact/", {"reason": "通知参加招聘会"})
    assert 'href="tel:13807390003"' in revealed.content.decode()
    refused = client.post(f"/employers/{employer.pk}/reveal-contact/", {"reason": ""})
    assert refused.status_code == 422 and "请填写查看事由" in text_of(refused)
    listing = client.get("/employers/").content.decode()
    assert "138****0003" in listing and "13807390003" not in listing
    assert "data-record-card" in listing  # the phone layout's cards


def test_form_problems_show_on_their_fields(places, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    response = client.post("/employers/new/", {"uscc": "91430527MA4L00000X", "name": "", "region_code": ""})
    page = text_of(response)
    assert response.status_code == 200
    assert "请填写单位名称" in page and "请选择所在地" in page
    existing = make_employer(client.staff, places.village_a1)
    again = client.post(
        "/employers/new/", {"uscc": existing.uscc, "name": "另一家", "region_code": places.village_a1}
    )
    assert f"/employers/{existing.pk}/" in again.content.decode()  # the link to the record it collides with
    bad = client.post(
        "/employers/new/",
        {"uscc": make_uscc(), "name": "某公司", "region_code": places.village_a1, "contact_phone": "123"},
    )
    assert "请填写有效的手机号码" in text_of(bad)


def test_edit_keeps_the_phone_unless_given(places, login_as):
    client = login_as(Role.COUNTY_OFFICER, places.county)
    employer = make_employer(client.staff, places.village_a1)
    form = text_of(client.get(f"/employers/{employer.pk}/edit/"))
    assert "现为 138****1234" in form
    data = {
        "uscc": employer.uscc,
        "name": "改名后的公司",
        "region_code": places.village_a2,
        "contact_phone": "",
    }
    assert client.post(f"/employers/{employer.pk}/edit/", data).status_code == 302
    employer.refresh_from_db()
    assert (employer.name, employer.region_code, employer.contact_phone_masked) == (
        "改名后的公司",
        places.village_a2,
        "138****1234",
    )


def test_verify_reject_and_key_enterprise_on_the_detail_page(places, login_as, make_staff):
    client = login_as(Role.COUNTY_OFFICER, places.county)
    employer = make_employer(client.staff, places.village_a1)
    refused = client.post(f"/employers/{employer.pk}/verify/", {"decision": "reject", "reason": ""})
    assert refused.status_code == 422 and "请写明未通过的原因" in text_of(refused)
    client.post(f"/employers/{employer.pk}/verify/", {"decision": "reject", "reason": "执照信息不符"})
    employer.refresh_from_db()
    assert (employer.verification, employer.verification_reason) == (Verification.REJECTED, "执照信息不符")
    client.post(f"/employers/{employer.pk}/verify/", {"decision": "approve"})
    employer.refresh_from_db()
    assert employer.verification == Verification.VERIFIED
    specialist = make_staff(Role.SPECIALIST, places.township_a)
    page = text_of(client.get(f"/employers/{employer.pk}/"))
    assert specialist.full_name in page
    response = client.post(
        f"/employers/{employer.pk}/key-enterprise/",
        {"is_key_enterprise": "on", "specialist": str(specialist.pk)},
    )
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.is_key_enterprise and employer.specialist == specialist
    key_only = client.get("/employers/", {"key": "yes"}).content.decode()
    assert f"/employers/{employer.pk}/" in key_only


def test_a_manager_sees_but_cannot_change(places, login_as, make_staff):
    employer = make_employer(make_staff(Role.COUNTY_OFFICER, places.county), places.village_a1)
    client = login_as(Role.MANAGER, places.county)
    page = client.get(f"/employers/{employer.pk}/").content.decode()
    assert (
        employer.name in page and "保存审核结果" not in page and f"/employers/{employer.pk}/edit/" not in page
    )
    assert client.get(f"/employers/{employer.pk}/edit/").status_code == 403
    assert client.post(f"/employers/{employer.pk}/verify/", {"decision": "approve"}).status_code == 403


def test_another_township_gets_404(places, login_as, make_staff):
    employer = make_employer(make_staff(Role.COUNTY_OFFICER, places.county), places.village_b1)
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    for url in (
        f"/employers/{employer.pk}/",
        f"/employers/{employer.pk}/edit/",
        f"/employers/{employer.pk}/demand-surveys/new/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/employers/{employer.pk}/verify/", {"decision": "approve"}).status_code == 404
    assert Employer.objects.get(pk=employer.pk).verification == Verification.PENDING


def test_confirm_and_disable_a_portal_account(places, login_as):
    client = login_as(Role.COUNTY_OFFICER, places.county)
    employer = make_employer(client.staff, places.village_a1)
    account = services.employer_sign_up(
        data=services.SignUp(
            uscc=employer.uscc, name=employer.name, contact_phone="13907390009", password="Employer#Pass-2026"
        )
    )
    page = text_of(client.get(f"/employers/{employer.pk}/"))
    assert "认领已登记的单位，待确认" in page and "139****0009" in page
    client.post(f"/employers/{employer.pk}/accounts/{account.pk}/confirm/")
    account.refresh_from_db()
    assert account.is_confirmed
    refused = client.post(f"/employers/{employer.pk}/accounts/{account.pk}/disable/", {"reason": ""})
    assert refused.status_code == 422 and "请填写原因" in text_of(refused)
    client.post(f"/employers/{employer.pk}/accounts/{account.pk}/disable/", {"reason": "单位申请停用"})
    assert not EmployerAccount.objects.get(pk=account.pk).is_active


def test_record_a_demand_survey_on_the_form(places, login_as):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    employer = make_employer(client.staff, places.village_a1)
    form = client.get(f"/employers/{employer.pk}/demand-surveys/new/").content.decode()
    assert f"{WELDER} 焊工" in form  # the occupations to choose from
    today = dt.date.today().isoformat()
    no_headcount = client.post(
        f"/employers/{employer.pk}/demand-surveys/new/", {"surveyed_on": today, "occupation_2": COOK}
    )
    assert "第2行：请填写人数" in text_of(no_headcount)
    unknown = client.post(
        f"/employers/{employer.pk}/demand-surveys/new/",
        {"surveyed_on": today, "occupation_1": "0-00-00-00 不存在", "headcount_1": "2"},
    )
    assert "不在职业分类大典" in text_of(unknown)
    response = client.post(
        f"/employers/{employer.pk}/demand-surveys/new/",
        {
            "surveyed_on": today,
            "occupation_1": f"{WELDER} 焊工",
            "headcount_1": "6",
            "occupation_3": COOK,
            "headcount_3": "2",
            "line_note_3": "会做湘菜",
        },
    )
    assert response.status_code == 302
    survey = DemandSurvey.objects.get(employer=employer)
    assert sorted((line.occupation_code, line.headcount) for line in survey.lines.all()) == [
        (COOK, 2),
        (WELDER, 6),
    ]
    listing = text_of(client.get("/employers/demand-surveys/"))
    assert employer.name in listing and "共需 8 人" in listing and "焊工" in listing
