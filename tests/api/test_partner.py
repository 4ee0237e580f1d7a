"""The partner API (/api/v1/partner/…) with partner keys: every endpoint with a good key, a key of the wrong
scope, a revoked and an expired key; employers of another region; another partner's external_id (404);
bad bodies (422, nothing written); idempotent re-posts; the rate limits; staff tokens and partner keys kept
apart."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from openpes.accounts import services as accounts
from openpes.accounts.models import Partner, PartnerKey, PartnerScope, Staff
from openpes.accounts.partner_auth import INVALID_MESSAGE, STAFF_TOKEN_MESSAGE
from openpes.accounts.roles import Role
from openpes.audit.models import ChangeLog
from openpes.employers.models import Employer
from openpes.vacancies import selectors, services
from openpes.vacancies.models import Vacancy
from openpes.vacancies.services.partner import OTHER_EMPLOYER, UNKNOWN_EMPLOYER
from tests.api.conftest import ApiClient, PartnerClient, assert_field_errors
from tests.employers.helpers import make_uscc
from tests.vacancies.pool import make_vacancy, verified_employer

pytestmark = pytest.mark.django_db

ALL = list(PartnerScope.values)
POSTING: dict[str, Any] = {
    "title": "中餐厨师",
    "pay_text": "4500-6000元/月",
    "place_text": "绥宁县长铺镇",
    "education_text": "初中",
    "description": "负责湘菜烹饪，包吃住",
    "contact_text": "电话 0739-7612345",
    "headcount": 2,
}


@dataclass
class World:
    officer: Staff
    partner: Partner
    other_partner: Partner
    employer_a: Employer
    employer_b: Employer
    key: str  # every scope, partner (township A)
    other_key: str  # every scope, other_partner (also township A)

    def client(self, raw: str | None = None) -> PartnerClient:
        return PartnerClient(self.key if raw is None else raw)

    def key_with(self, *scopes: str, partner: Partner | None = None, days: int | None = None) -> str:
        return accounts.partner_key_create(
            actor=None, partner=partner or self.partner, scopes=scopes, days=days
        )[1]


@pytest.fixture
def world(places: Any, make_staff: Any) -> World:
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    partner = accounts.partner_create(actor=None, name="绥宁人才网", region_code=places.township_a)
    other = accounts.partner_create(actor=None, name="长铺镇招聘会", region_code=places.township_a)
    employer_a = verified_employer(officer, places.village_a1)
    employer_b = verified_employer(officer, places.village_b1)
    key = accounts.partner_key_create(actor=None, partner=partner, scopes=ALL)[1]
    other_key = accounts.partner_key_create(actor=None, partner=other, scopes=ALL)[1]
    return World(officer, partner, other, employer_a, employer_b, key, other_key)


def post(world: World, external_id: str = "job-1", raw: str | None = None, **fields: Any) -> Any:
    body = {"external_id": external_id, "employer_credit_code": world.employer_a.uscc, **POSTING, **fields}
    return world.client(raw).call("POST", "/partner/vacancies", body)


# --- writing ------------------------------------------------------------------------------------------------


def test_a_post_lands_in_the_pool_on_the_partner_channel_and_goes_to_review(world: World) -> None:
    answer = post(world, pay_text="8千-1.2万/月")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["external_id"] == "job-1" and body["employer_credit_code"] == world.employer_a.uscc
    assert body["channel"] == "partner" and body["status"] == "pending_review"
    assert body["pay_text"] == "8千-1.2万/月" and body["pay_min"] == 8000 and body["pay_max"] == 12000
    vacancy = Vacancy.objects.get(pk=body["id"])
    assert vacancy.partner == world.partner and vacancy.created_by is None
    assert vacancy.description == POSTING["description"]  # the raw text, as sent
    # like every channel: in the review queue of the office whose jurisdiction it is in
    assert vacancy in selectors.review_queue(actor=world.officer)
    entries = ChangeLog.objects.filter(target_type="vacancies.vacancy", target_id=str(vacancy.pk))
    assert entries.count() == 2 and {e.actor_id for e in entries} == {None}
    key = PartnerKey.objects.get(partner=world.partner)
    assert {e.actor_name for e in entries} == {f"合作系统 绥宁人才网（{key.prefix}…）"}
    assert entries.get(summary__startswith="登记岗位").changes["external_id"] == "job-1"


def test_posting_the_same_external_id_again_changes_that_vacancy(world: World) -> None:
    first = post(world).json()
    logged = ChangeLog.objects.count()
    again = post(world)  # a retry of the same post: nothing new, nothing changed, nothing logged
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert ChangeLog.objects.count() == logged
    changed = post(world, title="湘菜厨师")
    assert changed.status_code == 200 and changed.json()["title"] == "湘菜厨师"
    assert Vacancy.objects.filter(partner=world.partner).count() == 1
    # the same external_id of another partner is another vacancy
    other = post(world, raw=world.other_key)
    assert other.status_code == 201 and other.json()["id"] != first["id"]


def test_an_employer_outside_the_partners_region_is_refused_without_saying_whether_it_exists(
    world: World,
) -> None:
    elsewhere = post(world, employer_credit_code=world.employer_b.uscc)
    nowhere = post(world, employer_credit_code=make_uscc())
    for answer in (elsewhere, nowhere):
        detail = assert_field_errors(answer, "employer_credit_code")
        assert detail[0]["message"] == UNKNOWN_EMPLOYER
    assert elsewhere.content == nowhere.content
    assert not Vacancy.objects.filter(partner__isnull=False).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"external_id": "有空格 的编号"}, "external_id"),
        ({"external_id": "x" * 65}, "external_id"),
        ({"employer_credit_code": "91430527MA0000001X"}, "employer_credit_code"),
        ({"headcount": 0}, "headcount"),
        ({"valid_until": "2020-01-01"}, "valid_until"),
        ({"salary": "8000"}, "salary"),
    ],
)
def test_bad_bodies_are_a_422_in_chinese_and_write_nothing(world: World, change: dict, field: str) -> None:
    logged = ChangeLog.objects.count()
    detail = assert_field_errors(post(world, **change), field)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in detail)
    assert not Vacancy.objects.filter(partner__isnull=False).exists()
    assert ChangeLog.objects.count() == logged


def test_a_body_that_is_not_json_is_refused(world: World) -> None:
    answer = world.client().call("POST", "/partner/vacancies", "{not json")
    assert_field_errors(answer, "body")
    missing = world.client().call("POST", "/partner/vacancies", {})
    assert_field_errors(missing, "external_id", "employer_credit_code", "title")


def test_a_discriminatory_post_stays_a_draft_until_the_partner_fixes_it(world: World) -> None:
    answer = post(world, description="限男性，身体健康")
    assert answer.status_code == 201
    body = answer.json()
    assert body["status"] == "draft"
    assert [f["code"] for f in body["screening_flags"] if f["severity"] == "block"] == ["gender.restricted"]
    fixed = world.client().call("PATCH", "/partner/vacancies/job-1", {"description": "身体健康，包吃住"})
    assert fixed.status_code == 200 and fixed.json()["status"] == "pending_review"


def test_put_replaces_every_field_and_keeps_the_employer(world: World) -> None:
    post(world)
    body = {"employer_credit_code": world.employer_a.uscc, "title": "面点师", "pay_text": "面议"}
    answer = world.client().call("PUT", "/partner/vacancies/job-1", body)
    assert answer.status_code == 200, answer.content
    assert answer.json()["title"] == "面点师" and answer.json()["description"] == ""
    assert answer.json()["pay_negotiable"] is True
    other = {**body, "employer_credit_code": world.employer_b.uscc}
    detail = assert_field_errors(world.client().call("PUT", "/partner/vacancies/job-1", other))
    assert detail[0]["message"] == UNKNOWN_EMPLOYER
    second = verified_employer(world.officer, world.employer_a.region_code)
    moved = {**body, "employer_credit_code": second.uscc}
    detail = assert_field_errors(world.client().call("PUT", "/partner/vacancies/job-1", moved))
    assert detail[0]["message"] == OTHER_EMPLOYER
    assert Vacancy.objects.get(external_id="job-1", partner=world.partner).employer == world.employer_a


def test_a_change_to_a_published_vacancy_sends_it_back_to_review(world: World) -> None:
    vacancy = Vacancy.objects.get(pk=post(world).json()["id"])
    services.vacancy_review(actor=world.officer, vacancy=vacancy, approve=True)
    answer = world.client().call("PATCH", "/partner/vacancies/job-1", {"pay_text": "5000-7000元"})
    assert answer.status_code == 200 and answer.json()["status"] == "pending_review"
    assert answer.json()["pay_min"] == 5000


def test_withdraw_takes_it_out_and_then_it_cannot_be_changed(world: World) -> None:
    post(world)
    answer = world.client().call("POST", "/partner/vacancies/job-1/withdraw", {"reason": "已招满"})
    assert answer.status_code == 200
    assert answer.json()["status"] == "withdrawn" and answer.json()["status_reason"] == "已招满"
    assert_field_errors(post(world, title="再招"), "status")
    assert_field_errors(world.client().call("POST", "/partner/vacancies/job-1/withdraw", {}), "status")


# --- reading ------------------------------------------------------------------------------------------------


def test_a_partner_reads_back_only_its_own_vacancies_with_the_reviewers_reason(world: World) -> None:
    mine = Vacancy.objects.get(pk=post(world).json()["id"])
    post(world, external_id="job-2", title="面点师")
    post(world, external_id="theirs", raw=world.other_key)
    make_vacancy(world.officer, world.employer_a)  # entered by staff, same employer
    services.vacancy_review(actor=world.officer, vacancy=mine, approve=False, reason="请写明具体工作时间")
    listing = world.client().get_json("/partner/vacancies")
    assert listing.status_code == 200
    body = listing.json()
    assert body["count"] == 2 and {i["external_id"] for i in body["items"]} == {"job-1", "job-2"}
    rejected = world.client().get_json("/partner/vacancies", {"status": "rejected"}).json()
    assert [i["external_id"] for i in rejected["items"]] == ["job-1"]
    assert rejected["items"][0]["status_reason"] == "请写明具体工作时间"
    detail = world.client().get_json("/partner/vacancies/job-1")
    assert detail.status_code == 200 and detail.json()["status"] == "rejected"
    assert_field_errors(world.client().get_json("/partner/vacancies", {"status": "lost"}), "status")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/partner/vacancies/theirs", None),
        ("PUT", "/partner/vacancies/theirs", "put"),
        ("PATCH", "/partner/vacancies/theirs", {"title": "改掉"}),
        ("POST", "/partner/vacancies/theirs/withdraw", {"reason": "试试"}),
    ],
)
def test_another_partners_external_id_is_a_404_and_stays_untouched(
    world: World, method: str, path: str, body: Any
) -> None:
    theirs = Vacancy.objects.get(pk=post(world, external_id="theirs", raw=world.other_key).json()["id"])
    if body == "put":
        body = {"employer_credit_code": world.employer_a.uscc, "title": "改掉"}
    answer = world.client().call(method, path, body)
    assert answer.status_code == 404, answer.content
    assert answer.json()["detail"] == "记录不存在，或不在您的辖区内"
    never = world.client().call(method, path.replace("theirs", "never-posted"), body)
    assert answer.content == never.content
    theirs.refresh_from_db()
    assert theirs.title == "中餐厨师" and theirs.status == "pending_review"


# --- keys: scope, revocation, expiry, staff tokens ----------------------------------------------------------

ENDPOINTS: list[tuple[str, str, str]] = [
    ("POST", "/partner/vacancies", PartnerScope.VACANCIES_WRITE),
    ("GET", "/partner/vacancies", PartnerScope.VACANCIES_READ),
    ("GET", "/partner/vacancies/job-1", PartnerScope.VACANCIES_READ),
    ("PUT", "/partner/vacancies/job-1", PartnerScope.VACANCIES_WRITE),
    ("PATCH", "/partner/vacancies/job-1", PartnerScope.VACANCIES_WRITE),
    ("POST", "/partner/vacancies/job-1/withdraw", PartnerScope.VACANCIES_WRITE),
    ("GET", "/jobs", PartnerScope.JOBS_READ),
]


def _body(world: World, method: str, path: str) -> Any:
    if method == "GET":
        return None
    if path == "/partner/vacancies":
        return {"external_id": "job-1", "employer_credit_code": world.employer_a.uscc, **POSTING}
    if method == "PUT":
        return {"employer_credit_code": world.employer_a.uscc, **POSTING, "title": "面点师"}
    return {"title": "面点师"} if method == "PATCH" else {}


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS)
def test_every_endpoint_with_a_good_key(world: World, method: str, path: str, scope: str) -> None:
    if path != "/partner/vacancies" or method != "POST":
        post(world)
    answer = world.client(world.key_with(scope)).call(method, path, _body(world, method, path))
    assert answer.status_code in (200, 201), answer.content


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS)
def test_a_key_without_the_scope_is_a_403_naming_it(world: World, method: str, path: str, scope: str) -> None:
    post(world)
    others = [s for s in ALL if s != scope]
    before = list(Vacancy.objects.values_list("title", "status"))
    answer = world.client(world.key_with(*others)).call(method, path, _body(world, method, path))
    assert answer.status_code == 403, answer.content
    assert f"“{scope}”权限" in answer.json()["detail"]
    assert list(Vacancy.objects.values_list("title", "status")) == before


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS)
def test_revoked_expired_and_unknown_keys_are_a_401(world: World, method: str, path: str, scope: str) -> None:
    post(world)
    revoked_raw = world.key_with(*ALL)
    revoked = PartnerKey.objects.get(digest=PartnerKey.digest_of(revoked_raw))
    accounts.partner_key_revoke(actor=None, key=revoked, reason="合作终止")
    expired_raw = world.key_with(*ALL, days=1)
    PartnerKey.objects.filter(digest=PartnerKey.digest_of(expired_raw)).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    before = list(Vacancy.objects.values_list("title", "status"))
    for raw in (revoked_raw, expired_raw, "opes_p_" + "x" * 43, "nonsense"):
        answer = world.client(raw).call(method, path, _body(world, method, path))
        assert answer.status_code == 401, (raw, answer.content)
        assert answer.json()["detail"] == INVALID_MESSAGE
    assert list(Vacancy.objects.values_list("title", "status")) == before


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS[:-1])
def test_a_staff_token_never_opens_a_partner_endpoint(
    world: World, api_as: Any, places: Any, method: str, path: str, scope: str
) -> None:
    post(world)
    staff = api_as(Role.COUNTY_OFFICER, places.county)
    as_key = world.client(staff.token).call(method, path, _body(world, method, path))
    assert as_key.status_code == 401 and as_key.json()["detail"] == STAFF_TOKEN_MESSAGE
    as_bearer = staff.call(method, "/api/v1" + path, _body(world, method, path))
    assert as_bearer.status_code == 401 and "X-API-Key" in as_bearer.json()["detail"]


def test_a_partner_key_never_opens_a_staff_endpoint(world: World) -> None:
    post(world)
    vacancy = Vacancy.objects.get(partner=world.partner)
    for path in ("/vacancies", f"/vacancies/{vacancy.pk}", "/me", "/persons", "/vacancies/search"):
        assert ApiClient(world.key).get_json(path).status_code == 401, path  # as a bearer token
        assert world.client().get_json(path).status_code == 401, path  # in its own header
    answer = ApiClient(world.key).call("POST", f"/vacancies/{vacancy.pk}/review", {"approve": True})
    assert answer.status_code == 401
    vacancy.refresh_from_db()
    assert vacancy.status == "pending_review"


def test_a_key_used_is_stamped_and_a_revoked_key_keeps_who_and_why(world: World, make_staff: Any) -> None:
    admin = make_staff(Role.ADMINISTRATOR, world.partner.region_code)
    raw = world.key_with(PartnerScope.VACANCIES_READ)
    key = PartnerKey.objects.get(digest=PartnerKey.digest_of(raw))
    assert key.last_used_at is None and key.prefix == raw[:13] and raw.startswith("opes_p_")
    assert len(raw) == 7 + 43 and raw not in str(list(PartnerKey.objects.values()))  # only its digest
    assert world.client(raw).get_json("/partner/vacancies").status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None
    accounts.partner_key_revoke(actor=admin, key=key, reason="密钥泄露")
    key.refresh_from_db()
    assert key.revoked_by == admin and key.revoke_reason == "密钥泄露" and key.status == "已吊销"
    assert world.client(raw).get_json("/partner/vacancies").status_code == 401


# --- rate limits ----------------------------------------------------------------------------------------------


def test_a_partner_key_is_limited_as_itself(world: World, settings: Any) -> None:
    settings.API_PARTNER_RATE = "3/min"
    for _ in range(3):
        assert world.client().get_json("/partner/vacancies").status_code == 200
    refused = world.client().get_json("/partner/vacancies")
    assert refused.status_code == 429
    assert (
        refused.json()["detail"].startswith("请求过于频繁，请在") and 1 <= int(refused["Retry-After"]) <= 60
    )
    assert post(world).status_code == 429  # every endpoint of the key counts together
    assert not Vacancy.objects.exists()
    # another key (of the same partner, even) has its own count
    assert world.client(world.key_with(*ALL)).get_json("/partner/vacancies").status_code == 200


def test_the_public_job_search_is_limited_per_client_address(world: World, settings: Any) -> None:
    settings.API_JOBS_RATE = "2/min"
    settings.API_PARTNER_RATE = "5/min"
    anonymous = Client(REMOTE_ADDR="203.0.113.7")
    assert anonymous.get("/api/v1/jobs").status_code == 200
    assert anonymous.get("/api/v1/jobs", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 200
    # a forged X-Forwarded-For does not make a new client: the address is the one the WSGI application
    # resolved from the trusted proxies (core.proxies), as for login throttling
    for forged in ("198.51.100.2", "198.51.100.3, 10.0.0.1"):
        refused = anonymous.get("/api/v1/jobs", headers={"X-Forwarded-For": forged})
        assert refused.status_code == 429, forged
    assert refused.json()["detail"].startswith("请求过于频繁") and int(refused["Retry-After"]) >= 1
    assert Client(REMOTE_ADDR="203.0.113.8").get("/api/v1/jobs").status_code == 200
    # a partner key with jobs:read from the same address is counted as itself, at its own rate
    keyed = PartnerClient(world.key_with(PartnerScope.JOBS_READ), REMOTE_ADDR="203.0.113.7")
    assert [keyed.get_json("/jobs").status_code for _ in range(6)] == [200] * 5 + [429]
    # and a key that is sent must be good: no falling back to the anonymous search
    assert PartnerClient("opes_p_wrong").get_json("/jobs").status_code == 401


def test_rates_are_validated() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from openpes.core.throttling import parse_rate

    assert parse_rate("120/min") == (120, 60) and parse_rate("10/s") == (10, 1)
    assert parse_rate("5000/hour") == (5000, 3600) and parse_rate("off") is None
    for bad in ("120", "120/fortnight", "0/min", "x/min"):
        with pytest.raises(ImproperlyConfigured):
            parse_rate(bad)


def test_a_mistyped_rate_fails_the_system_check(settings: Any) -> None:
    from openpes.core.checks import api_rates_valid

    assert api_rates_valid() == []
    settings.API_JOBS_RATE = "120 per minute"
    errors = api_rates_valid()
    assert [e.id for e in errors] == ["openpes.E010"] and "OPENPES_API_JOBS_RATE" in errors[0].msg
