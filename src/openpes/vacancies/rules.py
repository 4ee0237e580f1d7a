"""Pure rules of the vacancy life cycle: no Django import, no query; they read the values they are given.

    draft ──submit──▶ pending_review ──approve──▶ published ──withdraw──▶ withdrawn
      ▲                  │      ▲                    │  └──past valid_until──▶ expired
      │               reject    └──── any change ────┘
      └── a change ── rejected

A change to a pending, published or rejected vacancy sends it (back) to review; a withdrawn or expired
vacancy cannot be changed (it is posted again as a new vacancy that links to it)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from openpes.vacancies.screening.normalise import CLAUSE_BREAKS

DRAFT, PENDING_REVIEW, PUBLISHED = "draft", "pending_review", "published"
REJECTED, WITHDRAWN, EXPIRED = "rejected", "withdrawn", "expired"

EDITABLE = frozenset({DRAFT, PENDING_REVIEW, PUBLISHED, REJECTED})
SUBMITTABLE = frozenset({DRAFT, REJECTED})
WITHDRAWABLE = frozenset({DRAFT, PENDING_REVIEW, PUBLISHED, REJECTED})
# The states a change moves a vacancy to: a draft stays a draft; anything that was (or was about to be)
# seen by the public goes back to the review queue.
STATUS_AFTER_CHANGE = {
    DRAFT: DRAFT,
    PENDING_REVIEW: PENDING_REVIEW,
    PUBLISHED: PENDING_REVIEW,
    REJECTED: PENDING_REVIEW,
}

BLOCK = "block"
# A reviewer clears a blocking flag (核实排除) of a vacancy that is not yet, or no longer, public.
CLEARABLE = frozenset({DRAFT, PENDING_REVIEW, REJECTED})
CLEARANCE_REASON_MIN = 10
# How much of the clause around a hit a clearance keeps (either side): enough to tell "限男性" in
# "消防员限男性" from the same words elsewhere, bounded for a description without punctuation.
CLAUSE_REACH = 60


def blocking_flags(screening_flags: Iterable[Mapping[str, object]]) -> list[Mapping[str, object]]:
    """The screening flags (stored as `Flag.as_dict()`) that keep a vacancy from being submitted or
    published: the blocking ones a reviewer has not cleared (the service marks a cleared one with
    `cleared`, see `clearance_key`)."""
    return [flag for flag in screening_flags if flag.get("severity") == BLOCK and not flag.get("cleared")]


def _is_break(char: str) -> bool:
    return char in CLAUSE_BREAKS or unicodedata.normalize("NFKC", char) in CLAUSE_BREAKS


def flag_clause(flag: Mapping[str, object], texts: Mapping[str, str]) -> str:
    """The clause of the written text a flag's hit stands in (between sentence punctuation, at most
    `CLAUSE_REACH` characters either side of the hit); the flag's text when it points at no text."""
    start, end, written = flag.get("start"), flag.get("end"), texts.get(str(flag.get("field")), "")
    if not isinstance(start, int) or not isinstance(end, int) or not written:
        return str(flag.get("text") or "")
    left = start
    while left > 0 and start - left < CLAUSE_REACH and not _is_break(written[left - 1]):
        left -= 1
    right = end
    while right < len(written) and right - end < CLAUSE_REACH and not _is_break(written[right]):
        right += 1
    return written[left:right]


def clearance_key(flag: Mapping[str, object], texts: Mapping[str, str]) -> tuple[str, str, str, str, str]:
    """What a clearance of a flag is bound to: the rule, the field, the matched text as written, the clause
    around it and the title. A clearance holds while a later screening finds a flag with the same key; an
    edit that changes the matched words, their clause or the job's title (the job the reviewer judged)
    raises the flag again. `texts` are the vacancy's written title, description and contact."""
    return (
        str(flag.get("code") or ""),
        str(flag.get("field") or ""),
        str(flag.get("text") or ""),
        flag_clause(flag, texts),
        texts.get("title", ""),
    )


def flag_ref(flag: Mapping[str, object]) -> str:
    """A flag's reference in the current screening, as a form posts it back ("gender.restricted@description:0-3"):
    a screening after an edit that moved or changed the hit gives another reference, and the clearance is
    refused rather than made for a flag the reviewer did not see."""
    return f"{flag.get('code')}@{flag.get('field')}:{flag.get('start')}-{flag.get('end')}"


def clearance_refusal(status: str, flag: Mapping[str, object] | None) -> str | None:
    """Why this flag of a vacancy in this status cannot be cleared, in Chinese; None if it can."""
    if status not in CLEARABLE:
        return "只有草稿、待审核或未通过审核的岗位可以核实排除筛查提示"
    if flag is None:
        return "该筛查提示已不存在（岗位可能刚被修改），请刷新页面后重新核实"
    if flag.get("severity") != BLOCK:
        return "只有“须修改”的提示需要核实排除；“需核实”的提示请在审核时判断"
    if flag.get("cleared"):
        return "该提示已核实排除"
    return None


def clearance_reason_refusal(reason: str) -> str | None:
    if len(reason.strip()) < CLEARANCE_REASON_MIN:
        return (
            f"请写明核实排除的理由（至少{CLEARANCE_REASON_MIN}个字），"
            "例如岗位的实际情况和所依据的法规条文；理由会留档，单位也会看到"
        )
    return None


def blocking_refusal(screening_flags: Iterable[Mapping[str, object]]) -> str | None:
    """Why a vacancy cannot go forward while a blocking screening flag stands, in Chinese; None if it can."""
    blocking = blocking_flags(screening_flags)
    if not blocking:
        return None
    quoted = "、".join(f"“{flag.get('text') or flag.get('code')}”" for flag in blocking[:5])
    return f"岗位信息含有违反法律法规的内容（{quoted}），请修改后再提交；具体原因见筛查提示"


def submit_refusal(status: str, screening_flags: Iterable[Mapping[str, object]]) -> str | None:
    if status not in SUBMITTABLE:
        return "只有草稿或未通过审核的岗位可以提交审核"
    return blocking_refusal(screening_flags)


def change_refusal(status: str) -> str | None:
    if status not in EDITABLE:
        return "已撤回或已过期的岗位不能修改，请重新发布一个岗位"
    return None


def status_after_change(status: str, blocked: bool) -> str:
    """Where a change leaves a vacancy: see the module docstring; a blocking flag sends it to the drafts."""
    after = STATUS_AFTER_CHANGE.get(status, status)
    return DRAFT if blocked and after == PENDING_REVIEW else after
