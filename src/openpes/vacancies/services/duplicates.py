"""Finding a vacancy's duplicates and the vacancy it re-posts, at intake and after a change: the pure
comparison (openpes.vacancies.dedup) run against the same employer's vacancies only, so that the cost grows
with one employer's pool and no employer's posting is ever compared with (or shown beside) another's.

Blocking: the employer's open vacancies (draft, pending review, published) and those closed (expired,
withdrawn, not merged) in the last `REPOST_WINDOW_DAYS` are read as (id, title, occupation) only; the full
text is read for those of the same job (same title key or occupation), the `MAX_COMPARED` latest of them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from openpes.vacancies import dedup
from openpes.vacancies.choices import VacancyStatus
from openpes.vacancies.models import DuplicateCandidate, DuplicateStatus, Vacancy, VacancySource

OPEN = (VacancyStatus.DRAFT, VacancyStatus.PENDING_REVIEW, VacancyStatus.PUBLISHED)
CLOSED = (VacancyStatus.EXPIRED, VacancyStatus.WITHDRAWN)
# A vacancy posted again after more than a year is a new recruitment, not a re-post worth linking; the
# window also keeps the closed vacancies read at intake bounded.
REPOST_WINDOW_DAYS = 365
# The same job posted more than this many times by one employer is compared with its latest postings
# only: a duplicate arrives soon after the posting it repeats.
MAX_COMPARED = 200
# Suggestions kept per vacancy: staff act on the best few, and a long list is a sign of a template.
MAX_CANDIDATES = 5
COMPARED_FIELDS = (
    "pk",
    "employer_id",
    "channel",
    "status",
    "title",
    "description",
    "occupation_code",
    "place_code",
    "pay_min",
    "pay_max",
    "pay_negotiable",
    "work_type",
)
RAW_SOURCE_FIELDS = (
    "title",
    "pay_text",
    "place_text",
    "education_text",
    "experience_text",
    "description",
    "industry_text",
    "contact_text",
    "headcount",
    "valid_until",
)


def posting_of(vacancy: Vacancy) -> dedup.Posting:
    return dedup.Posting(
        employer=vacancy.employer_id,
        title=vacancy.title,
        description=vacancy.description,
        occupation_code=vacancy.occupation_code,
        place_code=vacancy.place_code,
        pay_min=vacancy.pay_min,
        pay_max=vacancy.pay_max,
        pay_negotiable=vacancy.pay_negotiable,
        work_type=vacancy.work_type,
    )


@dataclass
class Matches:
    """A vacancy's duplicates among the employer's open vacancies and its re-post candidates among the
    closed ones, each with the decision, best first."""

    duplicates: list[tuple[Vacancy, dedup.Decision]] = field(default_factory=list)
    reposts: list[tuple[Vacancy, dedup.Decision]] = field(default_factory=list)


def same_job(vacancy: Vacancy, *, today: dt.date | None = None) -> list[Vacancy]:
    """The employer's vacancies of the same job as `vacancy` worth comparing with it (module docstring)."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=REPOST_WINDOW_DAYS)
    rows = (
        Vacancy.objects.filter(employer_id=vacancy.employer_id, merged_into__isnull=True)
        .filter(Q(status__in=OPEN) | Q(status__in=CLOSED, valid_until__gte=since))
        .exclude(pk=vacancy.pk)
        .values_list("pk", "title", "occupation_code")
    )
    key, occupation = dedup.title_key(vacancy.title), vacancy.occupation_code
    wanted = [
        pk for pk, title, code in rows if (occupation and code == occupation) or dedup.title_key(title) == key
    ]
    wanted = sorted(wanted, reverse=True)[:MAX_COMPARED]
    if not wanted:
        return []
    return list(Vacancy.objects.filter(pk__in=wanted).only(*COMPARED_FIELDS).order_by("-pk"))


def find_matches(vacancy: Vacancy) -> Matches:
    others = same_job(vacancy)
    olds = [(posting_of(other), other.status in CLOSED) for other in others]
    matches = Matches()
    for index, decision in dedup.best_match(posting_of(vacancy), olds):
        other = others[index]
        if decision.verdict == dedup.Verdict.REPOST:
            matches.reposts.append((other, decision))
        else:
            matches.duplicates.append((other, decision))
    return matches


def add_source(
    vacancy: Vacancy,
    *,
    raw: Vacancy,
    channel: str,
    external_ref: str = "",
    merged_from: Vacancy | None = None,
    note: str = "",
) -> VacancySource:
    """Keep `raw`'s fields as received through `channel` as a source of `vacancy`."""
    return VacancySource.objects.create(
        vacancy=vacancy,
        channel=channel,
        external_ref=external_ref,
        received_at=timezone.now(),
        created_by=raw.created_by,
        posted_by_account=raw.posted_by_account,
        merged_from=merged_from,
        # Where in the channel it came from (a file's name and line), after what the intake says of it.
        note="；".join(part for part in (note, raw.source) if part)[:200],
        **{name: getattr(raw, name) for name in RAW_SOURCE_FIELDS},
    )


def source_channels(vacancy: Vacancy) -> set[str]:
    return set(vacancy.sources.values_list("channel", flat=True)) | {vacancy.channel}


def decided_pairs(vacancy: Vacancy) -> set[int]:
    """The vacancies a suggestion about `vacancy` was already decided for (dismissed or merged): not
    suggested again."""
    pairs = DuplicateCandidate.objects.filter(Q(vacancy=vacancy) | Q(other=vacancy)).exclude(
        status=DuplicateStatus.OPEN
    )
    return {b if a == vacancy.pk else a for a, b in pairs.values_list("vacancy_id", "other_id")}


def suggest(vacancy: Vacancy, duplicates: list[tuple[Vacancy, dedup.Decision]]) -> list[DuplicateCandidate]:
    """Replace the open suggestions about `vacancy` with `duplicates` (the best `MAX_CANDIDATES`, not
    already decided)."""
    DuplicateCandidate.objects.filter(
        Q(vacancy=vacancy) | Q(other=vacancy), status=DuplicateStatus.OPEN
    ).delete()
    decided = decided_pairs(vacancy)
    kept = [(other, decision) for other, decision in duplicates if other.pk not in decided][:MAX_CANDIDATES]
    return DuplicateCandidate.objects.bulk_create(
        DuplicateCandidate(
            vacancy=vacancy,
            other=other,
            score=decision.score,
            certain=decision.certain,
            reasons=decision.text[:300],
        )
        for other, decision in kept
    )
