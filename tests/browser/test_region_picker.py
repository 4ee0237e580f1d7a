"""A city officer registers a person through the cascading village picker, in a real Chromium: choose the
county, then the township (each select fetched by htmx), then the village, and save."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Demo, wait_for_htmx
from tests.browser.test_registry_flow import PASSWORD, log_in
from tests.factories import make_id_number

pytestmark = pytest.mark.browser


def test_city_officer_registers_a_person_through_the_cascading_picker(demo: Demo, page: Any) -> None:
    demo.cli(
        "createstaff",
        "--username=c430500",
        "--name=市局经办",
        "--jurisdiction=430500",
        "--role=county_officer",
        f"--password={PASSWORD}",
    )
    log_in(page, demo.url, "c430500")
    page.goto(f"{demo.url}/persons/new/")
    assert page.locator('select[name="region_code"]').count() == 0  # no village before county and township
    page.locator('select[name="region_code_parent"]').first.select_option(label="绥宁县")
    township = page.locator('select[name="region_code_parent"]').nth(1)
    township.wait_for()
    wait_for_htmx(page)
    township.select_option(index=1)
    village = page.locator('select[name="region_code"]')
    village.wait_for()
    wait_for_htmx(page)
    village.select_option(index=1)
    chosen = village.input_value()
    assert chosen.startswith("430527") and len(chosen) == 12

    page.get_by_label("姓名").fill("城区测试")
    page.get_by_label("身份证号码").fill(make_id_number())
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="城区测试").is_visible()
