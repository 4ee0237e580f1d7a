"""Session lifetime (idle and absolute), the TOTP second factor and the first-sign-in password change, for
every staff page and API call made with a session."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from openpes.accounts.selectors import second_factor_required
from openpes.accounts.signals import LOGIN_AT, SEEN_AT
from openpes.core.api import PASSWORD_CHANGE_MESSAGE

OPEN_PATHS = ("/static/", "/accounts/login/", "/accounts/logout/", "/health/")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


# The last-seen time is recorded in steps of this many seconds (at most a tenth of the idle limit): saving
# the session on every request was a database write per click, serialised on SQLite. A session therefore
# idles out up to a step early, never late.
SEEN_AT_STEP_SECONDS = 60


class SessionLifetimeMiddleware:
    """Ends a session idle longer than SESSION_IDLE_SECONDS or older than SESSION_ABSOLUTE_SECONDS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            login_at = request.session.get(LOGIN_AT, 0)
            seen_at = request.session.get(SEEN_AT, 0)
            if (
                now - login_at > settings.SESSION_ABSOLUTE_SECONDS
                or now - seen_at > settings.SESSION_IDLE_SECONDS
            ):
                logout(request)
                if _is_api(request):
                    return JsonResponse({"detail": "会话已过期，请重新登录"}, status=401)
                messages.info(request, "登录已超时，请重新登录。")
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if now - seen_at >= min(SEEN_AT_STEP_SECONDS, settings.SESSION_IDLE_SECONDS / 10):
                request.session[SEEN_AT] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Staff who must use a second factor see only the verification page until they have passed it; then
    staff whose password an administrator chose (new account, reset) see only the password page until they
    have chosen their own. (The API's token callers are held back in api.core.permitted.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PATHS)
            and not request.path.startswith("/accounts/otp/")
            and not getattr(user, "is_verified", lambda: False)()
            and second_factor_required(user)
        ):
            if _is_api(request):
                return JsonResponse({"detail": "请先在网页上完成双因素验证"}, status=401)
            return redirect(f"{reverse('accounts:otp')}?next={request.path}")
        if (
            user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(OPEN_PATHS)
            and not request.path.startswith(("/accounts/otp/", "/accounts/password/"))
        ):
            if _is_api(request):
                return JsonResponse({"detail": PASSWORD_CHANGE_MESSAGE}, status=403)
            return redirect(f"{reverse('accounts:password_change')}?next={request.path}")
        return self.get_response(request)
