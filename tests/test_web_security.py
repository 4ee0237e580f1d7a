"""SECURITY.md #4 (masking everywhere), #14 (security headers) and #15 (no asset from another host)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from openpes.accounts import services as accounts
from openpes.accounts.roles import Role
from openpes.people import services as people
from tests.factories import PersonInputFactory

FULL_ID = re.compile(r"(?<![\dA-Za-z])\d{17}[\dX](?![\dA-Za-z])")
FULL_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
EXTERNAL = re.compile(r"""(?:src|href|action|srcset)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


@pytest.fixture
def registry(places: Any, make_staff: Any) -> dict[str, Any]:
    county = make_staff(Role.COUNTY_OFFICER, places.county, username="registrar")
    household = people.household_create(actor=county, region_code=places.village_a1, address="长铺镇1组")
    person = people.person_create(
        actor=county,
        data=PersonInputFactory(
            region_code=places.village_a1, household=household, relation_to_head="01", phone="13907391234"
        ),
    )
    people.person_update(
        actor=county, person=person, data=people.PersonInput(address="长铺镇2组"), fields=["address"]
    )
    return {"county": county, "person": person, "household": household}


def staff_pages(registry: dict[str, Any]) -> list[str]:
    person, household = registry["person"], registry["household"]
    return [
        reverse("people:dashboard"),
        reverse("people:person_list"),
        reverse("people:person_list") + "?q=" + person.name,
        reverse("people:person_detail", args=[person.pk]),
        reverse("people:person_edit", args=[person.pk]),
        reverse("people:household_list"),
        reverse("people:household_detail", args=[household.pk]),
        reverse("people:household_edit", args=[household.pk]),
        reverse("accounts:tokens"),
        "/api/v1/persons",
        f"/api/v1/persons/{person.pk}",
        "/api/v1/households",
        f"/api/v1/households/{household.pk}",
    ]


def test_no_full_id_number_or_mobile_in_any_list_page_or_export(
    registry: dict[str, Any], make_staff: Any, places: Any
) -> None:
    client = Client()
    client.force_login(registry["county"])
    for url in staff_pages(registry):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not FULL_ID.search(body), f"full ID number on {url}"
        assert not FULL_MOBILE.search(body), f"full mobile number on {url}"
    export = client.get(reverse("people:person_export"))
    book = CalamineWorkbook.from_filelike(io.BytesIO(export.content))
    cells = " ".join(
        str(c) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python() for c in row
    )
    assert registry["person"].name in cells
    assert not FULL_ID.search(cells) and not FULL_MOBILE.search(cells)

    auditor = Client()
    auditor.force_login(make_staff(Role.AUDITOR, places.county))
    people.person_reveal(
        actor=registry["county"], person=registry["person"], field_name="phone", reason="回访"
    )
    for url in (reverse("audit:change_list"), reverse("audit:access_list")):
        body = auditor.get(url).content.decode()
        assert not FULL_ID.search(body) and not FULL_MOBILE.search(body), url


def test_security_headers_on_public_and_staff_pages(registry: dict[str, Any]) -> None:
    staff = Client()
    staff.force_login(registry["county"])
    for client, url in (
        (Client(), reverse("accounts:login")),
        (staff, reverse("people:person_list")),
        (Client(), "/api/v1/docs"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        csp = response.headers["Content-Security-Policy"]
        assert (
            "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        ), url
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0], url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers["Referrer-Policy"] == "same-origin", url
        assert response.headers["X-Frame-Options"] == "DENY", url


def test_production_mode_sends_hsts_and_secure_cookies(tmp_path: Any) -> None:
    env = {
        "OPENPES_MODE": "production",
        "OPENPES_SECRET_KEY": "x" * 60,
        "OPENPES_FIELD_KEYS": "1:" + "ab" * 32,
        "OPENPES_INDEX_KEY": "cd" * 32,
        "OPENPES_ALLOWED_HOSTS": "pes.example.gov.cn",
        "OPENPES_DATA_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    code = (
        "import openpes.settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert int(out[0]) >= 31536000
    assert out[1:] == ["True", "True", "True", "False"]


def test_rendered_pages_reference_no_other_host(registry: dict[str, Any]) -> None:
    staff = Client()
    staff.force_login(registry["county"])
    for client, url in [(Client(), reverse("accounts:login")), (Client(), "/api/v1/docs")] + [
        (staff, url) for url in staff_pages(registry) if not url.startswith("/api/")
    ]:
        body = client.get(url).content.decode()
        assert not EXTERNAL.search(body), f"{url} references another host: {EXTERNAL.search(body)}"


def test_api_tokens_are_masked_in_the_token_list(registry: dict[str, Any]) -> None:
    _, raw = accounts.token_create(actor=registry["county"], name="对接社保")
    client = Client()
    client.force_login(registry["county"])
    body = client.get(reverse("accounts:tokens")).content.decode()
    assert "对接社保" in body
    assert raw not in body
