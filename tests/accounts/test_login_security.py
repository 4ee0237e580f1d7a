"""Log-in security: lockout (SECURITY.md #8), idle and absolute session lifetime (#9), the TOTP second
factor (#10) and disabling an account (#11). The middleware is tested against a probe page
(tests/accounts/urls.py) so that these tests do not depend on the real pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from openpes.accounts import services as accounts
from openpes.accounts.models import ApiToken, StaffSession
from openpes.accounts.roles import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.urls("tests.accounts.urls")

T0 = dt.datetime(2026, 3, 16, 8, 0, tzinfo=dt.UTC)


def who(client: Client) -> str:
    response = client.get("/probe/")
    if response.status_code == 302:
        return "redirect:" + response.url
    assert response.status_code == 200
    return response.content.decode()


def try_login(username: str, password: str, ip: str = "198.51.100.1"):
    # the form's fields, as the login page posts them: the lockout's cool-off is worked out per name
    request = RequestFactory().post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )
    return authenticate(request=request, username=username, password=password)


# --- #8 lockout -------------------------------------------------------------------------------------------


def test_right_password_is_accepted_before_any_failure(make_staff):
    staff = make_staff(Role.COUNTY_OFFICER)
    assert try_login(staff.username, PASSWORD) == staff


def test_after_the_failure_limit_the_right_password_is_refused(make_staff, settings):
    staff = make_staff(Role.COUNTY_OFFICER)
    with time_machine.travel(T0, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            assert try_login(staff.username, "wrong-Passw0rd!") is None
        assert try_login(staff.username, PASSWORD) is None


def test_lockout_applies_to_the_username_from_any_address(make_staff, settings):
    staff = make_staff(Role.COUNTY_OFFICER)
    with time_machine.travel(T0, tick=False):
        for n in range(settings.AXES_FAILURE_LIMIT):
            try_login(staff.username, "wrong-Passw0rd!", ip=f"198.51.100.{n + 1}")
        assert try_login(staff.username, PASSWORD, ip="203.0.113.200") is None


def test_one_failure_fewer_than_the_limit_does_not_lock(make_staff, settings):
    staff = make_staff(Role.COUNTY_OFFICER)
    with time_machine.travel(T0, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            try_login(staff.username, "wrong-Passw0rd!")
        assert try_login(staff.username, PASSWORD) == staff


@pytest.mark.parametrize(
    ("after", "allowed"), [(-1, False), (+1, True)], ids=["minute-before", "minute-after"]
)
def test_first_lockout_lasts_for_the_first_cool_off_period(make_staff, settings, after, allowed):
    staff = make_staff(Role.COUNTY_OFFICER)
    cool_off = dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    assert cool_off == dt.timedelta(minutes=1)
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            try_login(staff.username, "wrong-Passw0rd!")
        traveller.shift(cool_off + dt.timedelta(seconds=30 * after))
        assert (try_login(staff.username, PASSWORD) == staff) is allowed


def test_lockout_of_one_account_does_not_lock_another(make_staff, settings):
    victim, other = make_staff(Role.COUNTY_OFFICER), make_staff(Role.COUNTY_OFFICER)
    with time_machine.travel(T0, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            try_login(victim.username, "wrong-Passw0rd!")
        assert try_login(other.username, PASSWORD) == other


# --- #9 session lifetime ----------------------------------------------------------------------------------


def test_session_idle_for_more_than_thirty_minutes_is_logged_out(make_staff, settings):
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    staff = make_staff(Role.COUNTY_OFFICER)
    client = Client()
    with time_machine.travel(T0, tick=False) as traveller:
        client.force_login(staff)
        traveller.shift(dt.timedelta(minutes=29))
        assert who(client) == f"user:{staff.username}"
        traveller.shift(dt.timedelta(minutes=31))
        assert who(client) == "redirect:/accounts/login/?next=/probe/"
        assert who(client) == "user:anonymous"


def test_activity_every_ten_minutes_keeps_the_session_until_the_absolute_limit(make_staff, settings):
    assert settings.SESSION_ABSOLUTE_SECONDS == 8 * 60 * 60
    staff = make_staff(Role.COUNTY_OFFICER)
    client = Client()
    with time_machine.travel(T0, tick=False) as traveller:
        client.force_login(staff)
        for _ in range(47):  # up to 7 h 50 min
            traveller.shift(dt.timedelta(minutes=10))
            assert who(client) == f"user:{staff.username}"
        traveller.shift(dt.timedelta(minutes=10, seconds=1))  # 8 h and a second
        assert who(client) == "redirect:/accounts/login/?next=/probe/"
        assert who(client) == "user:anonymous"


def test_a_busy_session_is_written_at_most_once_a_minute(make_staff):
    """Every page used to save the session (its last-seen time): a write, serialised on SQLite, per click.
    The last-seen time now moves in steps of a minute, so a session idles out at most a minute early."""
    staff = make_staff(Role.COUNTY_OFFICER)
    client = Client()
    with time_machine.travel(T0, tick=False) as traveller:
        client.force_login(staff)
        session = Session.objects.get()
        written = session.expire_date, session.session_data
        traveller.shift(dt.timedelta(seconds=30))
        for _ in range(3):
            assert who(client) == f"user:{staff.username}"
        session.refresh_from_db()
        assert (session.expire_date, session.session_data) == written
        traveller.shift(dt.timedelta(seconds=31))
        assert who(client) == f"user:{staff.username}"
        session.refresh_from_db()
        assert session.session_data != written[1]


def test_idle_time_counts_from_the_last_recorded_minute(make_staff):
    staff = make_staff(Role.COUNTY_OFFICER)
    client = Client()
    with time_machine.travel(T0, tick=False) as traveller:
        client.force_login(staff)
        for _ in range(29):  # a request every 59 s keeps the session alive past the 30 minutes of idling
            traveller.shift(dt.timedelta(seconds=59))
            who(client)
        traveller.shift(dt.timedelta(minutes=3))
        assert who(client) == f"user:{staff.username}"  # 31 min after log-in, but seen 29 min ago at most


def test_lifetimes_are_configurable(make_staff, settings):
    settings.SESSION_IDLE_SECONDS = 5 * 60
    staff = make_staff(Role.COUNTY_OFFICER)
    client = Client()
    with time_machine.travel(T0, tick=False) as traveller:
        client.force_login(staff)
        traveller.shift(dt.timedelta(minutes=6))
        assert who(client).startswith("redirect:/accounts/login/")


def test_expired_api_session_answers_401_in_json(make_staff):
    staff = make_staff(Role.COUNTY_OFFICER)
    client = Client()
    with time_machine.travel(T0, tick=False) as traveller:
        client.force_login(staff)
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get("/api/v1/persons")
    assert response.status_code == 401
    assert "重新登录" in response.json()["detail"]


# --- #10 second factor ------------------------------------------------------------------------------------


def test_administrator_without_verified_otp_is_sent_to_the_otp_page(make_staff):
    client = Client()
    client.force_login(make_staff(Role.ADMINISTRATOR))
    assert who(client) == "redirect:/accounts/otp/?next=/probe/"
    assert client.get("/accounts/otp/").status_code == 200  # no redirect loop
    api = client.get("/api/v1/persons")
    assert api.status_code == 401
    assert "双因素" in api.json()["detail"]


def test_administrator_with_a_verified_device_passes(make_staff):
    admin = make_staff(Role.ADMINISTRATOR)
    device = TOTPDevice.objects.create(user=admin, name="手机", confirmed=True)
    client = Client()
    client.force_login(admin)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert who(client) == f"user:{admin.username}"


def test_officer_without_a_device_is_not_asked_for_a_second_factor(make_staff):
    client = Client()
    officer = make_staff(Role.COUNTY_OFFICER)
    client.force_login(officer)
    assert who(client) == f"user:{officer.username}"


def test_staff_who_enrolled_a_device_must_use_it(make_staff):
    officer = make_staff(Role.COUNTY_OFFICER)
    TOTPDevice.objects.create(user=officer, name="手机", confirmed=True)
    client = Client()
    client.force_login(officer)
    assert who(client) == "redirect:/accounts/otp/?next=/probe/"


def test_roles_that_need_otp_are_configurable(make_staff, settings):
    settings.OTP_REQUIRED_ROLES = ["administrator", "county_officer"]
    client = Client()
    client.force_login(make_staff(Role.COUNTY_OFFICER))
    assert who(client) == "redirect:/accounts/otp/?next=/probe/"


# --- #11 disabling an account -----------------------------------------------------------------------------


def test_disabling_an_account_ends_its_sessions_even_if_re_enabled(make_staff):
    admin = make_staff(Role.ADMINISTRATOR)
    staff = make_staff(Role.COUNTY_OFFICER)
    client, other_device = Client(), Client()
    client.force_login(staff)
    other_device.force_login(staff)
    keys = {client.session.session_key, other_device.session.session_key}
    assert set(StaffSession.objects.filter(staff=staff).values_list("session_key", flat=True)) == keys
    assert who(client) == f"user:{staff.username}"

    accounts.staff_set_active(actor=admin, staff=staff, active=False)

    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not StaffSession.objects.filter(staff=staff).exists()
    assert who(client) == "user:anonymous"
    # the session rows are gone, not just refused for an inactive user: re-enabling does not revive them
    accounts.staff_set_active(actor=admin, staff=staff, active=True)
    assert who(other_device) == "user:anonymous"


def test_disabling_an_account_leaves_other_peoples_sessions(make_staff):
    admin = make_staff(Role.ADMINISTRATOR)
    staff, colleague = make_staff(Role.COUNTY_OFFICER), make_staff(Role.COUNTY_OFFICER)
    theirs = Client()
    theirs.force_login(colleague)
    accounts.staff_set_active(actor=admin, staff=staff, active=False)
    assert who(theirs) == f"user:{colleague.username}"


def test_disabling_an_account_revokes_its_api_tokens(make_staff):
    admin = make_staff(Role.ADMINISTRATOR)
    staff = make_staff(Role.COUNTY_OFFICER)
    _, raw = accounts.token_create(actor=staff, name="对接")
    assert accounts.token_authenticate(raw) == staff
    accounts.staff_set_active(actor=admin, staff=staff, active=False)
    assert accounts.token_authenticate(raw) is None
    assert ApiToken.objects.get(staff=staff).revoked_at is not None
    accounts.staff_set_active(actor=admin, staff=staff, active=True)
    assert accounts.token_authenticate(raw) is None


def test_disabled_account_cannot_log_in(make_staff):
    admin = make_staff(Role.ADMINISTRATOR)
    staff = make_staff(Role.COUNTY_OFFICER)
    accounts.staff_set_active(actor=admin, staff=staff, active=False)
    assert try_login(staff.username, PASSWORD) is None


def test_staff_cannot_disable_themselves(make_staff):
    from openpes.core.errors import DomainError

    admin = make_staff(Role.ADMINISTRATOR)
    with pytest.raises(DomainError, match="不能停用自己"):
        accounts.staff_set_active(actor=admin, staff=admin, active=False)
