"""Sign-in throttling, read from our own append-only sign-in log (audit.LoginLog).

Two limits work together:
* per account (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords the account is locked, and each further
  round of failures locks it for twice as long (1, 2, 4 … minutes, capped at LOGIN_LOCKOUT_MAX_MINUTES).
  A short first lockout means nobody can shut an administrator out for long by typing wrong passwords in
  their name, while the doubling keeps guessing slow: the escalation counts every wrong password for the
  name in the last day (since its last successful sign-in), not only those axes still remembers.
* per client address (ours): LOGIN_ADDRESS_FAILURE_LIMIT wrong passwords from one address within
  LOGIN_ADDRESS_WINDOW_MINUTES, across any names, refuse that address until the oldest of them leaves the
  window: password spraying, one try per name over many names, never trips a per-account lock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from openpes.audit.models import LoginLog

ESCALATION_MEMORY = dt.timedelta(hours=24)
_CACHE = "_openpes_cool_off"


def _username_of(request: HttpRequest | None) -> str:
    return str(get_client_username(request) or "") if request is not None else ""


def wrong_passwords_since_last_success(username: str, *, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    rows = LoginLog.objects.filter(username=username, at__gt=now - ESCALATION_MEMORY)
    last_success = rows.filter(outcome=LoginLog.Outcome.SUCCESS).order_by("-at").values_list("at", flat=True)
    since = last_success.first()
    if since is not None:
        rows = rows.filter(at__gt=since)
    return rows.filter(outcome__in=LoginLog.WRONG_PASSWORD).count()


def lockout_minutes(wrong_passwords: int) -> int:
    """Minutes an account stays locked after its last failure: the first lockout LOGIN_LOCKOUT_MINUTES,
    each further round of LOGIN_FAILURE_LIMIT failures twice as long, capped."""
    rounds = wrong_passwords // settings.AXES_FAILURE_LIMIT
    minutes = settings.LOGIN_LOCKOUT_MINUTES * 2 ** max(rounds - 1, 0)
    return int(min(minutes, settings.LOGIN_LOCKOUT_MAX_MINUTES))


def lockout_cool_off(request: HttpRequest | None = None) -> dt.timedelta:
    """settings.AXES_COOLOFF_TIME: how long axes remembers failures of the name being tried and keeps it
    locked. Axes asks several times per attempt; the answer is kept on the request until a new sign-in log
    row is written (`forget_cool_off`)."""
    username = _username_of(request)
    cached = getattr(request, _CACHE, None)
    if cached is not None and cached[0] == username:
        return cached[1]
    wrong = wrong_passwords_since_last_success(username) if username else 0
    cool_off = dt.timedelta(minutes=lockout_minutes(wrong))
    if request is not None:
        setattr(request, _CACHE, (username, cool_off))
    return cool_off


def forget_cool_off(request: HttpRequest | None) -> None:
    if request is not None and hasattr(request, _CACHE):
        delattr(request, _CACHE)


class LoginAttemptHandler(AxesDatabaseHandler):
    """Axes's database handler, except that expired attempts are cleaned per name: axes deletes every
    attempt older than the cool-off of the name being tried, which with per-name cool-offs would unlock an
    account locked for 8 minutes whenever someone else mistyped a password a minute later."""

    def clean_expired_user_attempts(
        self, request: HttpRequest | None = None, credentials: dict[str, Any] | None = None
    ) -> int:
        longest = dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MAX_MINUTES)
        count, _ = AccessAttempt.objects.filter(attempt_time__lte=timezone.now() - longest).delete()
        if request is not None:
            username = get_client_username(request, credentials)
            if username:
                mine = AccessAttempt.objects.filter(
                    username=username, attempt_time__lte=get_cool_off_threshold(request)
                )
                count += mine.delete()[0]
        return count


def address_wait(ip_address: str, *, now: dt.datetime | None = None) -> dt.timedelta | None:
    """How long this address must wait before it may try again, or None if it may try now."""
    now = now or timezone.now()
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    window = dt.timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES)
    recent = list(
        LoginLog.objects.filter(
            ip_address=ip_address, outcome__in=LoginLog.WRONG_PASSWORD, at__gt=now - window
        )
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    return recent[-1] + window - now
