"""Portal sign-in throttling: each round of wrong passwords locks the name twice as long (1, 2, 4 …
minutes), a success starts over, and the lock is over when its time is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openpes.employers import throttle
from openpes.employers.models import PortalLoginAttempt

pytestmark = pytest.mark.django_db
NAME = "91430527MA00000001"


def attempt(at: dt.datetime, *, ok: bool = False, name: str = NAME, address: str = "10.0.0.1") -> None:
    row = PortalLoginAttempt.objects.create(login_name=name, ip_address=address, succeeded=ok)
    PortalLoginAttempt.objects.filter(pk=row.pk).update(at=at)


def test_each_round_locks_twice_as_long_and_a_success_starts_over(settings):
    settings.AXES_FAILURE_LIMIT, settings.LOGIN_LOCKOUT_MINUTES, settings.LOGIN_LOCKOUT_MAX_MINUTES = 5, 1, 30
    start = timezone.now() - dt.timedelta(hours=1)
    for i in range(4):
        attempt(start + dt.timedelta(seconds=i))
    assert throttle.name_wait(NAME, now=start + dt.timedelta(seconds=5)) is None
    attempt(start + dt.timedelta(seconds=4))
    first = throttle.name_wait(NAME, now=start + dt.timedelta(seconds=5))
    assert first is not None and dt.timedelta(seconds=50) < first <= dt.timedelta(minutes=1)
    assert throttle.name_wait(NAME, now=start + dt.timedelta(minutes=2)) is None
    for i in range(5):
        attempt(start + dt.timedelta(minutes=2, seconds=i))
    second = throttle.name_wait(NAME, now=start + dt.timedelta(minutes=2, seconds=5))
    assert second is not None and dt.timedelta(minutes=1) < second <= dt.timedelta(minutes=2)
    attempt(start + dt.timedelta(minutes=10), ok=True)
    for i in range(4):
        attempt(start + dt.timedelta(minutes=11, seconds=i))
    assert throttle.name_wait(NAME, now=start + dt.timedelta(minutes=11, seconds=5)) is None


def test_an_address_is_refused_until_its_oldest_failure_leaves_the_window(settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT, settings.LOGIN_ADDRESS_WINDOW_MINUTES = 3, 15
    now = timezone.now()
    for i, minutes_ago in enumerate((10, 5, 1)):
        attempt(now - dt.timedelta(minutes=minutes_ago), name=f"name{i}")
    wait = throttle.address_wait("10.0.0.1", now=now)
    assert wait is not None and dt.timedelta(minutes=4) < wait <= dt.timedelta(minutes=5)
    assert throttle.address_wait("10.0.0.2", now=now) is None
    assert throttle.login_wait("other", "10.0.0.1", now=now) == wait
