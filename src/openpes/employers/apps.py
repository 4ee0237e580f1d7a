from typing import Any

from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "openpes.employers"
    verbose_name = "用人单位"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_end_portal_session, dispatch_uid="openpes.employers.end_portal_session")


def _end_portal_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A staff sign-in in a browser that held a portal session ends the portal session: one session is
    never both (Django's login keeps the session's other keys when no staff member was signed in)."""
    from openpes.employers.portal import forget_account

    if request is not None and hasattr(request, "session"):
        forget_account(request)
