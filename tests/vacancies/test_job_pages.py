"""The public job search pages (/jobs/): no sign-in, only published vacancies still valid, filters and
synonyms, and each vacancy's schema.org JobPosting as valid JSON-LD without personal data."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from openpes.accounts.roles import Role
from openpes.vacancies import services
from openpes.vacancies.models import Vacancy
from tests.vacancies.pool import make_vacancy, verified_employer
from tests.vacancies.test_search import published

pytestmark = pytest.mark.django_db
LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def pool(make_staff: Any, places: Any) -> dict[str, Any]:
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    employer = verified_employer(officer, places.village_a1)
    draft = make_vacancy(officer, employer, title="草稿厨师")
    pending = make_vacancy(officer, employer, title="待审厨师")
    services.vacancy_submit(actor=officer, vacancy=pending)
    cook = published(officer, employer)
    driver = published(officer, employer, title="货车驾驶员", pay_text="6000-8000元", description="B2驾照")
    return {"officer": officer, "draft": draft, "pending": pending, "cook": cook, "driver": driver}


def test_the_search_shows_published_vacancies_only_and_finds_synonyms(pool: dict[str, Any]) -> None:
    client = Client()
    page = client.get("/jobs/").content.decode()
    assert "中餐厨师" in page and "货车驾驶员" in page
    assert "草稿厨师" not in page and "待审厨师" not in page
    by_synonym = client.get("/jobs/", {"q": "司机"}).content.decode()
    assert "货车驾驶员" in by_synonym and "中餐厨师" not in by_synonym
    by_pay = client.get("/jobs/", {"pay_min": "7000"}).content.decode()
    assert "货车驾驶员" in by_pay and "中餐厨师" not in by_pay
    # a wrong value in a filter is ignored, never an error page
    assert client.get("/jobs/", {"pay_min": "很多", "page": "x", "sort": "?"}).status_code == 200
    assert 'href="/jobs/' in page and "/vacancies/" not in page  # no staff navigation


def test_drafts_and_vacancies_under_review_have_no_public_page(pool: dict[str, Any]) -> None:
    client = Client()
    assert client.get(f"/jobs/{pool['draft'].pk}/").status_code == 404
    assert client.get(f"/jobs/{pool['pending'].pk}/").status_code == 404
    services.vacancy_withdraw(actor=pool["officer"], vacancy=pool["driver"], reason="已招满")
    assert client.get(f"/jobs/{pool['driver'].pk}/").status_code == 404
    assert "货车驾驶员" not in client.get("/jobs/", {"q": "司机"}).content.decode()


def test_a_vacancy_page_carries_its_job_posting_as_json_ld(pool: dict[str, Any]) -> None:
    driver = pool["driver"]
    html = Client().get(f"/jobs/{driver.pk}/").content.decode()
    (block,) = LD.findall(html)
    posting = json.loads(block)
    assert posting["@type"] == "JobPosting" and posting["title"] == "货车驾驶员"
    assert posting["datePosted"] == driver.published_at.date().isoformat()
    assert posting["validThrough"] == driver.valid_until.isoformat()
    assert posting["hiringOrganization"]["name"] == driver.employer.name
    address = posting["jobLocation"]["address"]
    assert address["addressRegion"] == "湖南省" and "绥宁县" in address["addressLocality"]
    salary = posting["baseSalary"]["value"]
    assert (salary["minValue"], salary["maxValue"], salary["unitText"]) == (6000, 8000, "MONTH")
    assert posting["occupationalCategory"].startswith(driver.occupation_code)
    assert "employmentType" in posting or not driver.work_type
    assert "0739" not in block and driver.employer.contact_name not in block  # no contact, no person


def test_the_description_cannot_break_out_of_the_json_ld_block(pool: dict[str, Any]) -> None:
    # The services refuse "<" and ">" in a description; rows written before that rule may still hold them.
    Vacancy.objects.filter(pk=pool["cook"].pk).update(description="负责湘菜烹饪</script><b>包吃住</b>")
    html = Client().get(f"/jobs/{pool['cook'].pk}/").content.decode()
    (block,) = LD.findall(html)
    assert json.loads(block)["description"] == "负责湘菜烹饪</script><b>包吃住</b>"
    assert "<b>包吃住</b>" not in html.replace(block, "")  # the page shows it escaped
