"""Staff decide on a probable duplicate: merge the two vacancies (the duplicate's sources move to the one
kept, the duplicate is withdrawn with the reason and a link to it, and leaves the search at once) or
dismiss the suggestion (kept, with who and when, and not suggested again). `dedup_scan` finds duplicates in
the pool as it stands (`openpes dedup-vacancies`). Every write is audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openpes.accounts.models import Staff
from openpes.audit import services as audit
from openpes.core.errors import DomainError, NotFound
from openpes.core.text import clean_text
from openpes.employers.models import Employer
from openpes.vacancies import rules, search
from openpes.vacancies.choices import VacancyStatus
from openpes.vacancies.models import DuplicateCandidate, DuplicateStatus, Vacancy, VacancySource
from openpes.vacancies.services import duplicates
from openpes.vacancies.services.vacancies import REVIEW, may_change, sees


def may_decide(actor: Staff, vacancy: Vacancy) -> bool:
    """Who merges or dismisses: whoever may change the employer's vacancies, and the reviewers, who meet
    the suggestions in the review queue."""
    return may_change(actor, vacancy.employer) or actor.has_perm(REVIEW)


def _check(actor: Staff, *vacancies: Vacancy) -> None:
    for vacancy in vacancies:
        if not sees(actor, vacancy):
            raise NotFound
    if not all(may_decide(actor, vacancy) for vacancy in vacancies):
        raise PermissionDenied


def _log(actor: Staff | None, vacancy: Vacancy, changes: dict[str, Any], summary: str) -> None:
    audit.record_change(
        actor=actor,
        action="update",
        target=vacancy,
        region_code=vacancy.region_code,
        changes=changes,
        summary=f"{summary} {vacancy.title}（{vacancy.employer.name}）",
    )


def merge_refusal(keep: Vacancy, duplicate: Vacancy) -> str | None:
    """Why the two cannot be merged, in Chinese; None if they can."""
    if keep.pk == duplicate.pk:
        return "不能把岗位合并到它自己"
    if keep.employer_id != duplicate.employer_id:
        return "只能合并同一单位的岗位；不同单位的岗位即使内容相同也不是同一岗位"
    if duplicate.merged_into_id is not None:
        return f"岗位#{duplicate.pk}已合并到岗位#{duplicate.merged_into_id}"
    if keep.merged_into_id is not None:
        return f"要保留的岗位#{keep.pk}已合并到岗位#{keep.merged_into_id}，请保留该岗位"
    if duplicate.status not in rules.WITHDRAWABLE:
        return f"岗位#{duplicate.pk}已撤回或已过期，不需要合并"
    if keep.status not in rules.WITHDRAWABLE:
        return f"要保留的岗位#{keep.pk}已撤回或已过期，请保留仍在招聘的岗位"
    return None


def _merge(actor: Staff | None, keep: Vacancy, duplicate: Vacancy, reason: str) -> Vacancy:
    refusal = merge_refusal(keep, duplicate)
    if refusal:
        raise DomainError("duplicate", refusal)
    now = timezone.now()
    before = duplicate.status
    duplicate.status = VacancyStatus.WITHDRAWN
    duplicate.status_reason = (f"与岗位#{keep.pk}重复，已合并" + (f"：{reason}" if reason else ""))[:200]
    duplicate.status_changed_at, duplicate.status_changed_by = now, actor
    duplicate.merged_into = keep
    with transaction.atomic():
        moved = VacancySource.objects.filter(vacancy=duplicate).update(vacancy=keep, merged_from=duplicate)
        pair = DuplicateCandidate.objects.filter(
            Q(vacancy=duplicate, other=keep) | Q(vacancy=keep, other=duplicate)
        )
        pair.update(status=DuplicateStatus.MERGED, decided_at=now, decided_by=actor, note=reason)
        # The duplicate's other suggestions are moot: it has left the pool.
        DuplicateCandidate.objects.filter(
            Q(vacancy=duplicate) | Q(other=duplicate), status=DuplicateStatus.OPEN
        ).delete()
        duplicate.save()
        search.sync_vacancy(duplicate)
        _log(
            actor,
            duplicate,
            {"status": [before, duplicate.status], "merged_into": keep.pk, "reason": reason},
            f"合并重复岗位到#{keep.pk}",
        )
        _log(
            actor,
            keep,
            {"merged_from": duplicate.pk, "sources_moved": moved},
            f"合并重复岗位#{duplicate.pk}到",
        )
    return keep


def vacancy_merge(*, actor: Staff, keep: Vacancy, duplicate: Vacancy, reason: str = "") -> Vacancy:
    """Merge `duplicate` into `keep` (same employer; both seen by the actor): its sources move to `keep`,
    it is withdrawn with the reason and `merged_into` pointing at `keep`, and it leaves the search."""
    _check(actor, keep, duplicate)
    reason = clean_text(reason, field="reason", label="合并说明", max_length=150)
    return _merge(actor, keep, duplicate, reason)


def duplicate_dismiss(*, actor: Staff, candidate: DuplicateCandidate, note: str = "") -> DuplicateCandidate:
    """Not a duplicate: the suggestion is kept as dismissed, with who and when, and not made again."""
    _check(actor, candidate.vacancy, candidate.other)
    if candidate.status != DuplicateStatus.OPEN:
        raise DomainError("status", "该提示已处理")
    note = clean_text(note, field="note", label="说明", max_length=200)
    candidate.status, candidate.note = DuplicateStatus.DISMISSED, note
    candidate.decided_at, candidate.decided_by = timezone.now(), actor
    with transaction.atomic():
        candidate.save()
        _log(
            actor,
            candidate.vacancy,
            {"duplicate_of": candidate.other_id, "dismissed": True, "note": note},
            f"确认与岗位#{candidate.other_id}不重复",
        )
    return candidate


# --- the pool as it stands ---------------------------------------------------------------------------------


@dataclass
class ScanResult:
    employers: int = 0
    vacancies: int = 0
    suggested: int = 0  # pairs newly marked as probable duplicates
    certain: int = 0  # pairs word for word the same
    merged: int = 0
    reposts: int = 0  # re-posts newly linked
    examples: list[str] = field(default_factory=list)


def dedup_scan(
    *,
    merge_certain: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ScanResult:
    """Compare every open vacancy with the same employer's other vacancies, as the intake does: mark
    the probable duplicates, link the re-posts not linked yet, and with `merge_certain` merge a vacancy
    that repeats an older open one word for word from another channel into it (the older one is kept).
    `dry_run` counts without writing. The system acts (no staff member); each write is audited."""
    result = ScanResult()
    employer_ids = list(
        Vacancy.objects.filter(status__in=duplicates.OPEN, merged_into__isnull=True)
        .order_by("employer_id")
        .values_list("employer_id", flat=True)
        .distinct()
    )
    for done, employer_id in enumerate(employer_ids, 1):
        employer = Employer.objects.get(pk=employer_id)
        result.employers += 1
        gone: set[int] = set()
        vacancies = list(
            Vacancy.objects.filter(
                employer=employer, status__in=duplicates.OPEN, merged_into__isnull=True
            ).order_by("pk")
        )
        for vacancy in vacancies:
            if vacancy.pk in gone:
                continue
            vacancy.employer = employer
            result.vacancies += 1
            matches = duplicates.find_matches(vacancy)
            # Only suggestions about older vacancies: each pair is met once, from its later side.
            older = [(o, d) for o, d in matches.duplicates if o.pk < vacancy.pk and o.pk not in gone]
            certain = [
                (o, d) for o, d in older if d.certain and vacancy.channel not in duplicates.source_channels(o)
            ]
            result.certain += len([1 for _, d in older if d.certain])
            if merge_certain and certain:
                keep = Vacancy.objects.select_related("employer").get(pk=certain[0][0].pk)
                if len(result.examples) < 10:
                    result.examples.append(f"#{vacancy.pk} → #{keep.pk}：{certain[0][1].text}")
                result.merged += 1
                gone.add(vacancy.pk)
                if not dry_run:
                    _merge(None, keep, vacancy, "系统查重：文字相同")
                continue
            known = duplicates.decided_pairs(vacancy) | set(
                DuplicateCandidate.objects.filter(vacancy=vacancy, status=DuplicateStatus.OPEN).values_list(
                    "other_id", flat=True
                )
            )
            new = [(o, d) for o, d in older if o.pk not in known]
            result.suggested += len(new)
            for other, decision in new[:3]:
                if len(result.examples) < 10:
                    result.examples.append(f"#{vacancy.pk} ~ #{other.pk}：{decision.text}")
            link = matches.reposts[0][0] if matches.reposts and vacancy.reposts_id is None else None
            result.reposts += link is not None
            if dry_run:
                continue
            with transaction.atomic():
                if new:
                    duplicates.suggest(vacancy, older)
                if link is not None:
                    vacancy.reposts = link
                    vacancy.save(update_fields=["reposts", "updated_at"])
                    _log(None, vacancy, {"reposts": link.pk}, f"系统查重：关联为岗位#{link.pk}的重新发布")
        if progress is not None:
            progress(done, len(employer_ids))
    return result
