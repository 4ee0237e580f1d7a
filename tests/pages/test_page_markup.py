"""Every staff page: UTF-8 and phone-ready, no inline style or script the CSP would block, no other hosts,
Chinese error pages (sign-in required everywhere: tests/security/test_login_required.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from openpes.accounts.roles import Role
from openpes.people.services import household_add_member, household_create
from tests.employers.helpers import load_some_taxonomy, make_employer, make_uscc
from tests.pages.conftest import assert_no_full_identifiers, text_of

pytestmark = pytest.mark.django_db

INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
EXTERNAL = re.compile(r"""(?:src|href|action|content)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.fixture
def site(places, make_staff, make_person, login_as, admin_client) -> dict[str, tuple[Client, list[str]]]:
    clerk = make_staff(Role.COUNTY_OFFICER, places.county)
    person = make_person(clerk, places.village_a1, phone="13800001111")
    household = household_create(actor=clerk, region_code=places.village_a1, address="一组")
    household_add_member(actor=clerk, household=household, person=person, relation="01")
    admin = admin_client(places.county)
    load_some_taxonomy()
    employer = make_employer(clerk, places.village_a1)
    portal = Client()
    portal.post(
        "/jobs/employer/sign-up/",
        {
            "uscc": make_uscc(),
            "name": "绥宁县测试木业有限公司",
            "contact_phone": "13907390001",
            "password": "Employer#Pass-2026",
            "password_again": "Employer#Pass-2026",
        },
    )
    return {
        "clerk": (
            login_as(staff=clerk),
            [
                "/",
                "/persons/",
                "/persons/?q=王",
                f"/persons/{person.pk}/",
                f"/persons/{person.pk}/edit/",
                "/persons/new/",
                "/households/",
                f"/households/{household.pk}/",
                f"/households/{household.pk}/edit/",
                f"/households/{household.pk}/members/add/",
                "/households/new/",
                "/regions/",
                f"/regions/{places.township_a}/",
                "/accounts/tokens/",
                "/accounts/otp/",
                "/persons/999999/",
                "/accounts/staff/",
                "/employers/",
                "/employers/new/",
                f"/employers/{employer.pk}/",
                f"/employers/{employer.pk}/edit/",
                f"/employers/{employer.pk}/demand-surveys/new/",
                "/employers/demand-surveys/",
            ],
        ),
        "employer": (portal, ["/jobs/employer/"]),
        "admin": (
            admin,
            [
                "/",
                "/accounts/staff/",
                "/accounts/staff/new/",
                f"/accounts/staff/{clerk.pk}/",
                "/regions/corrections/",
            ],
        ),
        "auditor": (login_as(Role.AUDITOR, places.county), ["/", "/audit/changes/", "/audit/access/"]),
        "anonymous": (Client(), ["/accounts/login/", "/jobs/employer/login/", "/jobs/employer/sign-up/"]),
    }


def check_markup(url: str, text: str) -> None:
    assert '<meta charset="utf-8">' in text, url
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text, url
    assert '<html lang="zh-CN">' in text, url
    assert not INLINE_STYLE.search(text), (url, INLINE_STYLE.search(text))
    assert not INLINE_HANDLER.search(text), (url, INLINE_HANDLER.search(text))
    assert not EXTERNAL.search(text), (url, EXTERNAL.search(text))
    for attributes in SCRIPT_TAG.findall(text):
        assert (
            'src="/static/' in attributes or 'type="application/json"' in attributes or "nonce=" in attributes
        ), (
            url,
            attributes,
        )
    assert_no_full_identifiers(text)


def test_every_page_is_csp_clean_utf8_and_phone_ready(site):
    for client, urls in site.values():
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 403, 404), (url, response.status_code)
            assert "Content-Security-Policy" in response, url
            check_markup(url, text_of(response))


def test_error_pages_are_chinese(site):
    client, _ = site["clerk"]
    response = client.get("/persons/999999/")
    assert response.status_code == 404
    assert "找不到该页面" in text_of(response)
    response = client.get("/accounts/staff/")
    assert response.status_code == 403
    assert "没有权限" in text_of(response)


def test_static_assets_are_served_locally(client):
    text = text_of(client.get("/accounts/login/"))
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', text)
    assert assets
    for asset in assets:
        response = client.get(asset)
        response.close()
        assert response.status_code == 200, asset


def test_our_static_files_reference_no_other_host():
    for path in Path(settings.PACKAGE_DIR / "static" / "openpes").iterdir():
        text = path.read_text(encoding="utf-8").replace("http://www.w3.org/2000/svg", "")
        assert not re.search(r"https?://", text), path


def test_vendored_assets_carry_their_licences():
    vendor = settings.PACKAGE_DIR / "static" / "vendor"
    for name, asset in [
        ("bootstrap", "bootstrap.min.css"),
        ("bootstrap", "bootstrap.bundle.min.js"),
        ("htmx", "htmx.min.js"),
        ("echarts", "echarts.dashboard.min.js"),
    ]:
        assert (vendor / name / asset).stat().st_size > 1000
        assert (vendor / name / "LICENSE").exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/persons/new/", "请填写姓名"),
        ("/households/new/", "请选择所在村（社区）"),
        ("/accounts/tokens/", "请填写用途"),
        ("/accounts/otp/", "请填写6位验证码"),
    ],
)
def test_an_empty_post_shows_errors(places, login_as, url, message):
    client = login_as(Role.COUNTY_OFFICER, places.county)
    response = client.post(url, {})
    assert response.status_code == 200
    assert message in text_of(response)


def test_csrf_failure_page_is_chinese(settings, make_staff):
    """Ready for settings.CSRF_FAILURE_VIEW = "openpes.core.views.csrf_failure"."""
    settings.CSRF_FAILURE_VIEW = "openpes.core.views.csrf_failure"
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in text_of(response)
