"""Vacancies from partner systems (channel `partner`): the same create, change and withdraw as every channel
(normalised, screened, audited, reviewed before publishing), reached by the partner's own id for each
vacancy (`external_id`) and limited to the employers of the partner's region.

Posting an `external_id` the partner has used before changes that vacancy instead of adding a second one,
so a partner that retries a post it never got an answer to does no harm. After each write a draft without a
blocking screening flag goes to the review queue at once; one with a blocking flag stays a draft, its flags
in the answer, until the partner fixes the text."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from openpes.accounts.models import PartnerKey
from openpes.core.errors import DomainError
from openpes.core.identifiers import parse_uscc
from openpes.employers.models import Employer
from openpes.vacancies import rules, selectors
from openpes.vacancies.choices import VacancyStatus
from openpes.vacancies.models import Vacancy
from openpes.vacancies.services.vacancies import (
    vacancy_create,
    vacancy_submit,
    vacancy_update,
    vacancy_withdraw,
)
from openpes.vacancies.services.validation import VacancyInput

EMPLOYER_FIELD = "employer_credit_code"
# One answer whether the code is registered in another region or nowhere: a partner learns nothing about
# employers outside its own region.
UNKNOWN_EMPLOYER = (
    "该统一社会信用代码的用人单位未在贵系统服务的区划内登记；请先由当地公共就业服务机构登记该单位后再发布"
)
OTHER_EMPLOYER = (
    "该 external_id 的岗位属于另一家用人单位，不能更换单位；请撤回原岗位，以新的 external_id 发布"
)


def partner_employer(*, key: PartnerKey, credit_code: str) -> Employer:
    code = parse_uscc(credit_code, field=EMPLOYER_FIELD).value
    employer = Employer.objects.in_prefix(key.jurisdiction_prefix).filter(uscc=code).first()
    if employer is None:
        raise DomainError(EMPLOYER_FIELD, UNKNOWN_EMPLOYER)
    return employer


def _to_review(key: PartnerKey, vacancy: Vacancy) -> Vacancy:
    if vacancy.status == VacancyStatus.DRAFT and not rules.blocking_flags(vacancy.screening_flags):
        return vacancy_submit(actor=key, vacancy=vacancy)
    return vacancy


def _same_employer(vacancy: Vacancy, employer: Employer) -> None:
    if vacancy.employer_id != employer.pk:
        raise DomainError(EMPLOYER_FIELD, OTHER_EMPLOYER)


def partner_vacancy_post(
    *, key: PartnerKey, external_id: str, credit_code: str, data: VacancyInput
) -> tuple[Vacancy, bool]:
    """Create the partner's vacancy `external_id`, or, if it exists, replace its fields (idempotent).
    Returns the vacancy and whether it was created."""
    employer = partner_employer(key=key, credit_code=credit_code)
    existing = selectors.partner_vacancy_get(key=key, external_id=external_id)
    if existing is None:
        try:
            with transaction.atomic():  # a savepoint: the unique constraint may refuse a racing retry
                vacancy = vacancy_create(actor=key, employer=employer, data=data, external_id=external_id)
            return _to_review(key, vacancy), True
        except IntegrityError:
            existing = selectors.partner_vacancy_get(key=key, external_id=external_id)
            if existing is None:
                raise
    _same_employer(existing, employer)
    return _to_review(key, vacancy_update(actor=key, vacancy=existing, data=data)), False


def partner_vacancy_put(
    *, key: PartnerKey, vacancy: Vacancy, credit_code: str, data: VacancyInput
) -> Vacancy:
    """Replace every field of the partner's vacancy (the employer stays the one it was posted for)."""
    _same_employer(vacancy, partner_employer(key=key, credit_code=credit_code))
    return _to_review(key, vacancy_update(actor=key, vacancy=vacancy, data=data))


def partner_vacancy_patch(
    *, key: PartnerKey, vacancy: Vacancy, data: VacancyInput, fields: set[str]
) -> Vacancy:
    """Change only `fields` of the partner's vacancy."""
    return _to_review(key, vacancy_update(actor=key, vacancy=vacancy, data=data, fields=fields))


def partner_vacancy_withdraw(*, key: PartnerKey, vacancy: Vacancy, reason: str = "") -> Vacancy:
    return vacancy_withdraw(actor=key, vacancy=vacancy, reason=reason)
