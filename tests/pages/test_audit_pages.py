"""Audit pages: change log and access log, read only, filtered, scoped to the auditor's jurisdiction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openpes.accounts.roles import Role
from openpes.audit.models import AccessLog, ChangeLog
from openpes.people.services import person_reveal
from tests.pages.conftest import assert_no_full_identifiers, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(places, make_staff, make_person):
    """A person registered and revealed in each township, by a clerk of that township."""
    clerk_a = make_staff(Role.TOWNSHIP_OFFICER, places.township_a, username="clerk_a")
    clerk_b = make_staff(Role.TOWNSHIP_OFFICER, places.township_b, username="clerk_b")
    a = make_person(clerk_a, places.village_a1, name="王芳")
    b = make_person(clerk_b, places.village_b1, name="赵敏")
    person_reveal(actor=clerk_a, person=a, field_name="id_number", reason="办理失业登记")
    person_reveal(actor=clerk_b, person=b, field_name="phone", reason="电话回访核实")
    return {"a": a, "b": b}


def test_change_log_lists_changes_of_the_jurisdiction_only(places, activity, login_as):
    client = login_as(Role.AUDITOR, places.township_a)
    response = client.get("/audit/changes/")
    assert response.status_code == 200
    text = text_of(response)
    assert "登记劳动者 王芳" in text
    assert "赵敏" not in text
    assert_no_full_identifiers(text)


def test_access_log_lists_reveals_of_the_jurisdiction_only(places, activity, login_as):
    client = login_as(Role.AUDITOR, places.township_a)
    text = text_of(client.get("/audit/access/"))
    assert "办理失业登记" in text and "身份证号码" in text
    assert "电话回访核实" not in text
    county = text_of(login_as(Role.AUDITOR, places.county).get("/audit/access/"))
    assert "办理失业登记" in county and "电话回访核实" in county


def test_filters_by_actor_and_date(places, activity, login_as):
    client = login_as(Role.AUDITOR, places.county)
    text = text_of(client.get("/audit/access/", {"actor": "clerk_b"}))
    assert "电话回访核实" in text and "办理失业登记" not in text
    today = timezone.localdate()
    assert "办理失业登记" in text_of(client.get("/audit/access/", {"date_from": today, "date_to": today}))
    tomorrow = today + dt.timedelta(days=1)
    text = text_of(client.get("/audit/changes/", {"date_from": tomorrow}))
    assert "没有符合条件的变更记录" in text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-13-45"}, "起始日期应为日期"),
        ({"date_from": "2026-02-01", "date_to": "2026-01-01"}, "截止日期不能早于起始日期"),
    ],
)
def test_bad_filters_give_chinese_errors_and_change_nothing(places, activity, login_as, params, message):
    client = login_as(Role.AUDITOR, places.county)
    before = ChangeLog.objects.count(), AccessLog.objects.count()
    response = client.get("/audit/changes/", params)
    assert response.status_code == 200
    assert message in text_of(response)
    assert (ChangeLog.objects.count(), AccessLog.objects.count()) == before


def test_audit_pages_are_read_only(places, login_as):
    client = login_as(Role.AUDITOR, places.county)
    for url in ("/audit/changes/", "/audit/access/"):
        assert '<form method="post"' not in text_of(client.get(url)).split("退出登录")[-1]


def test_audit_log_paginates(places, login_as, make_staff, make_person):
    clerk = make_staff(Role.VILLAGE_BROKER, places.village_a1)
    for _ in range(51):
        make_person(clerk, places.village_a1)
    text = text_of(login_as(Role.AUDITOR, places.county).get("/audit/changes/"))
    assert "第 1 / 2 页" in text


@pytest.mark.parametrize("url", ["/audit/changes/", "/audit/access/"])
@pytest.mark.parametrize("role", [Role.COUNTY_OFFICER, Role.MANAGER, Role.VILLAGE_BROKER])
def test_audit_pages_are_403_for_other_roles(places, login_as, url, role):
    assert login_as(role, places.county).get(url).status_code == 403


def test_administrators_do_not_read_the_audit_log(places, admin_client):
    assert admin_client(places.county).get("/audit/changes/").status_code == 403


@pytest.mark.parametrize("url", ["/audit/changes/", "/audit/access/"])
def test_audit_pages_need_sign_in(client, url):
    assert client.get(url)["Location"].startswith("/accounts/login/")
