"""Pure rules of the vacancy life cycle: no Django import, no query; they read the values they are given.

    draft ──submit──▶ pending_review ──approve──▶ published ──withdraw──▶ withdrawn
      ▲                  │      ▲                    │  └──past valid_until──▶ expired
      │               reject    └──── any change ────┘
      └── a change ── rejected

A change to a pending, published or rejected vacancy sends it (back) to review; a withdrawn or expired
vacancy cannot be changed (it is posted again as a new vacancy that links to it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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


def blocking_flags(screening_flags: Iterable[Mapping[str, object]]) -> list[Mapping[str, object]]:
    """The screening flags (stored as `Flag.as_dict()`) that keep a vacancy from being submitted or published."""
    return [flag for flag in screening_flags if flag.get("severity") == BLOCK]


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
