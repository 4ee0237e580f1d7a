"""Sign-in throttling (SECURITY.md #8) and the sign-in log (#7): a lockout that grows 1, 2, 4 … minutes instead
of a fixed half hour, a limit per client address against password spraying across many names, and every
attempt written to the append-only audit.LoginLog, which auditors read."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory

from openpes.accounts import throttle
from openpes.accounts.roles import Role
from openpes.audit.models import LoginLog
from tests.conftest import PASSWORD
from tests.pages.conftest import verify_second_factor

T0 = dt.datetime(2026, 3, 16, 8, 0, tzinfo=dt.UTC)
WRONG = "wrong-Passw0rd!"
SPRAYER = "203.0.113.66"


def try_login(username: str, password: str, ip: str = "198.51.100.1"):
    request = RequestFactory().post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )
    return authenticate(request=request, username=username, password=password)


def page_login(username: str, password: str, ip: str = "198.51.100.1", agent: str = "Mozilla/5.0 测试"):
    return Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=agent).post(
        "/accounts/login/", {"username": username, "password": password}
    )


def lock(username: str, limit: int) -> None:
    for _ in range(limit):
        try_login(username, WRONG)


def locked_for(staff, traveller) -> dt.timedelta:
    """How long the account stays locked after its last failure, to the minute."""
    traveller.shift(dt.timedelta(seconds=1))
    waited = dt.timedelta()
    while try_login(staff.username, PASSWORD) is None:
        traveller.shift(dt.timedelta(minutes=1))
        waited += dt.timedelta(minutes=1)
        assert waited < dt.timedelta(hours=3)
    return waited


# --- growing lockout --------------------------------------------------------------------------------------


def test_lockout_grows_one_two_four_minutes_and_is_capped(make_staff, settings):
    settings.LOGIN_LOCKOUT_MAX_MINUTES = 8
    staff = make_staff(Role.ADMINISTRATOR)
    seen = []
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(6):
            lock(staff.username, settings.AXES_FAILURE_LIMIT)
            seen.append(locked_for(staff, traveller))
            # the probe above succeeded through authenticate() only (no sign-in page): nothing is reset
    assert seen == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8, 8, 8)]


@pytest.mark.parametrize("wrong", [0, 4, 5, 9, 10, 15, 20, 25, 30, 500])
def test_lockout_minutes_by_failures(settings, wrong):
    settings.AXES_FAILURE_LIMIT, settings.LOGIN_LOCKOUT_MINUTES, settings.LOGIN_LOCKOUT_MAX_MINUTES = 5, 1, 30
    expected = {0: 1, 4: 1, 5: 1, 9: 1, 10: 2, 15: 4, 20: 8, 25: 16, 30: 30, 500: 30}[wrong]
    assert throttle.lockout_minutes(wrong) == expected


def test_a_successful_sign_in_starts_the_escalation_afresh(make_staff, settings):
    staff = make_staff(Role.COUNTY_OFFICER)
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(3):
            lock(staff.username, settings.AXES_FAILURE_LIMIT)
            traveller.shift(dt.timedelta(minutes=10))
        assert throttle.lockout_cool_off(RequestFactory().post("/", {"username": staff.username})) == (
            dt.timedelta(minutes=4)
        )
        assert page_login(staff.username, PASSWORD).status_code == 302
        lock(staff.username, settings.AXES_FAILURE_LIMIT)
        assert locked_for(staff, traveller) == dt.timedelta(minutes=1)


def test_failures_older_than_a_day_no_longer_escalate(make_staff, settings):
    staff = make_staff(Role.COUNTY_OFFICER)
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(3):
            lock(staff.username, settings.AXES_FAILURE_LIMIT)
            traveller.shift(dt.timedelta(minutes=10))
        traveller.shift(dt.timedelta(hours=25))
        lock(staff.username, settings.AXES_FAILURE_LIMIT)
        assert locked_for(staff, traveller) == dt.timedelta(minutes=1)


def test_someone_elses_failure_does_not_unlock_an_escalated_account(make_staff, settings):
    admin, clerk = make_staff(Role.ADMINISTRATOR), make_staff(Role.COUNTY_OFFICER)
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(3):  # third lockout: 4 minutes
            lock(admin.username, settings.AXES_FAILURE_LIMIT)
            traveller.shift(dt.timedelta(minutes=10))
        lock(admin.username, settings.AXES_FAILURE_LIMIT)
        traveller.shift(dt.timedelta(minutes=2))
        try_login(clerk.username, WRONG)  # axes would clean every attempt older than the clerk's 1 minute
        assert AccessAttempt.objects.filter(username=admin.username).exists()
        assert try_login(admin.username, PASSWORD) is None


def test_tries_during_a_lockout_do_not_prolong_it(make_staff, settings):
    staff = make_staff(Role.ADMINISTRATOR)
    with time_machine.travel(T0, tick=False) as traveller:
        lock(staff.username, settings.AXES_FAILURE_LIMIT)
        traveller.shift(dt.timedelta(seconds=50))
        assert try_login(staff.username, WRONG) is None
        traveller.shift(dt.timedelta(seconds=15))
        assert try_login(staff.username, PASSWORD) == staff


def test_the_locked_page_says_how_long_in_chinese(make_staff, settings):
    staff = make_staff(Role.COUNTY_OFFICER)
    with time_machine.travel(T0, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            page_login(staff.username, WRONG)
        response = page_login(staff.username, WRONG)
    assert response.status_code == 429
    text = response.content.decode()
    assert "账号已暂时锁定" in text and "约 1 分钟后再试" in text


# --- per client address -------------------------------------------------------------------------------------


def test_spraying_many_names_from_one_address_is_refused_even_with_the_right_password(make_staff, settings):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 20
    staff = make_staff(Role.COUNTY_OFFICER)
    with time_machine.travel(T0, tick=False) as traveller:
        for n in range(33):  # one try per name: no account reaches its own limit
            page_login(f"guess{n}", WRONG, ip=SPRAYER)
            traveller.shift(dt.timedelta(seconds=10))
        response = page_login(staff.username, PASSWORD, ip=SPRAYER)
        assert response.status_code == 200
        text = response.content.decode()
        assert "本机所在地址登录失败次数过多" in text and "分钟后再试" in text
        assert "_auth_user_id" not in response.client.session
        # the password was never checked: the account is not charged a failure, and others may sign in
        assert not AccessAttempt.objects.filter(username=staff.username).exists()
        assert page_login(staff.username, PASSWORD, ip="198.51.100.20").status_code == 302


def test_the_address_limit_counts_wrong_passwords_within_the_window_only(make_staff, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT, settings.LOGIN_ADDRESS_WINDOW_MINUTES = 5, 15
    staff = make_staff(Role.COUNTY_OFFICER)
    with time_machine.travel(T0, tick=False) as traveller:
        for n in range(4):
            page_login(f"guess{n}", WRONG, ip=SPRAYER)
        assert page_login(staff.username, PASSWORD, ip=SPRAYER).status_code == 302  # four: below the limit
        page_login("guess4", WRONG, ip=SPRAYER)
        assert page_login(staff.username, PASSWORD, ip=SPRAYER).status_code == 200  # five: refused
        traveller.shift(dt.timedelta(minutes=14))
        assert page_login(staff.username, PASSWORD, ip=SPRAYER).status_code == 200
        traveller.shift(dt.timedelta(minutes=1, seconds=1))  # the failures have left the window
        assert page_login(staff.username, PASSWORD, ip=SPRAYER).status_code == 302


def test_refusals_do_not_extend_the_address_limit(db, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    with time_machine.travel(T0, tick=False):
        for n in range(3):
            page_login(f"guess{n}", WRONG, ip=SPRAYER)
        for n in range(10):
            page_login(f"more{n}", WRONG, ip=SPRAYER)
        assert throttle.address_wait(SPRAYER) == dt.timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES)
    assert LoginLog.objects.filter(ip_address=SPRAYER, outcome="refused_address").count() == 10


# --- the sign-in log ----------------------------------------------------------------------------------------


def test_every_attempt_is_written_to_the_sign_in_log(make_staff, settings):
    staff = make_staff(Role.COUNTY_OFFICER)
    with time_machine.travel(T0, tick=False):
        assert page_login(staff.username, PASSWORD).status_code == 302
        page_login("nobody", WRONG, ip="198.51.100.2")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            page_login(staff.username, WRONG)
        page_login(staff.username, PASSWORD)  # refused: locked
    rows = list(LoginLog.objects.order_by("id").values_list("username", "staff_id", "outcome", "ip_address"))
    me = (staff.username, staff.pk)
    assert rows == [
        (*me, "success", "198.51.100.1"),
        ("nobody", None, "failure", "198.51.100.2"),
        *[(*me, "failure", "198.51.100.1")] * (settings.AXES_FAILURE_LIMIT - 1),
        (*me, "locked", "198.51.100.1"),
        (*me, "refused_locked", "198.51.100.1"),
    ]
    first = LoginLog.objects.order_by("id").first()
    assert first.user_agent == "Mozilla/5.0 测试"
    assert first.region_code == staff.jurisdiction_id


def test_auditors_read_the_sign_in_log_of_their_jurisdiction_and_of_unknown_names(
    places, make_staff, login_as
):
    a = make_staff(Role.TOWNSHIP_OFFICER, places.township_a, username="clerk_a")
    b = make_staff(Role.TOWNSHIP_OFFICER, places.township_b, username="clerk_b")
    page_login(a.username, WRONG)
    page_login(b.username, WRONG)
    page_login("intruder", WRONG)
    auditor = login_as(Role.AUDITOR, places.township_a)
    text = auditor.get("/audit/logins/").content.decode()
    assert "clerk_a" in text and "intruder" in text and "密码错误" in text
    assert "clerk_b" not in text
    assert "intruder" not in auditor.get("/audit/logins/", {"actor": "clerk"}).content.decode()


@pytest.mark.parametrize("role", [Role.COUNTY_OFFICER, Role.ADMINISTRATOR, Role.MANAGER])
def test_only_auditors_read_the_sign_in_log(places, login_as, role):
    client = login_as(role, places.county)
    verify_second_factor(client, client.staff)
    assert client.get("/audit/logins/").status_code == 403


def test_the_sign_in_log_needs_sign_in(client):
    assert client.get("/audit/logins/")["Location"].startswith("/accounts/login/")
