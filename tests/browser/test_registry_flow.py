"""The flow a township officer depends on, in a real Chromium against a real server: log in, find a person,
open them, reveal the ID number (and see the access-log row as the auditor), log out."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import RESULTS

pytestmark = pytest.mark.browser
PASSWORD = "Suining@2026"  # the demo's published password


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("登录名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


def test_township_officer_finds_a_person_reveals_the_id_and_the_auditor_sees_it(
    demo_server: str, page: Any
) -> None:
    base = demo_server
    elsewhere: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((base, "data:")) else elsewhere.append(r.url))

    log_in(page, base, "t430527100")
    assert page.get_by_role("heading", name="工作台").is_visible()
    assert "长铺镇" in page.locator("nav").inner_text()
    page.wait_for_selector(".card svg")  # the ECharts bar chart has drawn (SVG renderer)
    page.screenshot(path=str(RESULTS / "dashboard.png"), full_page=True)

    page.get_by_role("link", name="劳动者", exact=True).first.click()
    page.wait_for_load_state("networkidle")
    first_row = page.locator("table tbody tr").first
    name = first_row.locator("a").first.inner_text().strip()
    page.fill("#id_q", name)
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state("networkidle")
    page.locator("table tbody tr a", has_text=name).first.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name=name).is_visible()
    masked = (
        page.locator("dd, td").filter(has_text=re.compile(r"^\d{6}\*{8}[\dX]{4}$")).first.inner_text().strip()
    )
    assert re.fullmatch(r"\d{6}\*{8}[\dX]{4}", masked)

    page.get_by_label("查看事由").fill("办理失业登记核对身份")
    page.get_by_role("button", name="查看").click()
    page.wait_for_load_state("networkidle")
    revealed = page.locator("#revealed-value").inner_text().strip()
    assert re.fullmatch(r"\d{17}[\dX]", revealed)
    assert revealed[:6] == masked[:6] and revealed[-4:] == masked[-4:]
    page.screenshot(path=str(RESULTS / "revealed.png"))

    page.get_by_role("button", name="退出登录").click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" in page.url
    page.goto(f"{base}/persons/")
    assert "/accounts/login/" in page.url, "after logging out, staff pages ask for a log-in again"

    log_in(page, base, "auditor")
    page.goto(f"{base}/audit/access/")
    row = page.locator("table tbody tr", has_text="t430527100").first
    assert "办理失业登记核对身份" in row.inner_text()
    assert revealed not in page.content(), "the access log names the record, never the revealed value"
    assert elsewhere == [], f"requests left the server: {elsewhere}"
