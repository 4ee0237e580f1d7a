"""The portal's own sign-in, apart from the staff's: a portal session holds an employer account's id under
its own key, never a staff member (Django's `request.user` stays anonymous), so a portal session opens no
staff page and a staff session is no portal sign-in. Signing in on either side ends any session of the
other in that browser (`portal_login` flushes the session; so does Django's `login` of another user).

The vacancies part of the portal uses `portal_login_required` on its views and `portal_account(request)`
to find who is signed in."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from openpes.employers import selectors
from openpes.employers.models import EmployerAccount

ACCOUNT_KEY = "_portal_account_id"
HASH_KEY = "_portal_account_hash"  # ties the session to the password it was opened with
LOGIN_AT = "_portal_login_at"
SEEN_AT = "_portal_seen_at"
_CACHE = "_portal_account"
LOGIN_URL_NAME = "employer_portal:login"
View = Callable[..., HttpResponse]


def _password_hash(account: EmployerAccount) -> str:
    return salted_hmac("openpes.employers.portal", account.password, algorithm="sha256").hexdigest()


def portal_login(request: HttpRequest, account: EmployerAccount) -> None:
    """Open a portal session for the account under a new session key (no fixation), ending whatever the
    browser's session held before, a staff sign-in included."""
    request.session.flush()
    now = timezone.now().timestamp()
    request.session[ACCOUNT_KEY] = account.pk
    request.session[HASH_KEY] = _password_hash(account)
    request.session[LOGIN_AT] = request.session[SEEN_AT] = now
    setattr(request, _CACHE, account)


def portal_logout(request: HttpRequest) -> None:
    request.session.flush()


def portal_account(request: HttpRequest) -> EmployerAccount | None:
    """The signed-in, active account of this request, or None. The session ends with the same idle and
    absolute limits as the staff's, and when the account is stopped or its password changed."""
    if hasattr(request, _CACHE):
        return getattr(request, _CACHE)
    account = None
    pk = request.session.get(ACCOUNT_KEY)
    if pk is not None:
        now = timezone.now().timestamp()
        fresh = (
            now - request.session.get(LOGIN_AT, 0) <= settings.SESSION_ABSOLUTE_SECONDS
            and now - request.session.get(SEEN_AT, 0) <= settings.SESSION_IDLE_SECONDS
        )
        found = selectors.portal_account_get(int(pk)) if fresh else None
        if found is not None and constant_time_compare(
            request.session.get(HASH_KEY, ""), _password_hash(found)
        ):
            account = found
            if now - request.session.get(SEEN_AT, 0) >= 60:
                request.session[SEEN_AT] = now
        else:
            portal_logout(request)
    setattr(request, _CACHE, account)
    return account


def portal_page(view: View) -> View:
    """A public portal page (no staff sign-in needed), never cached."""
    return login_not_required(never_cache(view))


def portal_login_required(view: View) -> View:
    """A portal page for a signed-in employer account; anyone else goes to the portal's sign-in page."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if portal_account(request) is None:
            return redirect(f"{reverse(LOGIN_URL_NAME)}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return portal_page(wrapped)


def forget_account(request: HttpRequest) -> None:
    """Drop the portal keys from a session that stays (a staff sign-in in the same browser)."""
    for key in (ACCOUNT_KEY, HASH_KEY, LOGIN_AT, SEEN_AT):
        request.session.pop(key, None)
    if hasattr(request, _CACHE):
        delattr(request, _CACHE)
