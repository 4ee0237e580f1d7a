"""The docs page in a real Chromium, under the site's CSP, with every request answered by Django's test
client (Playwright's request routing): no server, no other host, and CSP enforced by the browser itself."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.api.test_openapi import ENDPOINTS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ORIGIN = "http://testserver"

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def answer_from_django(client: Client, requested: list[str]) -> Any:
    def handle(route: Any) -> None:
        request = route.request
        requested.append(request.url)
        url = urlsplit(request.url)
        if f"{url.scheme}://{url.netloc}" != ORIGIN:
            route.abort()
            return
        path = url.path + (f"?{url.query}" if url.query else "")
        response = client.generic(
            request.method,
            path,
            request.post_data_buffer or b"",
            content_type=request.headers.get("content-type", ""),
            headers={
                k: v for k, v in request.headers.items() if k.lower() in {"x-csrftoken", "authorization"}
            },
        )
        body = b"".join(response.streaming_content) if response.streaming else response.content
        route.fulfill(status=response.status_code, headers=dict(response.items()), body=body)

    return handle


def test_swagger_ui_renders_every_operation_under_the_site_csp(client, monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed; .ci/run installs it")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the routed requests touch no database.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    requested: list[str] = []
    console: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
            page.route("**/*", answer_from_django(client, requested))
            page.goto(f"{ORIGIN}/api/v1/docs")
            page.wait_for_selector(".opblock", timeout=15_000)
            assert page.locator(".opblock").count() == len(ENDPOINTS)
            assert page.locator(".info .title").first.inner_text().startswith("OpenPES 数据接口")
            assert page.locator(".opblock-tag").filter(has_text="劳动者").count() == 1
            assert page.locator("a.docs-back").is_visible()  # the way back to the site
            # the stylesheet applied (a blocked stylesheet leaves the operations unstyled)
            colour = page.locator(".opblock-get .opblock-summary-method").first.evaluate(
                "e => getComputedStyle(e).backgroundColor"
            )
            assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
        finally:
            browser.close()
    assert all(url.startswith(ORIGIN) for url in requested), requested
    assert not [m for m in console if "Content Security Policy" in m or m.startswith("pageerror")], console
