"""A minimal URL configuration for middleware tests, independent of the real pages: a probe page that says
who is signed in, and stand-ins for the login and OTP pages at their real paths."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


# Public to LoginRequiredMiddleware, so that the middleware under test decides what an anonymous caller sees.
@login_not_required
def probe(request: HttpRequest) -> HttpResponse:
    user = request.user
    return HttpResponse(f"user:{user.get_username()}" if user.is_authenticated else "user:anonymous")


@login_not_required
def stand_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse("stand-in")


accounts = (
    [path("login/", stand_in, name="login"), path("otp/", stand_in, name="otp")],
    "accounts",
)

urlpatterns = [
    path("probe/", probe, name="probe"),
    path("accounts/", include(accounts)),
]
