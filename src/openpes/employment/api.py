"""Employment registration over JSON: schema in → service or selector → schema out.

(No `from __future__ import annotations` in the api modules: ninja reads handler annotations as objects.)"""

from typing import Annotated, Any, cast

from django.http import HttpRequest
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from openpes.accounts.models import Staff
from openpes.core import api as core_api
from openpes.core.api import found, needs, responses
from openpes.core.errors import DomainError
from openpes.core.pagination import Pagination
from openpes.core.schemas import MAX_ID
from openpes.employment import selectors, services
from openpes.employment.models import Contact, EmploymentProfile, Registration, StatusEvent
from openpes.employment.schemas import (
    CancelIn,
    ContactIn,
    ContactOut,
    EmploymentIn,
    FactsIn,
    KeyGroupFiltersIn,
    KeyGroupOut,
    OverturnIn,
    PersonEmploymentOut,
    ProfileOut,
    RegistrationFiltersIn,
    RegistrationOut,
    StatusChangeIn,
    StatusEventOut,
    SummaryOut,
    UnemploymentIn,
    ZeroFiltersIn,
    ZeroHouseholdOut,
)
from openpes.people import selectors as people_selectors
from openpes.people.models import Person

router = Router()
REGISTRATIONS, GROUPS = ["就业失业登记"], ["重点群体与零就业家庭"]

Id = Annotated[int, Path(ge=1, le=MAX_ID, description="编号")]
VIEW = "employment.view_registration"
REGISTER = ("employment.view_registration", "employment.add_registration")
CHANGE = ("employment.view_registration", "employment.change_registration")


def actor_of(request: HttpRequest) -> Staff:
    return cast(Staff, core_api.actor_of(request))


def _person(actor: Staff, pk: int) -> Person:
    person = people_selectors.person_get(actor=actor, pk=pk)
    if person is None:
        raise DomainError("person", "所选劳动者不存在或不在您的辖区内")
    return person


def _registration(request: HttpRequest, pk: int) -> tuple[Staff, Registration]:
    actor = actor_of(request)
    return actor, found(selectors.registration_get(actor=actor, pk=pk))


@router.get(
    "/employment/registrations",
    auth=needs(VIEW),
    tags=REGISTRATIONS,
    response=responses(list[RegistrationOut]),
    summary="就业失业登记列表",
    description="辖区内的登记，默认只列未结束的；可按类型、分级、区划筛选，overdue=true 列出超期未联系的失业登记。",
)
@paginate(Pagination)
def registration_list(request: HttpRequest, filters: Query[RegistrationFiltersIn]) -> Any:
    return selectors.registration_list(
        actor=actor_of(request),
        filters=selectors.RegistrationFilters(
            kind=filters.kind,
            open=filters.open,
            tier=filters.tier,
            region=filters.region,
            overdue=filters.overdue,
        ),
    )


@router.post(
    "/employment/registrations/unemployment",
    auth=needs(*REGISTER),
    tags=REGISTRATIONS,
    response=responses(RegistrationOut, 201),
    summary="失业登记",
    description="发放（或沿用）就业创业证编号，按重点群体定服务分级，排定下次联系日期。同一身份证号码在全系统只能有一条未结束的失业登记。",
)
def unemployment_register(request: HttpRequest, payload: UnemploymentIn) -> Status[Registration]:
    actor = actor_of(request)
    registration = services.unemployment_register(
        actor=actor,
        person=_person(actor, payload.person),
        basis=payload.basis,
        reason=payload.reason,
        unemployed_since=payload.unemployed_since,
        on=payload.on,
    )
    return Status(201, registration)


@router.post(
    "/employment/registrations/employment",
    auth=needs(*REGISTER),
    tags=REGISTRATIONS,
    response=responses(RegistrationOut, 201),
    summary="就业登记",
    description="含灵活就业的承诺制登记（by_declaration）。未结束的失业登记随之结束。",
)
def employment_register(request: HttpRequest, payload: EmploymentIn) -> Status[Registration]:
    actor = actor_of(request)
    registration = services.employment_register(
        actor=actor,
        person=_person(actor, payload.person),
        basis=payload.basis,
        form=payload.form,
        employer_name=payload.employer_name,
        by_declaration=payload.by_declaration,
        on=payload.on,
    )
    return Status(201, registration)


@router.get(
    "/employment/registrations/{registration_id}",
    auth=needs(VIEW),
    tags=REGISTRATIONS,
    response=responses(RegistrationOut),
    summary="登记详情",
)
def registration_detail(request: HttpRequest, registration_id: Id) -> Registration:
    return _registration(request, registration_id)[1]


@router.post(
    "/employment/registrations/{registration_id}/cancel",
    auth=needs(*CHANGE),
    tags=REGISTRATIONS,
    response=responses(RegistrationOut),
    summary="注销登记",
)
def registration_cancel(request: HttpRequest, registration_id: Id, payload: CancelIn) -> Registration:
    actor, registration = _registration(request, registration_id)
    return services.registration_cancel(actor=actor, registration=registration, reason=payload.reason)


@router.post(
    "/employment/registrations/{registration_id}/overturn",
    auth=needs(*CHANGE),
    tags=REGISTRATIONS,
    response=responses(RegistrationOut),
    summary="承诺核查不实",
    description="承诺制就业登记经核查不属实：登记结束，就业状态改为未采集。",
)
def declaration_overturn(request: HttpRequest, registration_id: Id, payload: OverturnIn) -> Registration:
    actor, registration = _registration(request, registration_id)
    return services.declaration_overturn(actor=actor, registration=registration, finding=payload.finding)


@router.post(
    "/employment/registrations/{registration_id}/contacts",
    auth=needs(*CHANGE),
    tags=REGISTRATIONS,
    response=responses(ContactOut, 201),
    summary="记录定期联系",
)
def contact_record(request: HttpRequest, registration_id: Id, payload: ContactIn) -> Status[Contact]:
    actor, registration = _registration(request, registration_id)
    contact = services.contact_record(
        actor=actor, registration=registration, channel=payload.channel, note=payload.note, on=payload.on
    )
    return Status(201, contact)


@router.get(
    "/persons/{person_id}/employment",
    auth=needs(VIEW, "people.view_person"),
    tags=REGISTRATIONS,
    response=responses(PersonEmploymentOut),
    summary="劳动者的就业状态、登记、重点群体和变化记录",
)
def person_employment(request: HttpRequest, person_id: Id) -> dict[str, Any]:
    actor = actor_of(request)
    person = found(people_selectors.person_get(actor=actor, pk=person_id))
    return {
        "profile": selectors.profile_of(actor=actor, person=person),
        "registrations": list(
            selectors.registrations_of(actor=actor, person=person).select_related("person", "officer")
        ),
        "key_groups": list(selectors.key_groups_of(actor=actor, person=person).select_related("person")),
        "timeline": list(selectors.timeline(actor=actor, person=person)),
    }


@router.post(
    "/persons/{person_id}/status-changes",
    auth=needs(*CHANGE),
    tags=REGISTRATIONS,
    response=responses(StatusEventOut, 201),
    summary="就业状态变更",
    description="自主创业、升学、应征入伍、退休、迁出、死亡、在异地登记；未结束的失业登记随之结束。",
)
def status_change(request: HttpRequest, person_id: Id, payload: StatusChangeIn) -> Status[StatusEvent]:
    actor = actor_of(request)
    person = found(people_selectors.person_get(actor=actor, pk=person_id))
    event = services.status_change(
        actor=actor, person=person, kind=payload.kind, on=payload.on, note=payload.note
    )
    return Status(201, event)


@router.patch(
    "/persons/{person_id}/employment-facts",
    auth=needs(VIEW, "employment.change_employmentprofile"),
    tags=GROUPS,
    response=responses(ProfileOut),
    summary="修改重点群体认定信息",
    description="只修改请求中给出的项；重点群体随之重新认定，不能直接勾选。",
)
def facts_update(request: HttpRequest, person_id: Id, payload: FactsIn) -> EmploymentProfile:
    actor = actor_of(request)
    person = found(people_selectors.person_get(actor=actor, pk=person_id))
    return services.facts_update(actor=actor, person=person, changes=payload.model_dump(exclude_unset=True))


@router.get(
    "/employment/key-groups",
    auth=needs("employment.view_keygroupmembership"),
    tags=GROUPS,
    response=responses(list[KeyGroupOut]),
    summary="重点群体名单",
    description="当前属于各重点群体的人员，每条带认定依据和起止日期。",
)
@paginate(Pagination)
def key_groups(request: HttpRequest, filters: Query[KeyGroupFiltersIn]) -> Any:
    return selectors.key_group_members(actor=actor_of(request), group=filters.group, region=filters.region)


@router.get(
    "/employment/zero-employment-households",
    auth=needs("employment.view_zeroemploymenthousehold"),
    tags=GROUPS,
    response=responses(list[ZeroHouseholdOut]),
    summary="零就业家庭",
)
@paginate(Pagination)
def zero_employment_households(request: HttpRequest, filters: Query[ZeroFiltersIn]) -> Any:
    return selectors.zero_employment_list(
        actor=actor_of(request), cleared=filters.cleared, region=filters.region
    )


@router.get(
    "/employment/summary",
    auth=needs(VIEW),
    tags=REGISTRATIONS,
    response=responses(SummaryOut),
    summary="就业失业统计",
    description="登记失业人数、本月就业登记、重点群体人数、零就业家庭认定与清零、超期未联系。",
)
def summary(request: HttpRequest) -> dict[str, int]:
    return selectors.employment_summary(actor=actor_of(request))
