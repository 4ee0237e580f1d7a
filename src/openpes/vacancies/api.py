"""Vacancies over JSON: schema in → service or selector → schema out. Scoped like the pages: a vacancy is
seen by the jurisdiction of its work place and by its employer's; anything else is a 404.

(No `from __future__ import annotations` in the api modules: ninja reads handler annotations as objects.)"""

from typing import Annotated, Any, cast

from django.http import HttpRequest
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from openpes.accounts.models import PartnerScope, Staff
from openpes.accounts.partner_auth import PartnerKeyAuth, Public, public_throttles
from openpes.core import api as core_api
from openpes.core.api import ErrorOut, found, needs, responses
from openpes.core.jurisdiction import CODE_LENGTH, covers
from openpes.core.pagination import Pagination
from openpes.core.schemas import MAX_ID
from openpes.employers.selectors import employer_get
from openpes.vacancies import selectors, services
from openpes.vacancies.models import Vacancy
from openpes.vacancies.schemas import (
    CorrectionIn,
    JobPageOut,
    JobSearchIn,
    ReviewIn,
    VacancyCreateIn,
    VacancyDetailOut,
    VacancyFiltersIn,
    VacancyOut,
    VacancyPatchIn,
    VacancySearchPageOut,
    WithdrawIn,
)

router = Router()
VACANCIES = ["岗位"]

Id = Annotated[int, Path(ge=1, le=MAX_ID, description="编号")]
VIEW = "vacancies.view_vacancy"


def actor_of(request: HttpRequest) -> Staff:
    return cast(Staff, core_api.actor_of(request))


def _vacancy(request: HttpRequest, pk: int) -> tuple[Staff, Vacancy]:
    actor = actor_of(request)
    return actor, found(selectors.vacancy_get(actor=actor, pk=pk))


def _detailed(actor: Staff, vacancy: Vacancy, intake: str = "") -> Vacancy:
    """The vacancy with what VacancyDetailOut reads besides its own fields: its sources, the duplicates the
    actor may see, the vacancies that re-post it, the intake's message."""
    detail = cast(Any, vacancy)
    detail.detail_sources = list(selectors.sources_of(vacancy))
    detail.detail_duplicates = selectors.duplicates_of(actor=actor, vacancy=vacancy)
    detail.detail_reposted_as = list(
        selectors.reposted_as(actor=actor, vacancy=vacancy).values_list("pk", flat=True)[:20]
    )
    detail.intake = intake
    return vacancy


@router.get(
    "/vacancies",
    auth=needs(VIEW),
    tags=VACANCIES,
    response=responses(list[VacancyOut]),
    summary="岗位列表",
    description="工作地点或用人单位在辖区内的岗位，待审核的在前；可按名称、状态、区划、单位、来源、职业、筛查提示筛选；分页。",
)
@paginate(Pagination)
def vacancy_list(request: HttpRequest, filters: Query[VacancyFiltersIn]) -> Any:
    return selectors.vacancy_list(
        actor=actor_of(request), filters=selectors.VacancyFilters(**filters.model_dump())
    )


@router.get(
    "/vacancies/search",
    auth=needs(VIEW),
    tags=VACANCIES,
    response=responses(VacancySearchPageOut),
    url_name="vacancy_search",
    summary="岗位搜索（经办人员）",
    description="与公开的找工作相同的检索和筛选，只含已发布且在有效期内、工作地点在辖区内的岗位，返回完整的岗位信息"
    "（识别依据、筛查提示）；不填地区时为整个辖区。",
)
def vacancy_search(request: HttpRequest, filters: Query[JobSearchIn]) -> dict[str, Any]:
    actor = actor_of(request)
    region = filters.region or actor.jurisdiction_prefix.ljust(CODE_LENGTH, "0")
    if not covers(actor.jurisdiction_prefix, region):
        return {"items": [], "count": 0, "more": False, "page": filters.page, "pages": 1}
    vacancies, page = selectors.search_vacancies(filters.query(region=region))
    return {
        "items": vacancies,
        "count": page.total,
        "more": page.more,
        "page": page.page,
        "pages": page.pages,
    }


@router.post(
    "/vacancies",
    auth=needs(VIEW, services.ADD),
    tags=VACANCIES,
    response=responses(VacancyDetailOut, 201) | {200: VacancyDetailOut},
    summary="登记岗位",
    description="保存为草稿，同时识别职业、薪资、地点、学历、经验并进行歧视与虚假招聘筛查；核对后提交审核。"
    "与同一单位已有的在招岗位逐字相同（仅标点、空格、语序、全半角、人数或有效期不同）且来自其他渠道时，不新建岗位，"
    "而作为该岗位的一个来源保存，返回200和该岗位；疑似重复的岗位新建后在 duplicates 中列出，由经办人员核对；"
    "与已过期或已撤回的岗位相同时关联为重新发布（reposts）。intake 说明查重结果。",
)
def vacancy_create(request: HttpRequest, payload: VacancyCreateIn) -> Status[Vacancy]:
    actor = actor_of(request)
    given = payload.model_dump()
    employer = found(employer_get(actor=actor, pk=given.pop("employer")))
    channel = given.pop("channel")
    intake = services.vacancy_intake(
        actor=actor, employer=employer, channel=channel, data=services.VacancyInput(**given)
    )
    vacancy = found(selectors.vacancy_get(actor=actor, pk=intake.vacancy.pk))
    return Status(200 if intake.merged else 201, _detailed(actor, vacancy, intake.message))


@router.get(
    "/vacancies/{vacancy_id}",
    auth=needs(VIEW),
    tags=VACANCIES,
    response=responses(VacancyDetailOut),
    summary="岗位详情",
    description="岗位信息，以及各渠道收到的原文（sources）、疑似重复的岗位（duplicates）和重新发布关系。",
)
def vacancy_detail(request: HttpRequest, vacancy_id: Id) -> Vacancy:
    actor, vacancy = _vacancy(request, vacancy_id)
    return _detailed(actor, vacancy)


@router.patch(
    "/vacancies/{vacancy_id}",
    auth=needs(VIEW),
    tags=VACANCIES,
    response=responses(VacancyOut),
    summary="修改岗位",
    description="只修改请求中给出的项，之后重新识别和筛查；已发布的岗位修改后重新进入审核。经办人员可改辖区内所有岗位，就业服务专员只能改自己服务的单位的岗位。",
)
def vacancy_update(request: HttpRequest, vacancy_id: Id, payload: VacancyPatchIn) -> Vacancy:
    actor, vacancy = _vacancy(request, vacancy_id)
    given = payload.model_dump(exclude_unset=True)
    return services.vacancy_update(
        actor=actor, vacancy=vacancy, data=services.VacancyInput(**given), fields=set(given)
    )


@router.post(
    "/vacancies/{vacancy_id}/submit",
    auth=needs(VIEW),
    tags=VACANCIES,
    response=responses(VacancyOut),
    summary="提交审核",
    description="草稿或未通过的岗位提交审核；有须修改的筛查提示时不能提交。",
)
def vacancy_submit(request: HttpRequest, vacancy_id: Id) -> Vacancy:
    actor, vacancy = _vacancy(request, vacancy_id)
    return services.vacancy_submit(actor=actor, vacancy=vacancy)


@router.post(
    "/vacancies/{vacancy_id}/review",
    auth=needs(VIEW, services.REVIEW),
    tags=VACANCIES,
    response=responses(VacancyOut),
    summary="审核岗位",
    description="通过即发布；有须修改的筛查提示、单位未审核通过或发布账号未确认时不能通过。不通过须写明原因。",
)
def vacancy_review(request: HttpRequest, vacancy_id: Id, payload: ReviewIn) -> Vacancy:
    actor, vacancy = _vacancy(request, vacancy_id)
    return services.vacancy_review(
        actor=actor, vacancy=vacancy, approve=payload.approve, reason=payload.reason
    )


@router.post(
    "/vacancies/{vacancy_id}/withdraw",
    auth=needs(VIEW),
    tags=VACANCIES,
    response=responses(VacancyOut),
    summary="撤回岗位",
    description="撤回后立即不再对外显示。",
)
def vacancy_withdraw(request: HttpRequest, vacancy_id: Id, payload: WithdrawIn) -> Vacancy:
    actor, vacancy = _vacancy(request, vacancy_id)
    return services.vacancy_withdraw(actor=actor, vacancy=vacancy, reason=payload.reason)


@router.post(
    "/vacancies/{vacancy_id}/corrections",
    auth=needs(VIEW),
    tags=VACANCIES,
    response=responses(VacancyOut),
    summary="更正识别结果",
    description="更正一个识别出的字段；更正会保留并记入日志，职业的更正用于以后的识别。",
)
def vacancy_correct(request: HttpRequest, vacancy_id: Id, payload: CorrectionIn) -> Vacancy:
    actor, vacancy = _vacancy(request, vacancy_id)
    return services.vacancy_correct(
        actor=actor, vacancy=vacancy, field=payload.field, value=payload.value, note=payload.note
    )


@router.get(
    "/jobs",
    # Anyone; a partner key with jobs:read (X-API-Key) is counted against the key's own, higher limit
    # instead of its address's. A key that is sent must be valid: a wrong one is a 401, not anonymous.
    auth=[PartnerKeyAuth(PartnerScope.JOBS_READ, optional=True), Public()],
    throttle=public_throttles(),
    openapi_extra={"security": [{}]},  # the key is optional: OpenAPI's empty requirement
    tags=["找工作"],
    response={**responses(JobPageOut), 429: ErrorOut},
    url_name="job_search",
    summary="找工作（公开）",
    description="已发布且在有效期内的岗位，无需登录：关键词（含常见职位同义词）、地区、职业、行业、薪资、学历、工作类型、发布时间筛选；"
    "按相关度、发布时间或薪资排序；分页。只返回岗位信息和单位名称。"
    "按客户端地址限制请求频率（超过返回 429）；合作系统带有 jobs:read 权限的密钥（X-API-Key）时按密钥计，限额更高。",
)
def job_search(request: HttpRequest, filters: Query[JobSearchIn]) -> dict[str, Any]:
    vacancies, page = selectors.search_vacancies(filters.query())
    return {
        "items": vacancies,
        "count": page.total,
        "more": page.more,
        "page": page.page,
        "pages": page.pages,
    }
