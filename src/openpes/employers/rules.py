"""Pure rules about employers: no Django import, no query; they read the row they are given."""

from __future__ import annotations

from typing import Protocol

# The verification states (stored codes of employers.choices.Verification, which takes them from here).
PENDING, VERIFIED, REJECTED = "pending", "verified", "rejected"


class EmployerFacts(Protocol):
    verification: str


def employer_can_publish(employer: EmployerFacts) -> bool:
    """Whether vacancies of this employer may be published: only once staff have verified it (审核)."""
    return employer.verification == VERIFIED


def publish_refusal(employer: EmployerFacts) -> str | None:
    """Why the employer's vacancies cannot be published yet, for the employer and the clerk; None if they can."""
    if employer_can_publish(employer):
        return None
    if employer.verification == REJECTED:
        return (
            "单位信息审核未通过，请按审核意见补正后联系当地公共就业服务机构重新审核；审核通过前岗位不能发布"
        )
    return "单位信息正在等待公共就业服务机构审核，审核通过后岗位才能发布"


class AccountFacts(Protocol):
    is_active: bool
    claimed_existing: bool

    @property
    def is_confirmed(self) -> bool: ...


def account_sees_employer(account: AccountFacts) -> bool:
    """Whether a portal account may see and act for its employer: an account that registered the employer
    itself may (its vacancies still wait for the 审核), one that claimed a record staff had made only once
    staff have confirmed it."""
    return account.is_active and (account.is_confirmed or not account.claimed_existing)


def account_can_publish(account: AccountFacts, employer: EmployerFacts) -> bool:
    """Whether vacancies posted through this account may be published: a confirmed, active account of a
    verified employer."""
    return account.is_active and account.is_confirmed and employer_can_publish(employer)
