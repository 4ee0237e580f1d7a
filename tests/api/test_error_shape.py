"""The documented error shape (docs/api.md) for what reaches us before a handler runs: a body over the
size limit, a method the address does not take, a write that is not JSON, and a choice out of a list."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from openpes.accounts.roles import Role

LATIN_WORD = re.compile(r"\b(?:or|and|Method|not|allowed|Request|Bad|Payload|Too|Large|Unsupported)\b")


def chinese_detail(response) -> str:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    detail = response.json()["detail"]
    text = detail if isinstance(detail, str) else " ".join(e["message"] for e in detail)
    assert re.search(r"[\u4e00-\u9fff]", text), text
    assert not LATIN_WORD.search(text), text
    return text


def test_api_body_over_the_limit_is_413_json_in_chinese(api_as, places, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = api_as(Role.COUNTY_OFFICER, places.county)
    response = client.call("POST", "/persons", {"name": "王" * 2000, "region_code": places.village_a1})
    assert response.status_code == 413
    assert "太大" in chinese_detail(response)


def test_page_post_over_the_limit_is_a_chinese_413_page(login_as, places, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = login_as(Role.COUNTY_OFFICER, places.county)
    response = client.post("/persons/new/", {"name": "王" * 2000})
    assert response.status_code == 413
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "提交的内容太大" in body
    assert "Bad Request" not in body


def test_page_post_over_the_limit_is_413_even_when_the_csrf_check_reads_the_form(
    places, make_staff, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff(Role.COUNTY_OFFICER, places.county))
    client.cookies["csrftoken"] = "a" * 32  # so that the check goes on to read the form's token
    response = client.post("/persons/new/", {"name": "王" * 2000, "csrfmiddlewaretoken": "a" * 32})
    assert response.status_code == 413
    assert "提交的内容太大" in response.content.decode()


def test_a_bad_request_page_is_in_chinese(client):
    response = client.get("/", headers={"host": "evil.example.com"})  # not in ALLOWED_HOSTS
    assert response.status_code == 400
    assert "请求无效" in response.content.decode()


@pytest.mark.parametrize(("method", "path"), [("DELETE", "/persons"), ("PUT", "/me"), ("POST", "/regions")])
def test_api_method_not_allowed_is_405_json_and_names_the_allowed_ones(api_as, places, method, path):
    client = api_as(Role.COUNTY_OFFICER, places.county)
    response = client.call(method, path, {})
    assert response.status_code == 405
    text = chinese_detail(response)
    assert "GET" in response["Allow"]
    assert "GET" in text and method in text


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", "name=%E7%8E%8B%E8%8A%B3"),
        ("text/plain", json.dumps({"name": "王芳"})),
        ("multipart/form-data; boundary=x", "--x--"),
        ("", json.dumps({"name": "王芳"})),
    ],
)
def test_api_write_that_is_not_json_is_415_in_chinese_and_writes_nothing(
    api_as, places, registry, content_type, body
):
    client = api_as(Role.COUNTY_OFFICER, places.county)
    headers = {"Authorization": f"Bearer {client.token}"}
    for method, path in [
        ("POST", "/api/v1/persons"),
        ("PATCH", f"/api/v1/persons/{registry.person_a.pk}"),
        ("POST", f"/api/v1/persons/{registry.person_a.pk}/reveal"),
    ]:
        response = client.generic(method, path, body, content_type=content_type, headers=headers)
        assert response.status_code == 415, (method, path, response.content)
        assert "application/json" in chinese_detail(response)
    registry.person_a.refresh_from_db()
    assert registry.person_a.name == "王芳"


def test_api_write_with_json_and_a_charset_is_accepted(api_as, places, registry):
    client = api_as(Role.COUNTY_OFFICER, places.county)
    response = client.generic(
        "PATCH",
        f"/api/v1/persons/{registry.person_a.pk}",
        json.dumps({"address": "A1村4组"}),
        content_type="application/json; charset=utf-8",
        headers={"Authorization": f"Bearer {client.token}"},
    )
    assert response.status_code == 200, response.content


def test_api_without_credentials_is_401_before_the_content_type_is_looked_at(places):
    response = Client().generic("POST", "/api/v1/persons", "a=b", content_type="text/plain")
    assert response.status_code == 401


def test_a_choice_error_lists_the_choices_the_chinese_way(api_as, places, registry):
    client = api_as(Role.COUNTY_OFFICER, places.county)
    response = client.call(
        "POST", f"/persons/{registry.person_a.pk}/reveal", {"field": "name", "reason": "核对"}
    )
    assert response.status_code == 422
    [error] = [e for e in response.json()["detail"] if e["field"] == "field"]
    assert error["message"] == "取值无效，可选：id_number、phone"
    chinese_detail(response)


@pytest.mark.parametrize(
    ("expected", "shown"),
    [
        ("'id_number' or 'phone'", "id_number、phone"),
        ("'1', '2' or '9'", "1、2、9"),
        ("'only'", "only"),
        ("1, 2 or 3", "1、2、3"),
        ("'a or b', 'c'", "a or b、c"),
    ],
)
def test_choices_are_listed_without_quotes_or_english(expected, shown):
    from openpes.api.core import error_message

    assert (
        error_message({"type": "literal_error", "ctx": {"expected": expected}}) == f"取值无效，可选：{shown}"
    )
