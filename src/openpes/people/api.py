"""The registry over JSON: schema in → service or selector → schema out.

(No `from __future__ import annotations` in the api modules: ninja reads handler annotations as objects.)"""

from typing import Annotated, Any, cast

from django.http import HttpRequest
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from openpes.accounts.models import Staff
from openpes.core import api as core_api
from openpes.core.api import found, needs, responses
from openpes.core.errors import DomainError
from openpes.core.pagination import Pagination, paginate_rows
from openpes.core.schemas import MAX_ID
from openpes.people import selectors, services
from openpes.people.models import Household, Person
from openpes.people.schemas import (
    HouseholdCreateIn,
    HouseholdDetailOut,
    HouseholdFiltersIn,
    HouseholdOut,
    HouseholdPatchIn,
    MemberIn,
    PersonCreateIn,
    PersonFiltersIn,
    PersonOut,
    PersonPatchIn,
    PersonSearchIn,
    ReasonIn,
    RevealIn,
    RevealOut,
)

router = Router()
PERSONS, HOUSEHOLDS = ["劳动者"], ["家庭"]

Id = Annotated[int, Path(ge=1, le=MAX_ID, description="编号")]


def actor_of(request: HttpRequest) -> Staff:
    """The acting staff member, as the registry's services take it."""
    return cast(Staff, core_api.actor_of(request))


# --- references named in a request body: outside the jurisdiction reads as "no such record" --------------


def _household_ref(actor: Staff, pk: int | None, field: str = "household") -> Household | None:
    if pk is None:
        return None
    household = selectors.household_get(actor=actor, pk=pk)
    if household is None:
        raise DomainError(field, "所选家庭不存在或不在您的辖区内")
    return household


def _person_ref(actor: Staff, pk: int, field: str) -> Person:
    person = selectors.person_get(actor=actor, pk=pk)
    if person is None:
        raise DomainError(field, "所选劳动者不存在或不在您的辖区内")
    return person


def _head(actor: Staff, pk: int | None) -> Person | None:
    return None if pk is None else _person_ref(actor, pk, "head")


def _person_input(actor: Staff, values: dict[str, Any]) -> services.PersonInput:
    household = _household_ref(actor, values.pop("household", None))
    return services.PersonInput(**values, household=household)


# --- persons ----------------------------------------------------------------------------------------------


@router.get(
    "/persons",
    auth=needs("people.view_person"),
    tags=PERSONS,
    response=responses(list[PersonOut]),
    summary="劳动者列表",
    description="辖区内的劳动者，可按姓名、身份证号码、区划、性别筛选；分页。",
)
@paginate_rows(selectors.person_rows)
def person_list(request: HttpRequest, filters: Query[PersonFiltersIn]) -> Any:
    return _persons_matching(request, filters)


def _persons_matching(request: HttpRequest, filters: PersonFiltersIn) -> selectors.PersonRows:
    actor = actor_of(request)
    persons = selectors.PersonRows(actor, selectors.PersonFilters(**filters.model_dump(mode="json")))
    if filters.q:
        services.identifier_search_record(actor=actor, q=filters.q, matches=persons.queryset())
    return persons


@router.post(
    "/persons/search",
    auth=needs("people.view_person"),
    tags=PERSONS,
    response=responses(list[PersonOut]),
    summary="查找劳动者（条件放在请求体中）",
    description="与 GET /persons 相同，但筛选条件放在 JSON 请求体中：按完整身份证号码查找时，号码不进入网址，"
    "也就不会留在代理或服务器的访问日志里。分页仍用 limit/offset 查询参数。",
)
@paginate_rows(selectors.person_rows)
def person_search(request: HttpRequest, payload: PersonSearchIn) -> Any:
    return _persons_matching(request, payload)


@router.post(
    "/persons",
    auth=needs("people.add_person"),
    tags=PERSONS,
    response=responses(PersonOut, 201),
    summary="登记劳动者",
)
def person_create(request: HttpRequest, payload: PersonCreateIn) -> Status[Person]:
    actor = actor_of(request)
    data = _person_input(actor, payload.model_dump(mode="json"))
    return Status(201, services.person_create(actor=actor, data=data))


@router.get(
    "/persons/{person_id}",
    auth=needs("people.view_person"),
    tags=PERSONS,
    response=responses(PersonOut),
    summary="劳动者详情",
)
def person_detail(request: HttpRequest, person_id: Id) -> Person:
    actor = actor_of(request)
    return found(selectors.person_get(actor=actor, pk=person_id))


@router.patch(
    "/persons/{person_id}",
    auth=needs("people.view_person", "people.change_person"),
    tags=PERSONS,
    response=responses(PersonOut),
    summary="修改劳动者",
    description="只修改请求中给出的项。",
)
def person_update(request: HttpRequest, person_id: Id, payload: PersonPatchIn) -> Person:
    actor = actor_of(request)
    person = found(selectors.person_get(actor=actor, pk=person_id))
    given = payload.model_dump(mode="json", exclude_unset=True)
    fields = set(given)
    return services.person_update(actor=actor, person=person, data=_person_input(actor, given), fields=fields)


@router.post(
    "/persons/{person_id}/reveal",
    auth=needs("people.view_person", services.REVEAL_PERMISSION),
    tags=PERSONS,
    response=responses(RevealOut),
    summary="查看完整身份证号码或联系电话",
    description="须有查看完整个人信息的权限并写明事由；每次查看都记入个人信息查看日志。",
)
def person_reveal(request: HttpRequest, person_id: Id, payload: RevealIn) -> dict[str, str]:
    actor = actor_of(request)
    person = found(selectors.person_get(actor=actor, pk=person_id))
    value = services.person_reveal(
        actor=actor, person=person, field_name=payload.field, reason=payload.reason
    )
    return {"value": value}


# --- households -------------------------------------------------------------------------------------------


@router.get(
    "/households",
    auth=needs("people.view_household"),
    tags=HOUSEHOLDS,
    response=responses(list[HouseholdOut]),
    summary="家庭列表",
)
@paginate(Pagination)
def household_list(request: HttpRequest, filters: Query[HouseholdFiltersIn]) -> Any:
    actor = actor_of(request)
    households = selectors.household_list(
        actor=actor, region=filters.region, q=filters.q, closed=filters.closed
    )
    services.identifier_search_record(actor=actor, q=filters.q, matches=households)
    return households


@router.post(
    "/households",
    auth=needs("people.add_household"),
    tags=HOUSEHOLDS,
    response=responses(HouseholdDetailOut, 201),
    summary="新建家庭",
)
def household_create(request: HttpRequest, payload: HouseholdCreateIn) -> Status[Household]:
    actor = actor_of(request)
    household = services.household_create(
        actor=actor, region_code=payload.region_code, address=payload.address
    )
    return Status(201, _household_out(actor, household.pk))


@router.get(
    "/households/{household_id}",
    auth=needs("people.view_household"),
    tags=HOUSEHOLDS,
    response=responses(HouseholdDetailOut),
    summary="家庭详情（含成员）",
)
def household_detail(request: HttpRequest, household_id: Id) -> Household:
    actor = actor_of(request)
    household = found(selectors.household_get(actor=actor, pk=household_id))
    return HouseholdDetailOut.build(household, selectors.household_members(actor=actor, household=household))


@router.patch(
    "/households/{household_id}",
    auth=needs("people.view_household", "people.change_household"),
    tags=HOUSEHOLDS,
    response=responses(HouseholdDetailOut),
    summary="修改家庭",
    description="只修改请求中给出的项。",
)
def household_update(request: HttpRequest, household_id: Id, payload: HouseholdPatchIn) -> Household:
    actor = actor_of(request)
    household = found(selectors.household_get(actor=actor, pk=household_id))
    given = payload.model_dump(exclude_unset=True)
    household = services.household_update(
        actor=actor,
        household=household,
        region_code=given.get("region_code", household.region_code),
        address=given.get("address", household.address),
        head=_head(actor, given["head"]) if "head" in given else household.head,
    )
    return _household_out(actor, household.pk)


def _household_out(actor: Staff, pk: int) -> Household:
    """A household as the actor sees it after a write: fetched again through the selectors."""
    household = found(selectors.household_get(actor=actor, pk=pk))
    return HouseholdDetailOut.build(household, selectors.household_members(actor=actor, household=household))


@router.post(
    "/households/{household_id}/members",
    auth=needs("people.view_household", "people.change_household"),
    tags=HOUSEHOLDS,
    response=responses(HouseholdDetailOut, 201),
    summary="加入家庭成员",
    description="把一位劳动者加入本户（会从原来的家庭移出）；与户主关系为“户主”时同时设为户主。",
)
def household_add_member(request: HttpRequest, household_id: Id, payload: MemberIn) -> Status[Household]:
    actor = actor_of(request)
    household = found(selectors.household_get(actor=actor, pk=household_id))
    person = _person_ref(actor, payload.person, "person")
    services.household_add_member(
        actor=actor,
        household=household,
        person=person,
        relation=payload.relation_to_head,
        confirm_move=payload.confirm_move,
    )
    return Status(201, _household_out(actor, household.pk))


@router.post(
    "/households/{household_id}/members/{person_id}/remove",
    auth=needs("people.view_household", "people.change_household", "people.change_person"),
    tags=HOUSEHOLDS,
    response=responses(HouseholdDetailOut, 201),
    summary="移出家庭成员（自立一户）",
    description="把成员移出本户：此人在同一村（社区）、同一住址自立一户并成为户主；返回新的家庭。"
    "移出的是户主时，本户暂无户主，请再指定。",
)
def household_remove_member(
    request: HttpRequest, household_id: Id, person_id: Id, payload: ReasonIn
) -> Status[Household]:
    actor = actor_of(request)
    household = found(selectors.household_get(actor=actor, pk=household_id))
    person = _person_ref(actor, person_id, "person")
    own = services.household_remove_member(
        actor=actor, household=household, person=person, reason=payload.reason
    )
    return Status(201, _household_out(actor, own.pk))


@router.post(
    "/households/{household_id}/close",
    auth=needs("people.view_household", "people.change_household"),
    tags=HOUSEHOLDS,
    response=responses(HouseholdDetailOut),
    summary="注销家庭",
    description="注销已没有成员的家庭；记录保留，不能再加入成员。",
)
def household_close(request: HttpRequest, household_id: Id, payload: ReasonIn) -> Household:
    actor = actor_of(request)
    household = found(selectors.household_get(actor=actor, pk=household_id))
    services.household_close(actor=actor, household=household, reason=payload.reason)
    return _household_out(actor, household.pk)
