"""合作系统 pages: administrators register partner systems of their jurisdiction, issue keys (shown once) and
revoke them with a reason; every step audited; other roles get a 403."""

from __future__ import annotations

from typing import Any

import pytest

from openpes.accounts import services as accounts
from openpes.accounts.models import Partner, PartnerKey, PartnerScope
from openpes.accounts.roles import Role
from openpes.audit.models import ChangeLog
from tests.pages.conftest import text_of

pytestmark = pytest.mark.django_db


def test_register_a_partner_and_issue_a_key_shown_once(places: Any, admin_client: Any) -> None:
    client = admin_client(places.county)
    page = client.get("/accounts/partners/")
    assert page.status_code == 200 and "登记合作系统" in text_of(page)
    assert 'href="/accounts/partners/"' in text_of(client.get("/", follow=True))  # in the navigation
    answer = client.post("/accounts/partners/", {"name": "绥宁人才网", "region_code": places.township_a})
    partner = Partner.objects.get(name="绥宁人才网")
    assert answer.status_code == 302 and answer["Location"] == f"/accounts/partners/{partner.pk}/"
    issued = client.post(
        f"/accounts/partners/{partner.pk}/",
        {"scopes": [PartnerScope.VACANCIES_WRITE, PartnerScope.VACANCIES_READ], "days": "30"},
    )
    html = text_of(issued)
    key = PartnerKey.objects.get(partner=partner)
    raw = html.split('id="new-key">')[1].split("<")[0]
    assert raw.startswith("opes_p_") and key.digest == PartnerKey.digest_of(raw)
    assert raw not in str(ChangeLog.objects.values_list("changes", "summary"))  # never stored in plain
    assert key.scopes == ["vacancies:write", "vacancies:read"] and key.created_by == client.staff
    assert issued["Cache-Control"].startswith("no-") or "no-store" in issued["Cache-Control"]
    again = text_of(client.get(f"/accounts/partners/{partner.pk}/"))
    assert raw not in again and f"{key.prefix}…" in again
    summaries = set(ChangeLog.objects.values_list("summary", flat=True))
    assert "登记合作系统 绥宁人才网" in summaries
    assert f"签发合作系统 绥宁人才网 的 API 密钥 {key.prefix}…" in summaries


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scopes": [], "days": "30"}, "请选择权限范围"),
        ({"scopes": ["people:write"], "days": "30"}, "所选权限范围不在可选范围内"),
        ({"scopes": ["jobs:read"], "days": "0"}, "有效天数不能小于1"),
        ({"scopes": ["jobs:read"], "days": "abc"}, "有效天数应为整数"),
    ],
)
def test_bad_key_input_issues_nothing(places: Any, admin_client: Any, data: dict, message: str) -> None:
    client = admin_client(places.county)
    partner = accounts.partner_create(actor=None, name="人才网", region_code=places.township_a)
    answer = client.post(f"/accounts/partners/{partner.pk}/", data)
    assert answer.status_code == 200 and message in text_of(answer)
    assert not PartnerKey.objects.exists()


def test_bad_partner_input_registers_nothing(places: Any, admin_client: Any) -> None:
    client = admin_client(places.township_a)
    accounts.partner_create(actor=None, name="人才网", region_code=places.township_a)
    for data, message in [
        ({"name": "", "region_code": places.township_a}, "请填写合作系统名称"),
        ({"name": "别处的", "region_code": places.township_b}, "所选服务区划不在可选范围内"),
        ({"name": "人才网", "region_code": places.township_a}, "该区划已有同名的合作系统"),
    ]:
        answer = client.post("/accounts/partners/", data)
        assert answer.status_code == 200 and message in text_of(answer), data
    assert Partner.objects.count() == 1


def test_revoke_with_a_reason(places: Any, admin_client: Any) -> None:
    client = admin_client(places.county)
    partner = accounts.partner_create(actor=None, name="人才网", region_code=places.township_a)
    key, raw = accounts.partner_key_create(actor=None, partner=partner, scopes=["jobs:read"])
    url = f"/accounts/partners/keys/{key.pk}/revoke/"
    refused = client.post(url, {"reason": ""}, follow=True)
    assert "请填写吊销原因" in text_of(refused)
    key.refresh_from_db()
    assert key.revoked_at is None
    answer = client.post(url, {"reason": "合作终止"}, follow=True)
    assert "已吊销" in text_of(answer)
    key.refresh_from_db()
    assert key.revoked_by == client.staff and key.revoke_reason == "合作终止"
    assert accounts.partner_key_authenticate(raw) is None
    entry = ChangeLog.objects.get(summary__startswith="吊销合作系统")
    assert entry.actor == client.staff and entry.changes == {"revoked": True, "reason": "合作终止"}


def test_partners_of_another_jurisdiction_are_invisible(places: Any, admin_client: Any) -> None:
    client = admin_client(places.township_a)
    theirs = accounts.partner_create(actor=None, name="B镇招聘会", region_code=places.township_b)
    key, _ = accounts.partner_key_create(actor=None, partner=theirs, scopes=["jobs:read"])
    assert "B镇招聘会" not in text_of(client.get("/accounts/partners/"))
    assert client.get(f"/accounts/partners/{theirs.pk}/").status_code == 404
    post = client.post(f"/accounts/partners/{theirs.pk}/", {"scopes": ["jobs:read"]})
    assert post.status_code == 404
    assert client.post(f"/accounts/partners/keys/{key.pk}/revoke/", {"reason": "试试"}).status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None and PartnerKey.objects.count() == 1


@pytest.mark.parametrize(
    "role", [Role.COUNTY_OFFICER, Role.MANAGER, Role.SPECIALIST, Role.AUDITOR, Role.VILLAGE_BROKER]
)
def test_partner_pages_are_for_administrators_only(places: Any, login_as: Any, role: str) -> None:
    from tests.pages.conftest import verify_second_factor

    client = login_as(role, places.county)
    verify_second_factor(client, client.staff)
    partner = accounts.partner_create(actor=None, name="人才网", region_code=places.township_a)
    key, _ = accounts.partner_key_create(actor=None, partner=partner, scopes=["jobs:read"])
    assert client.get("/accounts/partners/").status_code == 403
    assert client.get(f"/accounts/partners/{partner.pk}/").status_code == 403
    assert client.post(f"/accounts/partners/{partner.pk}/", {"scopes": ["jobs:read"]}).status_code == 403
    assert client.post(f"/accounts/partners/keys/{key.pk}/revoke/", {"reason": "试试"}).status_code == 403
    assert PartnerKey.objects.filter(revoked_at__isnull=True).count() == 1
    assert 'href="/accounts/partners/"' not in text_of(client.get("/", follow=True))


def test_staff_see_which_partner_posted_a_vacancy(places: Any, login_as: Any) -> None:
    from openpes.vacancies import services as vacancies
    from tests.vacancies.pool import COOK_POSTING, verified_employer

    client = login_as(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(client.staff, places.village_a1)
    partner = accounts.partner_create(actor=None, name="绥宁人才网", region_code=places.township_a)
    key, _ = accounts.partner_key_create(actor=None, partner=partner, scopes=["vacancies:write"])
    vacancy, created = vacancies.partner_vacancy_post(
        key=key, external_id="job-9", credit_code=employer.uscc, data=vacancies.VacancyInput(**COOK_POSTING)
    )
    assert created and vacancy.status == "pending_review"
    html = text_of(client.get(f"/vacancies/{vacancy.pk}/"))
    assert "合作系统（绥宁人才网，对方编号" in html and "job-9" in html
    assert f"/vacancies/{vacancy.pk}/" in text_of(client.get("/vacancies/review/"))
