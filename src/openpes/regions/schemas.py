"""The division tree over the API."""

from __future__ import annotations

from ninja import Field, Schema

from openpes.regions.models import Region, RegionLevel
from openpes.regions.selectors import region_path


class RegionOut(Schema):
    code: str = Field(..., description="12位区划代码")
    name: str = Field(..., description="名称")
    level: int = Field(..., description="层级：1 省，2 市，3 县，4 乡镇（街道），5 村（社区）")
    level_label: str = Field(..., description="层级名称")
    parent_code: str = Field(..., description="上级区划代码")

    @staticmethod
    def resolve_level_label(obj: Region) -> str:
        return RegionLevel(obj.level).label


class RegionDetailOut(RegionOut):
    retired: bool = Field(..., description="已撤销")
    replaced_by: str = Field(..., description="撤销后合并至的区划代码")
    path: list[RegionOut] = Field(..., description="从省到本级的各级区划")

    @staticmethod
    def resolve_path(obj: Region) -> list[Region]:
        return region_path(obj.code)
