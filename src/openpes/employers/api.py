"""Employers over JSON: schema in → service or selector → schema out.

(No `from __future__ import annotations` in the api modules: ninja reads handler annotations as objects.)"""

from typing import Annotated, Any, cast

from django.http import HttpRequest
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from openpes.accounts import selectors as accounts_selectors
from openpes.accounts.models import Staff
from openpes.core import api as core_api
from openpes.core.api import found, needs, responses
from openpes.core.errors import DomainError
from openpes.core.pagination import Pagination
from openpes.core.schemas import MAX_ID
from openpes.employers import selectors, services
from openpes.employers.models import DemandSurvey, Employer
from openpes.employers.schemas import (
    DemandSurveyFiltersIn,
    DemandSurveyIn,
    DemandSurveyOut,
    EmployerCreateIn,
    EmployerFiltersIn,
    EmployerOut,
    EmployerPatchIn,
    KeyEnterpriseIn,
    RevealIn,
    RevealOut,
    VerifyIn,
)

router = Router()
EMPLOYERS, SURVEYS = ["用人单位"], ["用工需求调查"]

Id = Annotated[int, Path(ge=1, le=MAX_ID, description="编号")]
VIEW = "employers.view_employer"


def actor_of(request: HttpRequest) -> Staff:
    return cast(Staff, core_api.actor_of(request))


def _employer(request: HttpRequest, pk: int) -> tuple[Staff, Employer]:
    actor = actor_of(request)
    return actor, found(selectors.employer_get(actor=actor, pk=pk))


def _specialist(actor: Staff, pk: int | None) -> Staff | None:
    if pk is None:
        return None
    staff = accounts_selectors.staff_get(actor=actor, pk=pk)
    if staff is None:
        raise DomainError("specialist", "所选工作人员不存在、已停用或不在您的辖区内")
    return staff


@router.get(
    "/employers",
    auth=needs(VIEW),
    tags=EMPLOYERS,
    response=responses(list[EmployerOut]),
    summary="用人单位列表",
    description="辖区内的用人单位，可按名称、信用代码、联系电话、区划、审核状态、重点企业、专员筛选；分页。",
)
@paginate(Pagination)
def employer_list(request: HttpRequest, filters: Query[EmployerFiltersIn]) -> Any:
    return selectors.employer_list(
        actor=actor_of(request), filters=selectors.EmployerFilters(**filters.model_dump())
    )


@router.post(
    "/employers",
    auth=needs(VIEW, "employers.add_employer"),
    tags=EMPLOYERS,
    response=responses(EmployerOut, 201),
    summary="登记用人单位",
    description="统一社会信用代码按 GB 32100-2015 校验；新登记的单位待审核，审核通过前岗位不能发布。",
)
def employer_create(request: HttpRequest, payload: EmployerCreateIn) -> Status[Employer]:
    data = services.EmployerInput(**payload.model_dump())
    return Status(201, services.employer_create(actor=actor_of(request), data=data))


@router.get(
    "/employers/{employer_id}",
    auth=needs(VIEW),
    tags=EMPLOYERS,
    response=responses(EmployerOut),
    summary="用人单位详情",
)
def employer_detail(request: HttpRequest, employer_id: Id) -> Employer:
    return _employer(request, employer_id)[1]


@router.patch(
    "/employers/{employer_id}",
    auth=needs(VIEW),
    tags=EMPLOYERS,
    response=responses(EmployerOut),
    summary="修改用人单位",
    description="只修改请求中给出的项。经办人员可改辖区内所有单位，就业服务专员只能改自己服务的单位。",
)
def employer_update(request: HttpRequest, employer_id: Id, payload: EmployerPatchIn) -> Employer:
    actor, employer = _employer(request, employer_id)
    given = payload.model_dump(exclude_unset=True)
    return services.employer_update(
        actor=actor, employer=employer, data=services.EmployerInput(**given), fields=set(given)
    )


@router.post(
    "/employers/{employer_id}/reveal-contact",
    auth=needs(VIEW),
    tags=EMPLOYERS,
    response=responses(RevealOut),
    summary="查看单位完整的联系电话",
    description="须写明事由；每次查看都记入个人信息查看日志。",
)
def employer_contact_reveal(request: HttpRequest, employer_id: Id, payload: RevealIn) -> dict[str, str]:
    actor, employer = _employer(request, employer_id)
    return {"value": services.employer_contact_reveal(actor=actor, employer=employer, reason=payload.reason)}


@router.post(
    "/employers/{employer_id}/verify",
    auth=needs(VIEW, services.VERIFY),
    tags=EMPLOYERS,
    response=responses(EmployerOut),
    summary="审核用人单位",
    description="通过后其岗位才能发布；未通过须写明原因，单位在网上可以看到。",
)
def employer_verify(request: HttpRequest, employer_id: Id, payload: VerifyIn) -> Employer:
    actor, employer = _employer(request, employer_id)
    return services.employer_verify(
        actor=actor, employer=employer, approve=payload.approve, reason=payload.reason
    )


@router.post(
    "/employers/{employer_id}/key-enterprise",
    auth=needs(VIEW, services.MANAGE_KEY),
    tags=EMPLOYERS,
    response=responses(EmployerOut),
    summary="认定重点企业、指派就业服务专员",
)
def employer_key_enterprise(request: HttpRequest, employer_id: Id, payload: KeyEnterpriseIn) -> Employer:
    actor, employer = _employer(request, employer_id)
    return services.employer_key_enterprise_set(
        actor=actor,
        employer=employer,
        is_key_enterprise=payload.is_key_enterprise,
        specialist=_specialist(actor, payload.specialist),
    )


@router.get(
    "/employers/{employer_id}/demand-surveys",
    auth=needs(VIEW, "employers.view_demandsurvey"),
    tags=SURVEYS,
    response=responses(list[DemandSurveyOut]),
    summary="单位的用工需求调查",
)
@paginate(Pagination)
def employer_demand_surveys(request: HttpRequest, employer_id: Id) -> Any:
    actor, employer = _employer(request, employer_id)
    return selectors.demand_surveys_of(actor=actor, employer=employer)


@router.post(
    "/employers/{employer_id}/demand-surveys",
    auth=needs(VIEW, "employers.add_demandsurvey"),
    tags=SURVEYS,
    response=responses(DemandSurveyOut, 201),
    summary="录入用工需求调查",
    description="每行一个职业（职业分类大典2022代码）、人数和到岗日期。就业服务专员只能为自己服务的单位录入。",
)
def demand_survey_create(
    request: HttpRequest, employer_id: Id, payload: DemandSurveyIn
) -> Status[DemandSurvey]:
    actor, employer = _employer(request, employer_id)
    survey = services.demand_survey_create(
        actor=actor,
        employer=employer,
        surveyed_on=payload.surveyed_on,
        note=payload.note,
        lines=[services.DemandLineInput(**line.model_dump()) for line in payload.lines],
    )
    return Status(201, found(selectors.demand_survey_get(actor=actor, pk=survey.pk)))


@router.get(
    "/demand-surveys",
    auth=needs("employers.view_demandsurvey"),
    tags=SURVEYS,
    response=responses(list[DemandSurveyOut]),
    summary="用工需求调查列表",
    description="辖区内单位的调查，新的在前，每条带各职业的需求和总人数。",
)
@paginate(Pagination)
def demand_survey_list(request: HttpRequest, filters: Query[DemandSurveyFiltersIn]) -> Any:
    return selectors.demand_survey_list(actor=actor_of(request), region=filters.region)
