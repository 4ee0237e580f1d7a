"""The dashboard as a county office's browser loads it from `openpes demo`: hashed, brotli-compressed assets
cached for a year, the small ECharts build drawing both charts, and no script error or CSP violation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_registry_flow import log_in

pytestmark = pytest.mark.browser


def test_dashboard_loads_compressed_long_cached_assets_and_draws_its_charts(
    demo_server: str, page: Any
) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    assets: dict[str, dict[str, str]] = {}
    page.on(
        "response",
        lambda r: assets.__setitem__(r.url, r.headers) if "/static/" in r.url and r.status == 200 else None,
    )

    log_in(page, demo_server, "t430527100")
    page.wait_for_selector("#chart-children svg")
    page.wait_for_selector("#chart-ages svg")

    scripts = {url: headers for url, headers in assets.items() if url.endswith((".js", ".css"))}
    assert any("echarts.dashboard.min." in url for url in scripts), list(scripts)
    for url, headers in scripts.items():
        assert headers.get("content-encoding") == "br", url
        assert "max-age=31536000" in headers.get("cache-control", ""), url
        assert "immutable" in headers.get("cache-control", ""), url
    assert problems == []
