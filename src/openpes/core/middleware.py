from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from openpes.core.context import RequestContext, acting


def client_ip(request: HttpRequest) -> str:
    # django-axes already resolves proxies with its configured proxy count; reuse its answer if present.
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "") or ""


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        ctx = RequestContext(
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            channel=channel,
        )
        with acting(ctx):
            return self.get_response(request)


class NoStoreMiddleware:
    """Every answer to a signed-in staff member, and every API answer, may carry personal data: no browser,
    proxy or shared computer may keep a copy (pages, htmx fragments and error pages included). Whatever a
    view said about caching is overruled; static files (served by WhiteNoise above us) stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store"
            del response["Expires"]
        return response
