"""The demo county's vacancies: a few hundred real postings (data/postings_sample.csv) placed on the demo
employers, most of them at work places in 绥宁县's townships, some in the surrounding city and province,
a few where the posting said; in every review state, some with screening flags, a few posted through the
verified employer's portal account."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from django.utils import timezone

from openpes.accounts.models import Staff
from openpes.employers import rules as employer_rules
from openpes.employers.models import Employer, EmployerAccount
from openpes.regions.models import Region
from openpes.vacancies import rules, services
from openpes.vacancies.choices import VacancyStatus
from openpes.vacancies.models import Vacancy

SAMPLE = Path(__file__).parent / "data" / "postings_sample.csv"
# Where the work is: a township of the county (most), the city or the province around it, or as written.
AROUND = ["邵阳市", "湖南省邵阳市", "邵阳市武冈市", "怀化市"]
# The review state each posting is taken to, in turn (weights: a live pool is mostly published).
STATES = [
    (VacancyStatus.PUBLISHED, 10),
    (VacancyStatus.PENDING_REVIEW, 4),
    (VacancyStatus.DRAFT, 2),
    (VacancyStatus.REJECTED, 1),
    (VacancyStatus.WITHDRAWN, 1),
    (VacancyStatus.EXPIRED, 1),
]
REJECTION = "岗位职责和任职要求写得过于简单，请补充工作内容和工作时间"


def _postings(limit: int) -> list[dict[str, str]]:
    with open(SAMPLE, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return rows[:limit]


def _input(row: dict[str, str], place: str, rng: random.Random) -> services.VacancyInput:
    # The scraped text is shown as it was; only the two characters the forms refuse as markup are swapped.
    def clean(text: str, longest: int) -> str:
        return (text or "").replace("<", "〈").replace(">", "〉")[:longest]

    return services.VacancyInput(
        title=clean(row["title"], 100),
        pay_text=clean(row["pay_text"], 100),
        place_text=place,
        education_text=clean(row["education_text"], 50),
        experience_text=clean(row["experience_text"], 50),
        description=clean(row["description"], 5000),
        industry_text=clean(row["industry_text"], 100),
        headcount=rng.choice([None, 1, 2, 3, 5, 10]),
    )


def build_vacancies(*, county: Staff, seed: int, count: int = 300) -> dict[str, int]:
    """Put `count` postings on the demo employers and take each to a review state; returns how many
    vacancies ended in each state."""
    rng = random.Random(seed)
    employers = list(Employer.objects.order_by("pk"))
    verified = [e for e in employers if employer_rules.employer_can_publish(e)]
    townships = list(Region.objects.filter(parent_code=county.jurisdiction_id).order_by("code"))
    portal = next(
        (
            a
            for a in EmployerAccount.objects.select_related("employer").order_by("pk")
            if employer_rules.account_can_publish(a, a.employer)
        ),
        None,
    )
    states = [state for state, weight in STATES for _ in range(weight)]
    expired: list[int] = []
    for index, row in enumerate(_postings(count)):
        where = rng.random()
        if where < 0.8 and townships:
            place = f"绥宁县{rng.choice(townships).name}"
        elif where < 0.92:
            place = rng.choice(AROUND)
        else:
            place = row["place_text"][:200]
        state = states[index % len(states)]
        wants_publication = state not in (VacancyStatus.DRAFT, VacancyStatus.PENDING_REVIEW)
        employer = rng.choice(verified if wants_publication and verified else employers)
        data = _input(row, place, rng)
        if portal is not None and index % 15 == 0:
            vacancy = services.vacancy_create(actor=portal, data=data)
        else:
            vacancy = services.vacancy_create(actor=county, employer=employer, data=data)
        if state == VacancyStatus.DRAFT or rules.submit_refusal(vacancy.status, vacancy.screening_flags):
            continue  # a draft, or one the screening keeps from submission until the employer fixes it
        services.vacancy_submit(actor=county, vacancy=vacancy)
        if state == VacancyStatus.PENDING_REVIEW:
            continue
        if state == VacancyStatus.REJECTED:
            services.vacancy_review(actor=county, vacancy=vacancy, approve=False, reason=REJECTION)
            continue
        if services.publish_refusal(vacancy) is not None:
            continue  # stays in the queue: the reviewer sees why it cannot be approved yet
        services.vacancy_review(actor=county, vacancy=vacancy, approve=True)
        if state == VacancyStatus.WITHDRAWN:
            services.vacancy_withdraw(actor=county, vacancy=vacancy, reason="已招满")
        elif state == VacancyStatus.EXPIRED:
            expired.append(vacancy.pk)
    # Postings that ran out a few days ago: their validity is set back as if they had been posted earlier,
    # then the daily expiry takes them out.
    today = timezone.localdate()
    Vacancy.objects.filter(pk__in=expired).update(valid_until=today - dt.timedelta(days=rng.randrange(1, 10)))
    services.vacancies_expire(today=today)
    return {state: Vacancy.objects.filter(status=state).count() for state in VacancyStatus.values}
