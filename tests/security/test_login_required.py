"""Sign-in is required by default (SECURITY.md #1: no personal data without a signed-in staff member).

Django's LoginRequiredMiddleware sends every anonymous request to the login page unless its view is marked
with `@login_not_required`. These tests walk every URL pattern of the site, so a page added tomorrow is
covered without being listed here; the list below is the other way round: the few views allowed to answer
a visitor who has not signed in, each with the reason. Marking a view public means adding it here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from openpes.accounts.partner_auth import MISSING_MESSAGE

pytestmark = pytest.mark.django_db

# Views that answer without a sign-in, by URL name. The API is public to the middleware as a whole and
# authenticates each operation itself (token or session: 401 JSON, never a redirect to a page).
PUBLIC_PAGES = {
    "health": "load balancers and monitoring",
    "accounts:login": "the sign-in page itself",
    "accounts:logout": "an expired session's 退出 button lands on the login page, not on a second sign-in",
    # The employers' portal has its own sign-in (employers/portal.py): its home page sends a visitor to the
    # portal's login page, never shows staff data, and no staff session counts there.
    "employer_portal:home": "an employer's portal home: its own portal sign-in, else the portal login page",
    "employer_portal:sign_up": "employers sign up on the public portal",
    "employer_portal:login": "the portal's sign-in page",
    "employer_portal:logout": "the portal's sign-out",
    # The employers' vacancy pages: portal_login_required sends anyone not signed in to the portal login.
    "vacancy_portal:vacancy_list": "an employer's own vacancies, behind the portal sign-in",
    "vacancy_portal:vacancy_create": "an employer posts a vacancy, behind the portal sign-in",
    "vacancy_portal:vacancy_detail": "an employer's own vacancy, behind the portal sign-in",
    "vacancy_portal:vacancy_edit": "an employer edits its own vacancy, behind the portal sign-in",
    "vacancy_portal:vacancy_submit": "an employer submits its own vacancy, behind the portal sign-in",
    "vacancy_portal:vacancy_withdraw": "an employer withdraws its own vacancy, behind the portal sign-in",
    # The public job search: published vacancies still valid, the posting and the employer's name only.
    "jobs:search": "job seekers search the published vacancies without an account",
    "jobs:detail": "a published vacancy's page (404 for anything not published), with its JobPosting JSON-LD",
}
PUBLIC_API = {
    "api:openapi-json": "the API's documentation: no data, only the operations and their fields",
    "api:openapi-view": "the documentation page (Swagger UI)",
    "api:api-root": "django-ninja's root, always 404",
    "api:job_search": "the public job search over JSON: the same published vacancies as /jobs/",
}

SAMPLE_ARGUMENTS = {"int": "1", "str": "430527000000", "path": "x", "slug": "x"}
CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    name: str
    url: str
    view: Callable[..., Any]

    @property
    def public(self) -> bool:
        return getattr(self.view, "login_required", True) is False


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        route = str(entry.pattern)
        assert not route.startswith("^"), f"{route}: regular-expression routes need a sample URL here"
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + route, inner)
        elif isinstance(entry, URLPattern):
            url = "/" + CONVERTER.sub(lambda m: SAMPLE_ARGUMENTS[m["converter"] or "str"], prefix + route)
            yield Route(f"{namespace}{entry.name}", url, entry.callback)


def routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def test_login_required_middleware_is_on():
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE
    order = settings.MIDDLEWARE.index
    assert order("django.contrib.auth.middleware.LoginRequiredMiddleware") > order(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )


def test_only_the_listed_views_are_public():
    public = {route.name for route in routes() if route.public}
    api = {route.name for route in routes() if route.url.startswith("/api/")}
    assert public == set(PUBLIC_PAGES) | api
    assert set(PUBLIC_API) <= api


@pytest.mark.parametrize("route", [r for r in routes() if not r.public], ids=lambda r: r.name)
def test_anonymous_visitor_of_a_page_is_sent_to_login(route: Route):
    client = Client()
    for response in (client.get(route.url), client.post(route.url, {})):
        assert response.status_code == 302, (route.url, response.status_code)
        assert response["Location"] == f"/accounts/login/?next={route.url}"


API_OPERATIONS = [r for r in routes() if r.url.startswith("/api/") and r.name not in PUBLIC_API]


@pytest.mark.parametrize("route", API_OPERATIONS, ids=lambda r: r.name)
def test_anonymous_api_call_is_a_401_in_json(route: Route):
    client = Client()
    for method in ("get", "post", "patch", "delete"):
        response = getattr(client, method)(route.url, content_type="application/json")
        if response.status_code == 405:  # this path has no such operation
            continue
        assert response.status_code == 401, (method, route.url, response.status_code)
        assert response["Content-Type"].startswith("application/json")
        if route.url.startswith("/api/v1/partner/"):  # a partner system's key, in its own header
            assert response.json() == {"detail": MISSING_MESSAGE}
        else:
            assert response.json() == {"detail": "未登录，或 API 令牌无效、已过期、已吊销"}


def test_an_api_token_is_not_sent_to_login(make_staff, places):
    from openpes.accounts import services as accounts
    from openpes.accounts.roles import Role

    _, raw = accounts.token_create(actor=make_staff(Role.COUNTY_OFFICER, places.county), name="对接")
    response = Client().get("/api/v1/persons", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200


@pytest.mark.parametrize("name", sorted(PUBLIC_PAGES))
def test_public_views_answer_without_a_sign_in(name: str):
    route = next(r for r in routes() if r.name == name)
    response = Client().post(route.url) if name.endswith(":logout") else Client().get(route.url)
    # a vacancy page of the sample id answers 404 to anyone (no such published vacancy), never a sign-in
    assert response.status_code in ((200, 302, 404) if name == "jobs:detail" else (200, 302))
    if response.status_code == 302:
        # the portal's pages send a visitor to the portal's own sign-in, never to the staff's
        portal = name.startswith(("employer_portal:", "vacancy_portal:"))
        login = "/jobs/employer/login/" if portal else "/accounts/login/"
        assert response["Location"].split("?")[0] == login


def test_api_documentation_and_static_files_need_no_sign_in():
    client = Client()
    assert client.get("/api/v1/docs").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/").status_code == 404
    static = client.get("/static/openpes/openpes.css")
    assert static.status_code == 200
    static.close()  # a file response: its file stays open until closed


def test_an_unknown_address_is_a_404_not_a_login_page():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
