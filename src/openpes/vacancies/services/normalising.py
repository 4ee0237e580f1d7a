"""Normalisation and screening of a vacancy on every save, the corrected occupation coder, and the going
rate the pay check compares with."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber, Substr

from openpes.core.jurisdiction import CODE_LENGTH, code_range, prefix_of
from openpes.employers.models import Employer
from openpes.regions.models import Region
from openpes.taxonomy.coder import OccupationCoder, build_coder, default_coder
from openpes.vacancies import rules
from openpes.vacancies.choices import VacancyStatus
from openpes.vacancies.models import ScreeningClearance, Vacancy, VacancyCorrection
from openpes.vacancies.normalise import Normalised, normalise_posting
from openpes.vacancies.screening import screen
from openpes.vacancies.screening.going_rate import going_rate

OCCUPATION = "occupation_code"
# How many published vacancies of the same occupation and county the going rate reads at most.
GOING_RATE_SAMPLE = 500
COUNTY_LENGTH = 6

_lock = threading.Lock()
_coder: tuple[tuple[int, int | None], OccupationCoder] | None = None


def current_coder() -> OccupationCoder:
    """The occupation coder taught by every occupation correction staff have made, oldest first. Built once
    and kept until the corrections change (one cheap aggregate query per call tells)."""
    global _coder
    corrections = VacancyCorrection.objects.filter(field=OCCUPATION)
    stats = corrections.aggregate(count=Count("id"), last=Max("id"))
    key = (int(stats["count"] or 0), stats["last"])
    if key[0] == 0:
        return default_coder()
    with _lock:
        if _coder is None or _coder[0] != key:
            pairs = corrections.order_by("id").values_list("title", "new_value")
            _coder = (key, build_coder(corrections=list(pairs)))
        return _coder[1]


def scoping_region(place_code: str, employer: Employer) -> str:
    """The region a vacancy is filed under: its work place when that is a county or deeper region of this
    installation's division table, else the employer's region (see models.py)."""
    if _county_or_deeper(place_code) and Region.objects.filter(code=place_code, retired=False).exists():
        return place_code
    return employer.region_code


def _county_or_deeper(place_code: str) -> bool:
    return len(place_code) == CODE_LENGTH and len(prefix_of(place_code)) >= COUNTY_LENGTH


def comparable_pays(vacancy: Vacancy) -> Iterable[tuple[int | None, int | None]]:
    """Monthly pay of the published vacancies of the same occupation in the same county."""
    if not vacancy.occupation_code:
        return []
    county = vacancy.region_code[:COUNTY_LENGTH]
    return (
        Vacancy.objects.filter(
            status=VacancyStatus.PUBLISHED,
            occupation_code=vacancy.occupation_code,
            region_code__range=code_range(county),
        )
        .exclude(pk=vacancy.pk)
        .order_by("-published_at")
        .values_list("pay_min", "pay_max")[:GOING_RATE_SAMPLE]
    )


OccupationCounty = tuple[str, str]  # occupation code, county


def _occupation_county(vacancy: Vacancy) -> OccupationCounty:
    return vacancy.occupation_code, vacancy.region_code[:COUNTY_LENGTH]


def _comparable_pays_of(
    vacancies: Iterable[Vacancy],
) -> dict[OccupationCounty, list[tuple[int | None, int | None]]]:
    """`comparable_pays` of unsaved vacancies in one query, by occupation and county: the most recent
    published vacancies of each pair (numbered within the pair by a window function)."""
    pairs = {_occupation_county(vacancy) for vacancy in vacancies if vacancy.occupation_code}
    if not pairs:
        return {}
    wanted = Q()
    for occupation, county in pairs:
        wanted |= Q(occupation_code=occupation, region_code__range=code_range(county))
    county_of = Substr("region_code", 1, COUNTY_LENGTH)
    rows = (
        Vacancy.objects.filter(wanted, status=VacancyStatus.PUBLISHED)
        .annotate(
            county=county_of,
            rank=Window(
                RowNumber(),
                partition_by=[F("occupation_code"), county_of],
                order_by=F("published_at").desc(),
            ),
        )
        .filter(rank__lte=GOING_RATE_SAMPLE)
        .values_list("occupation_code", "county", "pay_min", "pay_max")
    )
    pays: dict[OccupationCounty, list[tuple[int | None, int | None]]] = defaultdict(list)
    for occupation, county, low, high in rows:
        pays[occupation, county].append((low, high))
    return pays


def normalise(vacancy: Vacancy) -> None:
    """Fill the normalised fields of a vacancy from its raw fields (not saved here)."""
    result = _read(vacancy, current_coder())
    _fill(vacancy, result, scoping_region(result.region_code, vacancy.employer))


def normalise_and_screen_new(vacancies: Sequence[Vacancy]) -> None:
    """`normalise` and `rescreen` for vacancies not saved yet (the rows of a file being checked), reading what
    they have in common once for all of them rather than once for each: the coder, which work places are
    regions of the table, and the going rates."""
    if any(vacancy.pk is not None for vacancy in vacancies):
        raise ValueError("normalise_and_screen_new takes unsaved vacancies only (rescreen keeps clearances)")
    coder = current_coder()
    results = [_read(vacancy, coder) for vacancy in vacancies]
    places = {result.region_code for result in results if _county_or_deeper(result.region_code)}
    regions = set(
        Region.objects.filter(code__in=places, retired=False).values_list("code", flat=True) if places else ()
    )
    for vacancy, result in zip(vacancies, results, strict=True):
        place = result.region_code
        _fill(vacancy, result, place if place in regions else vacancy.employer.region_code)
    pays = _comparable_pays_of(vacancies)
    for vacancy in vacancies:
        _screen(vacancy, going_rate(pays.get(_occupation_county(vacancy), [])))


def _read(vacancy: Vacancy, coder: OccupationCoder) -> Normalised:
    employer = vacancy.employer
    return normalise_posting(
        {
            "title": vacancy.title,
            "pay_text": vacancy.pay_text,
            "place_text": vacancy.place_text,
            "education_text": vacancy.education_text,
            "experience_text": vacancy.experience_text,
            "company": employer.name,
            "industry_text": vacancy.industry_text,
            "description": vacancy.description,
        },
        within=employer.region_code[:COUNTY_LENGTH],
        coder=coder,
    )


def _fill(vacancy: Vacancy, result: Normalised, region_code: str) -> None:
    vacancy.occupation_code = result.occupation_code
    vacancy.occupation_name = result.occupation_name
    vacancy.occupation_candidates = list(result.occupation_candidates)
    vacancy.occupation_confidence = result.occupation_confidence
    vacancy.pay_min, vacancy.pay_max = result.pay_min, result.pay_max
    vacancy.pay_period, vacancy.pay_months = result.pay_period, result.pay_months
    vacancy.pay_negotiable = result.pay_negotiable
    vacancy.place_code, vacancy.place_name = result.region_code, result.region_name
    vacancy.region_code = region_code
    vacancy.education_min = result.education_min or ""
    vacancy.experience_min_years = result.experience_min_years
    vacancy.work_type = result.work_type
    vacancy.flags = list(result.flags)
    vacancy.reasons = result.reasons


def written_texts(vacancy: Vacancy) -> dict[str, str]:
    """The fields the screening reads, as the employer wrote them (what a flag's start and end point into)."""
    return {"title": vacancy.title, "description": vacancy.description, "contact": vacancy.contact_text}


def cleared_mark(clearance: ScreeningClearance) -> dict[str, object]:
    """What a cleared flag carries (under `cleared`), so that pages and rules need no query to tell."""
    by = clearance.cleared_by
    return {
        "id": clearance.pk,
        "by": (by.full_name or by.username) if by is not None else "",
        "at": clearance.cleared_at.isoformat(),
        "reason": clearance.reason,
    }


def rescreen(vacancy: Vacancy) -> list[int]:
    """Screen the vacancy's text, contact and pay (against the going rate when enough comparable
    vacancies are published); the flags are stored as `Flag.as_dict()`. A blocking flag a reviewer cleared
    stays cleared while its key (`rules.clearance_key`) is unchanged; returns the ids of the clearances in
    force that no flag matches any more, for the caller to mark lapsed when it saves."""
    _screen(vacancy, going_rate(comparable_pays(vacancy)))
    if vacancy.pk is None:
        return []
    in_force = {
        clearance.pk: clearance
        for clearance in ScreeningClearance.objects.filter(vacancy=vacancy, lapsed_at__isnull=True)
        .select_related("cleared_by")
        .order_by("id")
    }
    if not in_force:
        return []
    texts = written_texts(vacancy)
    by_key = {(c.code, c.field, c.text, c.clause, c.title): c for c in in_force.values()}
    used: set[int] = set()
    for flag in vacancy.screening_flags:
        if flag["severity"] != rules.BLOCK:
            continue
        clearance = by_key.get(rules.clearance_key(flag, texts))
        if clearance is not None:
            flag["cleared"] = cleared_mark(clearance)
            used.add(clearance.pk)
    return sorted(set(in_force) - used)


def _screen(vacancy: Vacancy, rate: tuple[int, int] | None) -> None:
    flags = screen(
        vacancy.title,
        vacancy.description,
        pay_min=vacancy.pay_min,
        pay_max=vacancy.pay_max,
        going_rate=rate,
        contact_text=vacancy.contact_text,
    )
    vacancy.screening_flags = [flag.as_dict() for flag in flags]
