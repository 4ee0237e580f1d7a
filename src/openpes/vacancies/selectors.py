"""Every staff read of vacancies starts from `Vacancy.objects.within(actor)` (the vacancy's region or its
employer's, models.py); the portal's reads start from the signed-in account's employer; public reads
(`public_vacancies`) show only published vacancies still within their validity."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from openpes.accounts.models import PartnerKey, Staff
from openpes.core.jurisdiction import code_range, covers, prefix_of
from openpes.employers.models import Employer
from openpes.vacancies import search
from openpes.vacancies.choices import VacancyStatus
from openpes.vacancies.models import (
    DuplicateCandidate,
    DuplicateStatus,
    ScreeningClearance,
    Vacancy,
    VacancyCorrection,
    VacancyFileImport,
    VacancyQuerySet,
    VacancySource,
)
from openpes.vacancies.screening import default_rules


@dataclass(frozen=True)
class VacancyFilters:
    q: str = ""  # part of the title or of the employer's name
    status: str = ""
    region: str = ""  # a region code inside the jurisdiction: its subtree
    employer: int | None = None
    channel: str = ""
    occupation: str = ""  # an occupation code or the beginning of one ("4-03")
    flagged: bool | None = None  # with screening flags (True) or without (False)


def _queue_first(vacancies: VacancyQuerySet) -> VacancyQuerySet:
    """The review queue first (oldest submission first), then everything else, latest change first."""
    return vacancies.annotate(
        queue=Case(
            When(status=VacancyStatus.PENDING_REVIEW, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("queue", "submitted_at", "-updated_at", "-id")


def vacancy_list(*, actor: Staff, filters: VacancyFilters = VacancyFilters()) -> VacancyQuerySet:
    vacancies = Vacancy.objects.within(actor)
    if filters.region:
        if not covers(actor.jurisdiction_prefix, filters.region):
            return vacancies.none()
        vacancies = vacancies.filter(region_code__range=code_range(prefix_of(filters.region)))
    if filters.status:
        vacancies = vacancies.filter(status=filters.status)
    if filters.employer is not None:
        vacancies = vacancies.filter(employer_id=filters.employer)
    if filters.channel:
        vacancies = vacancies.filter(channel=filters.channel)
    if filters.occupation:
        vacancies = vacancies.filter(occupation_code__startswith=filters.occupation)
    if filters.flagged is not None:
        vacancies = (
            vacancies.exclude(screening_flags=[]) if filters.flagged else vacancies.filter(screening_flags=[])
        )
    q = filters.q.strip()
    if q:
        vacancies = vacancies.filter(title__contains=q) | vacancies.filter(employer__name__contains=q)
    return _queue_first(vacancies.select_related("employer").annotate(suspected_duplicate=_open_duplicate()))


def _open_duplicate() -> Exists:
    """Whether a vacancy has a probable duplicate nobody has decided on yet (shown in the lists)."""
    return Exists(
        DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN).filter(
            Q(vacancy=OuterRef("pk")) | Q(other=OuterRef("pk"))
        )
    )


def review_queue(*, actor: Staff) -> VacancyQuerySet:
    """Vacancies waiting for review, oldest submission first."""
    return vacancy_list(actor=actor, filters=VacancyFilters(status=VacancyStatus.PENDING_REVIEW))


def queue_count(*, actor: Staff) -> int:
    return Vacancy.objects.within(actor).filter(status=VacancyStatus.PENDING_REVIEW).count()


def vacancy_get(*, actor: Staff, pk: int) -> Vacancy | None:
    return (
        Vacancy.objects.within(actor)
        .select_related(
            "employer",
            "reviewed_by",
            "created_by",
            "posted_by_account",
            "reposts",
            "merged_into",
            "partner",
        )
        .filter(pk=pk)
        .first()
    )


def sources_of(vacancy: Vacancy) -> QuerySet[VacancySource]:
    """Every posting the vacancy was made from or merged with, as received, first first."""
    return vacancy.sources.select_related("created_by", "posted_by_account").order_by("received_at", "id")


@dataclass(frozen=True)
class DuplicateRow:
    candidate: DuplicateCandidate
    other: Vacancy  # the other vacancy of the pair, seen from the vacancy shown


def duplicates_of(*, actor: Staff, vacancy: Vacancy) -> list[DuplicateRow]:
    """The suggestions about `vacancy` (either side of the pair), undecided first, whose other vacancy the
    actor may see too (a vacancy is seen by its work place or its employer's: two of one employer can fall
    in different jurisdictions)."""
    visible = Vacancy.objects.within(actor).values("pk")
    candidates = (
        DuplicateCandidate.objects.filter(
            Q(vacancy=vacancy, other__in=visible) | Q(other=vacancy, vacancy__in=visible)
        )
        .select_related("vacancy", "other", "decided_by")
        .annotate(
            undecided=Case(
                When(status=DuplicateStatus.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("undecided", "-score", "id")
    )
    return [
        DuplicateRow(candidate, candidate.other if candidate.vacancy_id == vacancy.pk else candidate.vacancy)
        for candidate in candidates[:20]
    ]


def reposted_as(*, actor: Staff, vacancy: Vacancy) -> VacancyQuerySet:
    """The later vacancies that post this one again."""
    return Vacancy.objects.within(actor).filter(reposts=vacancy).order_by("id")


def corrections_of(vacancy: Vacancy) -> QuerySet[VacancyCorrection]:
    return vacancy.corrections.select_related("corrected_by").order_by("-id")


def clearances_of(vacancy: Vacancy) -> QuerySet[ScreeningClearance]:
    return vacancy.clearances.select_related("cleared_by").order_by("-id")


@dataclass
class RuleClearances:
    """The clearances made of one screening rule's flags: how often a reviewer found the rule wrong."""

    code: str
    kind: str
    explanation: str
    total: int
    in_force: int
    latest: list[ScreeningClearance] = field(default_factory=list)


LATEST_PER_RULE = 10


def clearances_by_rule(*, actor: Staff) -> list[RuleClearances]:
    """Per rule, the clearances of the jurisdiction's vacancies (most cleared rule first) with the latest
    few: the matched text, its clause and the reviewer's reason say what the rule should have let pass."""
    clearances = ScreeningClearance.objects.filter(vacancy__in=Vacancy.objects.within(actor).values("pk"))
    counts = (
        clearances.values("code")
        .annotate(total=Count("id"), in_force=Count("id", filter=Q(lapsed_at__isnull=True)))
        .order_by("-total", "code")
    )
    explained = {rule.code: (rule.kind, rule.explanation) for rule in default_rules().rules}
    rows = {
        row["code"]: RuleClearances(
            code=row["code"],
            kind="就业歧视" if explained.get(row["code"], ("",))[0] == "discrimination" else "虚假招聘风险",
            explanation=explained.get(row["code"], ("", "（该规则已不在规则文件中）"))[1],
            total=row["total"],
            in_force=row["in_force"],
        )
        for row in counts
    }
    if rows:
        latest = clearances.select_related("vacancy", "cleared_by").order_by("-id")[: LATEST_PER_RULE * 30]
        for clearance in latest:
            shown = rows[clearance.code].latest
            if len(shown) < LATEST_PER_RULE:
                shown.append(clearance)
    return list(rows.values())


def employers_for_posting(*, actor: Staff) -> QuerySet[Employer]:
    """The employers a staff member may enter vacancies for: those of the jurisdiction."""
    return Employer.objects.within(actor).order_by("name", "id")


# --- the portal -------------------------------------------------------------------------------------------


def portal_vacancy_list(*, employer: Employer) -> QuerySet[Vacancy]:
    return Vacancy.objects.filter(employer=employer).select_related("employer").order_by("-updated_at", "-id")


def portal_vacancy_get(*, employer: Employer, pk: int) -> Vacancy | None:
    return (
        Vacancy.objects.filter(employer=employer, pk=pk)
        .select_related("employer", "posted_by_account")
        .first()
    )


# --- the public -------------------------------------------------------------------------------------------


def public_vacancies() -> QuerySet[Vacancy]:
    """What the public may see: published and still valid today, whether or not the daily expiry job has
    run yet (withdrawn and expired vacancies leave at once)."""
    return Vacancy.objects.filter(
        status=VacancyStatus.PUBLISHED, valid_until__gte=timezone.localdate()
    ).select_related("employer")


def public_vacancy_get(pk: int) -> Vacancy | None:
    return public_vacancies().filter(pk=pk).first()


def search_vacancies(query: search.SearchQuery) -> tuple[list[Vacancy], search.SearchPage]:
    """The job search (public and staff alike: only published vacancies still valid): the vacancies of
    the asked page in the engine's order, and the page with the total."""
    page = search.search(query)
    found = public_vacancies().in_bulk(page.ids)
    return [found[pk] for pk in page.ids if pk in found], page


def vacancy_file_imports(*, actor: Staff) -> QuerySet[VacancyFileImport]:
    return VacancyFileImport.objects.within(actor).select_related("created_by")


def vacancy_file_import_get(*, actor: Staff, pk: int) -> VacancyFileImport | None:
    return VacancyFileImport.objects.within(actor).filter(pk=pk).first()


# --- a partner system's own vacancies (the partner API) ---------------------------------------------------


def partner_vacancies(*, key: PartnerKey, status: str = "") -> QuerySet[Vacancy]:
    """The vacancies the key's partner posted, latest change first: never another partner's, nor one
    entered on any other channel."""
    vacancies = Vacancy.objects.filter(partner_id=key.partner_id).select_related("employer")
    if status:
        vacancies = vacancies.filter(status=status)
    return vacancies.order_by("-updated_at", "-id")


def partner_vacancy_get(*, key: PartnerKey, external_id: str) -> Vacancy | None:
    """The partner's vacancy by its own id; None (a 404) for an id it never posted, another partner's
    included."""
    return partner_vacancies(key=key).filter(external_id=external_id).first()
