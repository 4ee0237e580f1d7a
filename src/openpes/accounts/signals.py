from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from openpes.accounts import services, throttle
from openpes.accounts.models import Staff
from openpes.audit import services as audit
from openpes.audit.models import LoginLog
from openpes.core.middleware import client_ip

LOGIN_AT = "openpes_login_at"
SEEN_AT = "openpes_seen_at"


@receiver(user_logged_in)
def remember_session(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    now = timezone.now().timestamp()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session.save()
    services.session_started(
        staff=user, session_key=request.session.session_key or "", ip_address=client_ip(request)
    )
    _record_login(request, user.get_username(), LoginLog.Outcome.SUCCESS, user)


def _record_login(request: HttpRequest | None, username: str, outcome: str, staff: Any = None) -> None:
    if staff is None and username:
        staff = Staff.objects.filter(username=username).first()
    audit.record_login(
        username=username,
        outcome=outcome,
        staff=staff,
        region_code=staff.jurisdiction_id if staff is not None else "",
        ip_address=client_ip(request) if request is not None else "",
        user_agent=request.META.get("HTTP_USER_AGENT", "") if request is not None else "",
    )
    throttle.forget_cool_off(request)


@receiver(user_login_failed)
def record_failed_login(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # django-axes's receiver ran first (its app is installed before ours): it has flagged the request.
    outcome = LoginLog.Outcome.FAILURE
    if getattr(request, "axes_locked_out", False):
        # axes counts failures only when it checked the password; a refusal during a lockout leaves no count
        checked = getattr(request, "axes_failures_since_start", None) is not None
        outcome = LoginLog.Outcome.LOCKED if checked else LoginLog.Outcome.REFUSED_LOCKED
    _record_login(request, str(credentials.get("username") or ""), outcome)


@receiver(user_logged_out)
def forget_session(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if request is not None and request.session.session_key:
        services.session_ended(session_key=request.session.session_key)


@receiver(post_migrate)
def make_role_groups(sender: Any, **kwargs: Any) -> None:
    # Permissions are created per app by the same signal, so the groups are synced after each of our apps.
    if getattr(sender, "name", "").startswith("openpes."):
        services.sync_roles()
