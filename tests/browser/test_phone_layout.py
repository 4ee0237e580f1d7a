"""The registry on a phone (390 × 844, an iPhone 12–15 or a mid-range Android): lists are cards that show a
person's name, masked ID number, village and household without sideways scrolling; every tap target is at
least 44 px; the dashboard's search box finds a person without the typed number entering a URL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import RESULTS
from tests.browser.test_registry_flow import log_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
MASKED_ID = re.compile(r"^\d{6}\*{8}[\dX]{4}$")
TAP_TARGETS = "a.btn, button, .page-link, .navbar-toggler, [data-record-card], .navbar .nav-link"


@pytest.fixture
def phone(browser_executable: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    RESULTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=browser_executable,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
        )
        yield context.new_page()
        context.close()
        browser.close()


def assert_no_sideways_scroll(page: Any) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths[0]} px wide in {widths[1]} px"


def small_tap_targets(page: Any) -> list[str]:
    """Visible tap targets less than 44 px high (or, for the menu button, wide)."""
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector))
            .filter((el) => el.offsetParent !== null)
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([el, box]) => box.height < 44 || (el.matches('.navbar-toggler') && box.width < 44))
            .map(([el, box]) => `${el.tagName}.${el.className} «${el.textContent.trim().slice(0, 20)}» `
                 + `${Math.round(box.width)}×${Math.round(box.height)}`)""",
        TAP_TARGETS,
    )


def test_persons_list_on_a_phone_is_cards_without_sideways_scroll_and_with_large_tap_targets(
    demo_server: str, phone: Any
) -> None:
    base = demo_server
    log_in(phone, base, "county")  # the county officer: 400 persons, so the list has pages
    assert phone.locator("#dashboard-q").is_visible(), "the dashboard has a search box"
    assert_no_sideways_scroll(phone)
    assert small_tap_targets(phone) == []

    phone.goto(f"{base}/persons/")
    phone.wait_for_load_state("networkidle")
    assert_no_sideways_scroll(phone)
    assert not phone.locator("table").first.is_visible(), "the table gives way to cards"
    cards = phone.locator("[data-record-card]")
    assert cards.count() == 50
    assert phone.locator(".page-link").first.is_visible()
    first = cards.first
    name = first.locator(".record-card-title").inner_text().strip()
    assert name
    assert MASKED_ID.match(first.locator('[data-fact="id"]').inner_text().strip())
    assert first.locator('[data-fact="village"]').inner_text().strip()
    assert re.fullmatch(r"户 \d+|未入户", first.locator('[data-fact="household"]').inner_text().strip())
    assert small_tap_targets(phone) == []
    phone.screenshot(path=str(RESULTS / "phone-persons.png"), full_page=False)

    # the menu opens from a 44 px button and its links are as large
    phone.locator(".navbar-toggler").click()
    phone.wait_for_selector("#main-nav.show")
    assert small_tap_targets(phone) == []
    phone.locator(".navbar-toggler").click()

    # a card opens the person; the household list and the household's members are cards too
    first.click()
    phone.wait_for_load_state("networkidle")
    assert phone.get_by_role("heading", name=name).is_visible()
    phone.goto(f"{base}/households/")
    phone.wait_for_load_state("networkidle")
    assert_no_sideways_scroll(phone)
    assert phone.locator("[data-record-card]").count() > 0
    assert small_tap_targets(phone) == []
    phone.locator("[data-record-card]").first.click()
    phone.wait_for_load_state("networkidle")
    assert_no_sideways_scroll(phone)
    member = phone.locator("[data-record-card]").first
    assert MASKED_ID.match(member.locator('[data-fact="id"]').inner_text().strip())
    assert small_tap_targets(phone) == []


def test_the_dashboard_search_finds_a_person_and_keeps_the_query_out_of_the_address(
    demo_server: str, phone: Any
) -> None:
    base = demo_server
    log_in(phone, base, "t430527100")
    phone.goto(f"{base}/persons/")
    name = phone.locator("[data-record-card] .record-card-title").first.inner_text().strip()
    phone.goto(f"{base}/")
    phone.fill("#dashboard-q", name)
    phone.get_by_role("button", name="查找").click()
    phone.wait_for_load_state("networkidle")
    assert phone.url.split("?")[0].endswith("/persons/")
    assert phone.locator("[data-record-card]", has_text=name).count() >= 1
    assert_no_sideways_scroll(phone)
