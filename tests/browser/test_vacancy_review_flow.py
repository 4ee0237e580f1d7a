"""The vacancy's way from an employer's phone to a job seeker, in a real Chromium against the demo server
(issue 9): an employer signs in on the portal at a 360 px phone width, posts a vacancy with a discriminatory
phrase, reads the reason and the article of law in Chinese, fixes the text and submits; a county officer
finds it in the review queue and approves it; an anonymous job seeker finds it on /jobs/ by a synonym of
its title (司机 for 驾驶员, vacancies/search/data/synonyms.csv) and opens its page. Every portal page on
the way is checked for sideways scrolling at 360 px."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.browser.conftest import RESULTS, Demo
from tests.browser.test_phone_layout import assert_no_sideways_scroll
from tests.browser.test_registry_flow import PASSWORD, log_in

pytestmark = pytest.mark.browser
NARROW_PHONE = {"width": 360, "height": 740}  # the narrowest Android phones still common
TITLE = "冷链货车驾驶员"  # 驾驶员 and 司机 are one synonym group
SYNONYM = "司机"
DISCRIMINATORY = "负责冷链货车运输，持B2驾照。限男性，五险一金"
FIXED = "负责冷链货车运输，持B2驾照。男女不限，五险一金"

# The verified demo employer's portal account (its vacancies can be published): the login is the credit
# code the demo generated, so it is read from the demo's own database.
_ACCOUNT = """
import django
django.setup()
from openpes.employers import rules
from openpes.employers.models import EmployerAccount
accounts = EmployerAccount.objects.select_related("employer").order_by("pk")
account = next(a for a in accounts if rules.account_can_publish(a, a.employer))
print(account.login_name, account.employer.name, sep="\t")
"""


def publishing_employer_login(demo: Demo) -> tuple[str, str]:
    """The login name and the employer's name."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPES_DATABASE")}
    env |= {"OPENPES_DATA_DIR": str(demo.data_dir), "DJANGO_SETTINGS_MODULE": "openpes.settings"}
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", _ACCOUNT], env=env, check=True, capture_output=True, text=True
    )
    login_name, name = done.stdout.strip().splitlines()[-1].split("\t")
    return login_name, name


@pytest.fixture
def new_page(browser_executable: str) -> Iterator[Callable[..., Any]]:
    """Pages in separate browser contexts (an employer, a clerk and a job seeker share no cookies)."""
    from playwright.sync_api import sync_playwright

    RESULTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=browser_executable,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )

        def make(*, phone: bool) -> Any:
            if phone:
                context = browser.new_context(
                    viewport=NARROW_PHONE,
                    device_scale_factor=2,
                    is_mobile=True,
                    has_touch=True,
                    locale="zh-CN",
                )
            else:
                context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
            context.set_default_timeout(20_000)
            return context.new_page()

        yield make
        browser.close()


def test_employer_posts_fixes_a_discriminatory_phrase_staff_approve_and_a_seeker_finds_it_by_synonym(
    demo: Demo, new_page: Callable[..., Any]
) -> None:
    from playwright.sync_api import expect

    base = demo.url
    login_name, employer_name = publishing_employer_login(demo)

    # --- the employer, on a 360 px phone -------------------------------------------------------------
    employer = new_page(phone=True)
    employer.goto(f"{base}/jobs/employer/login/")
    assert_no_sideways_scroll(employer)
    employer.get_by_label("统一社会信用代码").fill(login_name)
    employer.get_by_label("密码").fill(PASSWORD)
    employer.get_by_role("button", name="登录").click()
    expect(employer).to_have_url(re.compile(r"/jobs/employer/$"))
    assert_no_sideways_scroll(employer)

    employer.goto(f"{base}/jobs/employer/vacancies/")
    expect(employer.get_by_role("heading", name="我的岗位")).to_be_visible()
    assert_no_sideways_scroll(employer)
    employer.get_by_role("link", name="发布新岗位").click()
    expect(employer.get_by_label("职位名称")).to_be_visible()
    assert_no_sideways_scroll(employer)
    employer.get_by_label("职位名称").fill(TITLE)
    employer.get_by_label("薪资待遇").fill("6000-8000元/月")
    employer.get_by_label("工作地点").fill("绥宁县长铺镇")
    employer.get_by_label("职位描述").fill(DISCRIMINATORY)
    employer.get_by_role("button", name="保存").click()

    # The reason, in Chinese, with the article of law, and no way to submit until fixed.
    flag = employer.locator("[data-screening-flag]", has_text="限男性").first
    expect(flag).to_be_visible()
    expect(flag).to_contain_text("须修改")
    expect(flag).to_contain_text("就业促进法")
    expect(flag).to_contain_text("第二十七条")
    expect(flag).to_contain_text("妇女权益保障法")
    refusal = employer.locator("#submit-refusal")
    expect(refusal).to_contain_text("违反法律法规")
    expect(employer.get_by_role("button", name="提交审核")).to_be_disabled()
    assert_no_sideways_scroll(employer)
    employer.screenshot(path=str(RESULTS / "portal-vacancy-flagged-360.png"), full_page=True)
    detail_url = employer.url

    employer.get_by_role("link", name="修改").click()
    expect(employer.get_by_label("职位描述")).to_have_value(DISCRIMINATORY)
    assert_no_sideways_scroll(employer)
    employer.get_by_label("职位描述").fill(FIXED)
    employer.get_by_role("button", name="保存").click()
    expect(employer).to_have_url(detail_url)
    expect(employer.locator("#submit-refusal")).to_have_count(0)
    expect(employer.locator("[data-screening-flag]", has_text="限男性")).to_have_count(0)
    employer.get_by_role("button", name="提交审核").click()
    expect(employer.locator("#status")).to_have_text("待审核")
    expect(employer.get_by_text("正在等待公共就业服务机构审核")).to_be_visible()
    assert_no_sideways_scroll(employer)

    # --- a county officer reviews it ------------------------------------------------------------------
    clerk = new_page(phone=False)
    log_in(clerk, base, "county")
    clerk.goto(f"{base}/vacancies/review/")
    expect(clerk.get_by_role("heading", name="待审核岗位")).to_be_visible()
    # The queue is first come, first served: the latest submission is on its last page.
    last_page = clerk.get_by_role("link", name="末页")
    if last_page.count():
        last_page.click()
        expect(clerk.locator(".page-item.active")).to_contain_text(re.compile(r"第 (\d+) / \1 页"))
    clerk.locator("table").get_by_role("link", name=TITLE).first.click()
    expect(clerk.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(clerk.locator("#review")).to_be_visible()
    clerk.get_by_label("通过并发布").check()
    clerk.get_by_role("button", name="保存审核结果").click()
    expect(clerk.locator("#status")).to_have_text("已发布")

    employer.goto(detail_url)
    expect(employer.locator("#status")).to_have_text("已发布")
    assert_no_sideways_scroll(employer)

    # --- a job seeker, not signed in, on a phone ------------------------------------------------------
    seeker = new_page(phone=True)
    seeker.goto(f"{base}/jobs/")
    assert_no_sideways_scroll(seeker)
    seeker.get_by_label("职位、单位或关键词").fill(SYNONYM)
    seeker.get_by_text("筛选条件").click()
    seeker.get_by_label("排序").select_option(label="最新发布")
    seeker.get_by_role("button", name="搜索").click()
    expect(seeker).to_have_url(re.compile(r"/jobs/\?.*q=%E5%8F%B8%E6%9C%BA"))
    card = seeker.locator("[data-record-card]", has_text=TITLE).first
    expect(card).to_be_visible()
    assert_no_sideways_scroll(seeker)
    card.get_by_role("link", name=TITLE).click()
    expect(seeker.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(seeker.locator("article")).to_contain_text(FIXED)
    expect(seeker.locator("article")).to_contain_text(employer_name)
    assert_no_sideways_scroll(seeker)
    seeker.screenshot(path=str(RESULTS / "job-found-by-synonym-360.png"), full_page=True)
