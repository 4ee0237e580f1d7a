"""Two ways in (a Bearer token or the staff session with CSRF), both acting with the staff member's
jurisdiction and roles; everything else is a 401."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openpes.accounts import services as accounts
from openpes.accounts.models import ApiToken
from openpes.accounts.roles import Role
from openpes.people.models import Person
from tests.api.conftest import API, ApiClient
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def person_body(region: str) -> dict[str, str]:
    return {"name": "陈静", "id_number": make_id_number(), "region_code": region}


def test_token_acts_as_its_staff_member(api_as, places):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    response = client.get_json("/me")
    assert response.status_code == 200
    me = response.json()
    assert me["username"] == client.staff.username
    assert me["jurisdiction"]["code"] == places.township_a
    assert me["roles"] == [{"code": "township_officer", "label": "乡镇（街道）经办人员"}]
    assert "people.view_person" in me["permissions"]
    assert ApiToken.objects.get(staff=client.staff).last_used_at is not None


def test_ping_answers_a_valid_token_and_refuses_a_wrong_one(api_as, places):
    client = api_as(Role.SPECIALIST, places.county)
    with CaptureQueriesContext(connection) as queries:
        response = client.get_json("/ping")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert len(queries) <= 2  # the token (and its last use): nothing else is read
    assert Client().get(f"{API}/ping", headers={"Authorization": "Bearer opes_wrong"}).status_code == 401
    assert Client().get(f"{API}/ping").status_code == 401


def test_a_token_reads_its_roles_with_itself_and_a_role_taken_away_counts_at_once(api_as, places):
    """The token look-up brings the roles along (one query for a list's permission check, not two); they are
    read afresh on each request, so an administrator's change holds from the next call."""
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    with CaptureQueriesContext(connection) as queries:
        assert client.get_json("/persons?limit=5").status_code == 200
    assert not any("auth_group" in q["sql"] and "accounts_apitoken" not in q["sql"] for q in queries)
    assert accounts.token_authenticate(client.token).roles == client.staff.roles  # type: ignore[union-attr]
    client.staff.groups.set(Group.objects.filter(name=Role.SPECIALIST))  # as the admin site would
    me = client.get_json("/me").json()
    assert [r["code"] for r in me["roles"]] == ["specialist"]
    client.staff.groups.clear()
    assert client.get_json("/persons?limit=5").status_code == 403


def test_token_use_is_written_at_most_once_a_minute(api_as, places):
    """Every API request used to write the token's last use: a write, serialised on SQLite, per request."""
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False) as traveller:
        assert client.get_json("/me").status_code == 200
        first = ApiToken.objects.get(staff=client.staff).last_used_at
        assert first == t0
        traveller.shift(dt.timedelta(seconds=59))
        with CaptureQueriesContext(connection) as queries:
            assert client.get_json("/me").status_code == 200
        assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
        assert ApiToken.objects.get(staff=client.staff).last_used_at == first
        traveller.shift(dt.timedelta(seconds=2))
        assert client.get_json("/me").status_code == 200
        assert ApiToken.objects.get(staff=client.staff).last_used_at == t0 + dt.timedelta(seconds=61)


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer opes_wrong", "Bearer abc", "Basic dXNlcjpwYXNz", "Token x"]
)
def test_missing_or_wrong_credentials_are_401(db, header):
    headers = {"Authorization": header} if header else {}
    response = Client().get(f"{API}/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"]
    assert response["Cache-Control"] == "no-store"


def test_expired_token_is_401(api_as, places):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    ApiToken.objects.filter(staff=client.staff).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get_json("/me").status_code == 401


def test_revoked_token_is_401(api_as, places):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    accounts.token_revoke(actor=client.staff, token=ApiToken.objects.get(staff=client.staff))
    assert client.get_json("/me").status_code == 401


def test_token_of_disabled_account_is_401(api_as, places, make_staff):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert client.get_json("/persons").status_code == 200
    accounts.staff_set_active(actor=None, staff=client.staff, active=False)
    assert client.get_json("/persons").status_code == 401


def test_token_of_disabled_account_is_401_even_if_the_token_row_was_not_revoked(api_as, places):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    type(client.staff).objects.filter(pk=client.staff.pk).update(is_active=False)
    assert client.get_json("/me").status_code == 401


def test_wrong_token_is_refused_even_with_a_valid_session(login_as, places):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert client.get(f"{API}/me").status_code == 200
    assert client.get(f"{API}/me", headers={"Authorization": "Bearer opes_wrong"}).status_code == 401


def test_unauthenticated_write_is_401_and_writes_nothing(db, places):
    before = Person.objects.count()
    response = ApiClient().call("POST", "/persons", person_body(places.village_a1))
    assert response.status_code == 401
    assert Person.objects.count() == before


def test_session_reads_without_csrf(login_as, places):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    response = client.get(f"{API}/me")
    assert response.status_code == 200
    assert response.json()["jurisdiction"]["code"] == places.township_a


def test_session_write_without_csrf_token_is_refused(make_staff, places):
    staff = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    before = Person.objects.count()
    response = client.post(f"{API}/persons", person_body(places.village_a1), content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Person.objects.count() == before


def test_session_write_with_csrf_token_succeeds(make_staff, places):
    staff = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    client.get(f"{API}/docs")  # any page that renders the token sets the csrftoken cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        f"{API}/persons",
        person_body(places.village_a1),
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201, response.content
    assert Person.objects.get(pk=response.json()["id"]).created_by == staff


def test_token_write_needs_no_csrf(api_as, places):
    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    client.handler.enforce_csrf_checks = True
    response = client.call("POST", "/persons", person_body(places.village_a1))
    assert response.status_code == 201, response.content


def test_session_of_staff_who_must_pass_second_factor_is_401(login_as, places):
    client = login_as(Role.ADMINISTRATOR, places.county)
    response = client.get(f"{API}/me")
    assert response.status_code == 401


def test_api_writes_are_audited_as_api_channel(api_as, places):
    from openpes.audit.models import ChangeLog

    client = api_as(Role.TOWNSHIP_OFFICER, places.township_a)
    response = client.call("POST", "/persons", person_body(places.village_a1))
    entry = ChangeLog.objects.filter(target_type="people.person", target_id=str(response.json()["id"])).get()
    assert entry.channel == "api"
    assert entry.actor_id == client.staff.pk


def test_idle_session_is_401(login_as, places, settings):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert client.get(f"{API}/me").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=settings.SESSION_IDLE_SECONDS + 60)):
        response = client.get(f"{API}/me")
    assert response.status_code == 401
    assert client.get(f"{API}/me").status_code == 401  # the session has ended


def test_disabling_an_account_ends_its_api_session(login_as, places):
    client = login_as(Role.TOWNSHIP_OFFICER, places.township_a)
    assert client.get(f"{API}/persons").status_code == 200
    accounts.staff_set_active(actor=None, staff=client.staff, active=False)
    assert client.get(f"{API}/persons").status_code == 401
