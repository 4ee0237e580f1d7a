"""The OpenAPI document and the Swagger UI page, served from our own static files under the site CSP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    ("get", "/api/v1/employers"),
    ("post", "/api/v1/employers"),
    ("get", "/api/v1/employers/{employer_id}"),
    ("patch", "/api/v1/employers/{employer_id}"),
    ("post", "/api/v1/employers/{employer_id}/verify"),
    ("post", "/api/v1/employers/{employer_id}/reveal-contact"),
    ("post", "/api/v1/employers/{employer_id}/key-enterprise"),
    ("get", "/api/v1/employers/{employer_id}/demand-surveys"),
    ("post", "/api/v1/employers/{employer_id}/demand-surveys"),
    ("get", "/api/v1/demand-surveys"),
    ("get", "/api/v1/vacancies"),
    ("get", "/api/v1/vacancies/search"),
    ("get", "/api/v1/jobs"),
    ("post", "/api/v1/vacancies"),
    ("get", "/api/v1/vacancies/{vacancy_id}"),
    ("patch", "/api/v1/vacancies/{vacancy_id}"),
    ("post", "/api/v1/vacancies/{vacancy_id}/submit"),
    ("post", "/api/v1/vacancies/{vacancy_id}/review"),
    ("post", "/api/v1/vacancies/{vacancy_id}/withdraw"),
    ("post", "/api/v1/vacancies/{vacancy_id}/corrections"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/ping"),
    ("get", "/api/v1/persons"),
    ("post", "/api/v1/persons"),
    ("post", "/api/v1/persons/search"),
    ("get", "/api/v1/persons/{person_id}"),
    ("patch", "/api/v1/persons/{person_id}"),
    ("post", "/api/v1/persons/{person_id}/reveal"),
    ("get", "/api/v1/households"),
    ("post", "/api/v1/households"),
    ("get", "/api/v1/households/{household_id}"),
    ("patch", "/api/v1/households/{household_id}"),
    ("post", "/api/v1/households/{household_id}/members"),
    ("post", "/api/v1/households/{household_id}/members/{person_id}/remove"),
    ("post", "/api/v1/households/{household_id}/close"),
    ("get", "/api/v1/regions"),
    ("get", "/api/v1/regions/{code}"),
    ("get", "/api/v1/employment/registrations"),
    ("post", "/api/v1/employment/registrations/unemployment"),
    ("post", "/api/v1/employment/registrations/employment"),
    ("get", "/api/v1/employment/registrations/{registration_id}"),
    ("post", "/api/v1/employment/registrations/{registration_id}/cancel"),
    ("post", "/api/v1/employment/registrations/{registration_id}/overturn"),
    ("post", "/api/v1/employment/registrations/{registration_id}/contacts"),
    ("get", "/api/v1/persons/{person_id}/employment"),
    ("post", "/api/v1/persons/{person_id}/status-changes"),
    ("patch", "/api/v1/persons/{person_id}/employment-facts"),
    ("get", "/api/v1/employment/key-groups"),
    ("get", "/api/v1/employment/zero-employment-households"),
    ("get", "/api/v1/employment/summary"),
    ("post", "/api/v1/partner/vacancies"),
    ("get", "/api/v1/partner/vacancies"),
    ("get", "/api/v1/partner/vacancies/{external_id}"),
    ("put", "/api/v1/partner/vacancies/{external_id}"),
    ("patch", "/api/v1/partner/vacancies/{external_id}"),
    ("post", "/api/v1/partner/vacancies/{external_id}/withdraw"),
}
# Operations anyone may call (tests/security/test_login_required.py PUBLIC_API says why); a partner key
# (X-API-Key) is optional there and counts the calls against the key instead of the address.
PUBLIC_OPERATIONS = {("get", "/api/v1/jobs")}
# Operations of partner systems: their key only, never a staff token or session (tests/api/test_partner.py).
PARTNER_OPERATIONS = {(method, path) for method, path in ENDPOINTS if path.startswith("/api/v1/partner/")}
HIDDEN = (
    "id_number_encrypted",
    "id_number_index",
    "id_tail_index",
    "birth_month",
    "birth_date",
    "phone_encrypted",
    "phone_index",
    "password",
)


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_document_lists_every_endpoint(document):
    assert document["info"] == {
        "title": "OpenPES 数据接口",
        "version": "1",
        "description": document["info"]["description"],
    }
    listed = {(method, path) for path, ops in document["paths"].items() for method in ops}
    assert listed == ENDPOINTS


def test_every_operation_is_authenticated_described_and_documents_its_errors(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            assert re.search(r"[\u4e00-\u9fff]", op["summary"]), (method, path)
            if (method, path) in PUBLIC_OPERATIONS:
                assert op["security"] == [{"PartnerKeyAuth": []}, {}], (method, path)
                assert {"401", "403", "422", "429"} <= set(op["responses"]), (method, path)
                continue
            if (method, path) in PARTNER_OPERATIONS:
                assert op["security"] == [{"PartnerKeyAuth": []}], (method, path)
                assert {"401", "403", "404", "422", "429"} <= set(op["responses"]), (method, path)
                continue
            assert {"BearerToken", "StaffSession"} <= {k for s in op["security"] for k in s}, (method, path)
            assert {"401", "403", "404", "422"} <= set(op["responses"]), (method, path)
    schemes = document["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer"}
    assert schemes["StaffSession"]["in"] == "cookie"
    partner = schemes["PartnerKeyAuth"]
    assert {k: partner[k] for k in ("type", "in", "name")} == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
    }
    assert "opes_p_" in partner["description"]


def test_schemas_describe_fields_in_chinese_and_never_name_hidden_columns(document):
    text = str(document)
    for column in HIDDEN:
        assert column not in text
    person = document["components"]["schemas"]["PersonOut"]["properties"]
    assert person["id_number_masked"]["description"] == "身份证号码（脱敏）"
    assert all(re.search(r"[\u4e00-\u9fff]", p.get("description", "")) for p in person.values())


def test_docs_page_uses_our_static_files_and_no_external_host(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta charset="utf-8">' in html
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/vendor/swagger-ui/swagger-ui.css" in html
    assert "/static/api/swagger-init.js" in html
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE), (
        "external URL in docs page"
    )
    # (in links only: a random nonce or CSRF token may well contain the letters "cdn")
    assert not re.search(r'(src|href)="[^"]*cdn', html, re.IGNORECASE)
    # the config block is data, not code; the only scripts are ours and carry the nonce
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script([^>]*)>", html)
    executable = [s for s in scripts if "application/json" not in s]
    assert executable and all(f'nonce="{nonce}"' in s and "src=" in s for s in executable)
    assert "style=" not in html


def test_docs_page_keeps_the_site_csp(client, settings):
    policy = client.get("/api/v1/docs")["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_docs_assets_are_vendored():
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"):
        assert finders.find(f"vendor/swagger-ui/{name}"), name
    assert finders.find("api/swagger-init.js")
    init = Path(finders.find("api/swagger-init.js")).read_text(encoding="utf-8")
    assert "X-CSRFToken" in init


def test_docs_turn_off_the_online_validator_badge(client):
    html = client.get("/api/v1/docs").content.decode()
    assert '"validatorUrl": null' in html


def test_docs_page_links_back_to_the_site_and_explains_itself_in_chinese(client):
    html = client.get("/api/v1/docs").content.decode()
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert title == "OpenPES 数据接口 · 接口文档"
    back = re.search(r'<a[^>]+href="/"[^>]*>([^<]+)</a>', html)
    assert back and "返回" in back.group(1)
    assert 'href="/accounts/tokens/"' in html  # where a token is made
    # Swagger UI's own buttons stay English (its JS is vendored, not patched): the page says what they do.
    for button, meaning in [("Try it out", "试用"), ("Execute", "发送"), ("Authorize", "认证")]:
        assert re.search(rf"{button}[^<]*</[a-z]+>[^<]*{meaning}|{button}（{meaning}", html), button
    assert "/static/api/docs.css" in html


def test_ethnicity_lists_the_gb_t_3304_codes(document):
    for schema in ("PersonCreateIn", "PersonPatchIn"):
        field = document["components"]["schemas"][schema]["properties"]["ethnicity"]
        assert field["enum"][:3] == ["", "01", "02"] and field["enum"][-2:] == ["97", "98"]
        assert "01 汉族" in field["description"] and "56 基诺族" in field["description"]
