"""The division tree over JSON, limited to the actor's jurisdiction."""

from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Path, Query, Router

from openpes.core.api import actor_of, found, needs, responses
from openpes.core.schemas import OPTIONAL_REGION_CODE, REGION_CODE
from openpes.regions import selectors
from openpes.regions.models import Region
from openpes.regions.schemas import RegionDetailOut, RegionOut

router = Router(tags=["行政区划"])

Code = Annotated[str, Path(pattern=REGION_CODE, description="12位区划代码")]
ParentCode = Annotated[
    str, Query(pattern=OPTIONAL_REGION_CODE, description="上级区划代码；不填为本人辖区（须在辖区内）")
]


@router.get(
    "/regions",
    auth=needs("regions.view_region"),
    response=responses(list[RegionOut]),
    summary="下级区划",
    description="某区划的下一级区划（现行的）。",
)
def region_children(request: HttpRequest, parent: ParentCode = "") -> QuerySet[Region]:
    actor = actor_of(request)
    region = found(selectors.region_within(actor=actor, code=parent or actor.jurisdiction_id))
    return selectors.region_list(actor=actor, parent=region.code)


@router.get(
    "/regions/{code}",
    auth=needs("regions.view_region"),
    response=responses(RegionDetailOut),
    summary="区划详情",
)
def region_detail(request: HttpRequest, code: Code) -> Region:
    actor = actor_of(request)
    return found(selectors.region_within(actor=actor, code=code))
