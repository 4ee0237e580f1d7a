"""Helpers of the vacancy pool's tests: a verified employer, a vacancy entered as a clerk would."""

from __future__ import annotations

from typing import Any

from openpes.accounts.models import Staff
from openpes.employers import services as employer_services
from openpes.employers.models import Employer
from openpes.vacancies import services
from openpes.vacancies.models import Vacancy
from tests.employers.helpers import load_some_taxonomy, make_employer

COOK_POSTING: dict[str, Any] = {
    "title": "中餐厨师",
    "pay_text": "4500-6000元/月",
    "place_text": "绥宁县长铺镇",
    "education_text": "初中",
    "experience_text": "2年以上",
    "description": "负责湘菜烹饪，包吃住",
    "contact_text": "电话 0739-7612345",
    "headcount": 2,
}


def verified_employer(actor: Staff, region: str, **fields: Any) -> Employer:
    load_some_taxonomy()
    employer = make_employer(actor, region, **fields)
    return employer_services.employer_verify(actor=actor, employer=employer, approve=True)


def make_vacancy(actor: Any, employer: Employer | None = None, **fields: Any) -> Vacancy:
    data = services.VacancyInput(**{**COOK_POSTING, **fields})
    return services.vacancy_create(actor=actor, employer=employer, data=data)
