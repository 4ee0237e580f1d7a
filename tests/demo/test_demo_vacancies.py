"""The demo county's vacancies: a few hundred real postings on the demo employers, most placed in 绥宁县,
in every review state, normalised and screened like any other; published ones only of verified employers."""

from __future__ import annotations

import datetime as dt

from openpes.demo.services import build_demo
from openpes.employers import rules
from openpes.vacancies import selectors
from openpes.vacancies.choices import Channel, VacancyStatus
from openpes.vacancies.models import Vacancy


def test_the_demo_has_vacancies_in_every_review_state(db):
    report = build_demo(persons=40, today=dt.date(2026, 3, 15), vacancies=120)
    vacancies = list(Vacancy.objects.select_related("employer"))
    assert len(vacancies) == 120 == sum(report.vacancies.values())
    assert {v.status for v in vacancies} == set(VacancyStatus.values)
    in_county = [v for v in vacancies if v.region_code.startswith("430527")]
    assert len(in_county) == len(vacancies)  # the work place, or the employer when it lies elsewhere
    placed_in_townships = [
        v for v in vacancies if v.place_code.startswith("430527") and v.place_code != "430527000000"
    ]
    assert len(placed_in_townships) >= 0.6 * len(vacancies)
    assert any(v.channel == Channel.PORTAL for v in vacancies)
    assert all(v.reasons and v.title for v in vacancies)
    assert sum(1 for v in vacancies if v.pay_min is not None) >= 0.8 * len(vacancies)
    published = [v for v in vacancies if v.status == VacancyStatus.PUBLISHED]
    assert all(rules.employer_can_publish(v.employer) for v in published)
    assert all(not any(f["severity"] == "block" for f in v.screening_flags) for v in published)
    assert set(selectors.public_vacancies()) == set(published)
    rejected = [v for v in vacancies if v.status == VacancyStatus.REJECTED]
    assert all(v.status_reason for v in rejected)
