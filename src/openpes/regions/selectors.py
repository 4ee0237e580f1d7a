"""Reads of the division tree."""

from __future__ import annotations

from django.db.models import QuerySet

from openpes.core.jurisdiction import HasJurisdiction, code_range, covers
from openpes.regions.models import Region, RegionCorrection, RegionLevel
from openpes.regions.services import ancestor_codes


def region_get(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def region_within(*, actor: HasJurisdiction, code: str) -> Region | None:
    """The region if it lies inside the actor's jurisdiction, else None (the caller answers 404)."""
    if not covers(actor.jurisdiction_prefix, code):
        return None
    return Region.objects.within(actor).filter(code=code).first()


def region_children(code: str) -> QuerySet[Region]:
    return Region.objects.current().filter(parent_code=code)


def region_list(*, actor: HasJurisdiction, level: int | None = None, parent: str = "") -> QuerySet[Region]:
    regions = Region.objects.within(actor).current()
    if level:
        regions = regions.filter(level=level)
    if parent:
        regions = regions.filter(parent_code=parent)
    return regions


def villages_within(actor: HasJurisdiction) -> QuerySet[Region]:
    return region_list(actor=actor, level=RegionLevel.VILLAGE)


def region_path(code: str) -> list[Region]:
    """Province → … → the region itself, for breadcrumbs and addresses."""
    codes = [*ancestor_codes(code), code]
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def region_names(codes: set[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def full_name(code: str) -> str:
    """Township and village names joined (e.g. 长铺子苗族侗族乡 / 大园村), the way clerks say a place."""
    path = region_path(code)
    return " / ".join(r.name for r in path if r.level >= RegionLevel.TOWNSHIP) or (
        path[-1].name if path else code
    )


def correction_list(*, actor: HasJurisdiction) -> QuerySet[RegionCorrection]:
    """Local corrections of regions inside the actor's jurisdiction, newest first."""
    if not actor.jurisdiction_prefix:
        return RegionCorrection.objects.none()
    return RegionCorrection.objects.filter(code__range=code_range(actor.jurisdiction_prefix)).order_by(
        "-imported_at", "-id"
    )
