"""The pure rules of the vacancy life cycle: what a change does to each state, what may be submitted, and
the Chinese refusal that names the blocking phrases."""

from __future__ import annotations

import pytest

from openpes.vacancies import rules

BLOCK = {"severity": "block", "code": "gender.restricted", "text": "限男性"}
REVIEW = {"severity": "review", "code": "age.limit", "text": "35岁以下"}


@pytest.mark.parametrize(
    ("status", "blocked", "after"),
    [
        (rules.DRAFT, False, rules.DRAFT),
        (rules.DRAFT, True, rules.DRAFT),
        (rules.PENDING_REVIEW, False, rules.PENDING_REVIEW),
        (rules.PENDING_REVIEW, True, rules.DRAFT),
        (rules.PUBLISHED, False, rules.PENDING_REVIEW),
        (rules.PUBLISHED, True, rules.DRAFT),
        (rules.REJECTED, False, rules.PENDING_REVIEW),
    ],
)
def test_a_change_sends_what_the_public_saw_back_to_review(status: str, blocked: bool, after: str) -> None:
    assert rules.status_after_change(status, blocked) == after


def test_withdrawn_and_expired_cannot_change_or_be_submitted() -> None:
    for status in (rules.WITHDRAWN, rules.EXPIRED):
        assert rules.change_refusal(status)
        assert rules.submit_refusal(status, [])
    assert rules.change_refusal(rules.PUBLISHED) is None


def test_only_blocking_flags_refuse_and_the_refusal_quotes_them() -> None:
    assert rules.submit_refusal(rules.DRAFT, [REVIEW]) is None
    refusal = rules.submit_refusal(rules.DRAFT, [REVIEW, BLOCK])
    assert refusal is not None and "“限男性”" in refusal and "35岁以下" not in refusal
    assert rules.blocking_flags([REVIEW, BLOCK]) == [BLOCK]
    assert rules.submit_refusal(rules.PUBLISHED, []) == "只有草稿或未通过审核的岗位可以提交审核"
