from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from openpes.accounts import services
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


@receiver(user_logged_out)
def forget_session(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if request is not None and request.session.session_key:
        services.session_ended(session_key=request.session.session_key)


@receiver(post_migrate)
def make_role_groups(sender: Any, **kwargs: Any) -> None:
    # Permissions are created per app by the same signal, so the groups are synced after each of our apps.
    if getattr(sender, "name", "").startswith("openpes."):
        services.sync_roles()
