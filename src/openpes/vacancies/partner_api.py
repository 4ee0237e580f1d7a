"""The partner API (/api/v1/partner/…): partner systems post, change, withdraw and read back their own
vacancies with an API key (`X-API-Key: opes_p_…`, accounts/partner_auth.py), by their own `external_id`.

A partner reaches only the vacancies it posted: another partner's `external_id` is a 404, like an id it never
used. Each key is rate-limited as itself (OPENPES_API_PARTNER_RATE).

(No `from __future__ import annotations` in the api modules: ninja reads handler annotations as objects.)"""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from openpes.accounts.models import PartnerKey, PartnerScope
from openpes.accounts.partner_auth import partner_auth, partner_key_of, partner_throttles
from openpes.core.api import ErrorOut, found, responses
from openpes.core.pagination import Pagination
from openpes.vacancies import selectors, services
from openpes.vacancies.models import Vacancy
from openpes.vacancies.schemas import (
    EXTERNAL_ID,
    EXTERNAL_ID_TEXT,
    PartnerVacancyFiltersIn,
    PartnerVacancyIn,
    PartnerVacancyOut,
    PartnerVacancyPutIn,
    VacancyPatchIn,
    WithdrawIn,
)

router = Router(throttle=partner_throttles())
PARTNER = ["合作系统"]
WRITE = partner_auth(PartnerScope.VACANCIES_WRITE)
READ = partner_auth(PartnerScope.VACANCIES_READ)

ExternalId = Annotated[str, Path(pattern=EXTERNAL_ID, description=EXTERNAL_ID_TEXT)]


def _responses(ok: Any, status: int = 200) -> dict[int, Any]:
    return {**responses(ok, status), 429: ErrorOut}


def _own(request: HttpRequest, external_id: str) -> tuple[PartnerKey, Vacancy]:
    key = partner_key_of(request)
    return key, found(selectors.partner_vacancy_get(key=key, external_id=external_id))


def _fresh(key: PartnerKey, vacancy: Vacancy) -> Vacancy:
    return found(selectors.partner_vacancy_get(key=key, external_id=vacancy.external_id))


@router.post(
    "/vacancies",
    auth=WRITE,
    tags=PARTNER,
    response={**_responses(PartnerVacancyOut, 201), 200: PartnerVacancyOut},
    summary="发布岗位（合作系统）",
    description="权限范围 vacancies:write。用人单位以统一社会信用代码指明，须已在贵系统服务的区划内登记。"
    "新编号（external_id）返回 201；已用过的编号视为修改该岗位（可安全重试），返回 200。"
    "岗位经识别和筛查后进入审核队列；有须修改的筛查提示时保留为草稿，修改后自动提交审核。",
)
def partner_vacancy_post(request: HttpRequest, payload: PartnerVacancyIn) -> Status[Vacancy]:
    key = partner_key_of(request)
    given = payload.model_dump()
    external_id, credit_code = given.pop("external_id"), given.pop("employer_credit_code")
    vacancy, created = services.partner_vacancy_post(
        key=key, external_id=external_id, credit_code=credit_code, data=services.VacancyInput(**given)
    )
    return Status(201 if created else 200, _fresh(key, vacancy))


@router.get(
    "/vacancies",
    auth=READ,
    tags=PARTNER,
    response=_responses(list[PartnerVacancyOut]),
    summary="本系统发布的岗位（合作系统）",
    description="权限范围 vacancies:read。只含本合作系统发布的岗位及其状态、审核意见，最近修改的在前；分页。",
)
@paginate(Pagination)
def partner_vacancy_list(request: HttpRequest, filters: Query[PartnerVacancyFiltersIn]) -> Any:
    return selectors.partner_vacancies(key=partner_key_of(request), status=filters.status)


@router.get(
    "/vacancies/{external_id}",
    auth=READ,
    tags=PARTNER,
    response=_responses(PartnerVacancyOut),
    summary="岗位详情（合作系统）",
    description="权限范围 vacancies:read。状态、审核意见、识别结果和筛查提示；不是本系统发布的编号返回 404。",
)
def partner_vacancy_detail(request: HttpRequest, external_id: ExternalId) -> Vacancy:
    return _own(request, external_id)[1]


@router.put(
    "/vacancies/{external_id}",
    auth=WRITE,
    tags=PARTNER,
    response=_responses(PartnerVacancyOut),
    summary="修改岗位（全部字段，合作系统）",
    description="权限范围 vacancies:write。以请求内容替换岗位的全部字段（未给出的字段清空），用人单位不能更换；"
    "修改后重新识别和筛查，已发布的岗位重新进入审核。",
)
def partner_vacancy_put(
    request: HttpRequest, external_id: ExternalId, payload: PartnerVacancyPutIn
) -> Vacancy:
    key, vacancy = _own(request, external_id)
    given = payload.model_dump()
    credit_code = given.pop("employer_credit_code")
    vacancy = services.partner_vacancy_put(
        key=key, vacancy=vacancy, credit_code=credit_code, data=services.VacancyInput(**given)
    )
    return _fresh(key, vacancy)


@router.patch(
    "/vacancies/{external_id}",
    auth=WRITE,
    tags=PARTNER,
    response=_responses(PartnerVacancyOut),
    summary="修改岗位（部分字段，合作系统）",
    description="权限范围 vacancies:write。只修改请求中给出的项；修改后重新识别和筛查，已发布的岗位重新进入审核。",
)
def partner_vacancy_patch(request: HttpRequest, external_id: ExternalId, payload: VacancyPatchIn) -> Vacancy:
    key, vacancy = _own(request, external_id)
    given = payload.model_dump(exclude_unset=True)
    vacancy = services.partner_vacancy_patch(
        key=key, vacancy=vacancy, data=services.VacancyInput(**given), fields=set(given)
    )
    return _fresh(key, vacancy)


@router.post(
    "/vacancies/{external_id}/withdraw",
    auth=WRITE,
    tags=PARTNER,
    response=_responses(PartnerVacancyOut),
    summary="撤回岗位（合作系统）",
    description="权限范围 vacancies:write。撤回后立即不再对外显示；撤回的岗位不能再修改，重新招聘请用新的编号发布。",
)
def partner_vacancy_withdraw(request: HttpRequest, external_id: ExternalId, payload: WithdrawIn) -> Vacancy:
    key, vacancy = _own(request, external_id)
    return _fresh(key, services.partner_vacancy_withdraw(key=key, vacancy=vacancy, reason=payload.reason))
