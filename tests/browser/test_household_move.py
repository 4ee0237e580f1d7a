"""A township officer, in a real Chromium against a real server, puts someone of another household into a
household: found by name in the picker (htmx), then a confirmation that names the household they leave
(SECURITY.md #23), then the member is listed and the household left behind asks for a new head."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import RESULTS
from tests.browser.test_registry_flow import log_in

pytestmark = pytest.mark.browser


def open_household(page: Any, base: str, index: int) -> tuple[str, str]:
    """Open the household at `index` of the list; its address and the name of a member who is not the head."""
    page.goto(f"{base}/households/")
    link = page.locator("table tbody tr td:first-child a").nth(index)
    link.click()
    page.wait_for_load_state("networkidle")
    members = page.locator("table tbody tr")
    for row in range(members.count()):
        cells = members.nth(row).locator("td")
        if cells.nth(1).inner_text().strip() != "户主":
            return page.url, cells.nth(0).inner_text().strip()
    return page.url, ""


def test_taking_a_member_of_another_household_is_confirmed_naming_it(demo_server: str, page: Any) -> None:
    base = demo_server
    log_in(page, base, "t430527100")
    old_url, name = "", ""
    for index in range(1, 20):  # a household with a member besides the head
        old_url, name = open_household(page, base, index)
        if name:
            break
    assert name, "the demo has households of more than one person"
    old_number = re.search(r"/households/(\d+)/", old_url)[1]  # type: ignore[index]
    target_url, _ = open_household(page, base, 0)
    target_number = re.search(r"/households/(\d+)/", target_url)[1]  # type: ignore[index]
    assert target_number != old_number

    page.get_by_role("link", name="添加成员").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("查找人员").fill(name)
    choice = page.locator("#candidates label", has_text=name).first
    choice.wait_for()  # the picker's results, fetched by htmx as the name is typed
    assert f"现属户 {old_number}" in choice.inner_text()
    choice.locator("input[type=radio]").check()
    page.get_by_label("与户主关系").select_option(label="其他")
    page.get_by_role("button", name="添加", exact=True).click()
    page.wait_for_load_state("networkidle")

    warning = page.locator("#confirm-move")
    assert f"户 {old_number}" in warning.inner_text() and name in warning.inner_text()
    page.screenshot(path=str(RESULTS / "household-move-confirmation.png"))
    warning.get_by_label("确认把此人从原家庭移出，加入本户").check()
    page.get_by_role("button", name="添加", exact=True).click()
    page.wait_for_load_state("networkidle")

    assert re.search(rf"/households/{target_number}/$", page.url)
    assert f"{name} 已加入本户" in page.locator("body").inner_text()
    assert page.locator("table tbody tr", has_text=name).count() >= 1
    page.goto(old_url)
    assert name not in page.locator("table tbody").inner_text()
