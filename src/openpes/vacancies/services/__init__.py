"""Every write of the vacancies app: validate, normalise and screen, write in one transaction, audit.

Callers import this package (`from openpes.vacancies import services`)."""

from openpes.vacancies.services.normalising import current_coder, scoping_region
from openpes.vacancies.services.partner import (
    partner_employer,
    partner_vacancy_patch,
    partner_vacancy_post,
    partner_vacancy_put,
    partner_vacancy_withdraw,
)
from openpes.vacancies.services.vacancies import (
    ADD,
    CHANGE_ANY,
    CHANGE_SERVED,
    REVIEW,
    VacancyActor,
    clearance_separation_refusal,
    may_change,
    publish_refusal,
    sees,
    vacancies_expire,
    vacancy_clear_flag,
    vacancy_correct,
    vacancy_create,
    vacancy_review,
    vacancy_submit,
    vacancy_update,
    vacancy_withdraw,
)
from openpes.vacancies.services.validation import CORRECTABLE, VACANCY_FIELDS, VacancyInput

__all__ = [
    "ADD",
    "CHANGE_ANY",
    "CHANGE_SERVED",
    "CORRECTABLE",
    "REVIEW",
    "VACANCY_FIELDS",
    "VacancyActor",
    "VacancyInput",
    "clearance_separation_refusal",
    "current_coder",
    "may_change",
    "partner_employer",
    "partner_vacancy_patch",
    "partner_vacancy_post",
    "partner_vacancy_put",
    "partner_vacancy_withdraw",
    "publish_refusal",
    "scoping_region",
    "sees",
    "vacancies_expire",
    "vacancy_clear_flag",
    "vacancy_correct",
    "vacancy_create",
    "vacancy_review",
    "vacancy_submit",
    "vacancy_update",
    "vacancy_withdraw",
]
