"""Sign-in throttling of the portal, with the staff login's limits (accounts/throttle.py) over the portal's
own attempts (PortalLoginAttempt): django-axes guards Django's `authenticate`, which only knows staff.

* per login name: after LOGIN_FAILURE_LIMIT wrong passwords the name is locked for LOGIN_LOCKOUT_MINUTES,
  each further round twice as long up to LOGIN_LOCKOUT_MAX_MINUTES (`accounts.throttle.lockout_minutes`),
  counting the wrong passwords of the last day since the name's last success;
* per client address: LOGIN_ADDRESS_FAILURE_LIMIT wrong passwords within LOGIN_ADDRESS_WINDOW_MINUTES,
  across any names, refuse the address until the oldest leaves the window.
Refused attempts are not recorded, so waiting out a lockout is enough and retrying does not prolong it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from openpes.accounts.throttle import ESCALATION_MEMORY, lockout_minutes
from openpes.employers.models import PortalLoginAttempt


def name_wait(login_name: str, *, now: dt.datetime) -> dt.timedelta | None:
    rows = PortalLoginAttempt.objects.filter(login_name=login_name, at__gt=now - ESCALATION_MEMORY)
    last_success = rows.filter(succeeded=True).order_by("-at").values_list("at", flat=True).first()
    if last_success is not None:
        rows = rows.filter(at__gt=last_success)
    failures = list(rows.filter(succeeded=False).order_by("-at").values_list("at", flat=True))
    limit = settings.AXES_FAILURE_LIMIT
    if not failures or len(failures) % limit:
        return None
    until = failures[0] + dt.timedelta(minutes=lockout_minutes(len(failures)))
    return until - now if until > now else None


def address_wait(ip_address: str, *, now: dt.datetime) -> dt.timedelta | None:
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    window = dt.timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES)
    recent = list(
        PortalLoginAttempt.objects.filter(ip_address=ip_address, succeeded=False, at__gt=now - window)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    return recent[-1] + window - now


def login_wait(login_name: str, ip_address: str, *, now: dt.datetime | None = None) -> dt.timedelta | None:
    """How long this name from this address must wait before trying again, or None if it may try now."""
    now = now or timezone.now()
    waits = [w for w in (name_wait(login_name, now=now), address_wait(ip_address, now=now)) if w]
    return max(waits) if waits else None
