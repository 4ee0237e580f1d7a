"""Who the API caller is."""

from __future__ import annotations

from ninja import Field, Schema

from openpes.accounts.models import Staff
from openpes.accounts.roles import Role
from openpes.regions.schemas import RegionOut


class RoleOut(Schema):
    code: str = Field(..., description="角色代码")
    label: str = Field(..., description="角色名称")


class MeOut(Schema):
    username: str = Field(..., description="登录名")
    full_name: str = Field(..., description="姓名")
    jurisdiction: RegionOut = Field(..., description="辖区")
    institution: str = Field("", description="所属机构")
    roles: list[RoleOut] = Field(..., description="角色")
    permissions: list[str] = Field(..., description="角色授予的权限代码，如 people.view_person")

    @staticmethod
    def resolve_institution(obj: Staff) -> str:
        return obj.institution.name if obj.institution is not None else ""

    @staticmethod
    def resolve_roles(obj: Staff) -> list[dict[str, str]]:
        return [{"code": r, "label": Role(r).label} for r in sorted(obj.roles) if r in Role.values]

    @staticmethod
    def resolve_permissions(obj: Staff) -> list[str]:
        return sorted(obj.get_all_permissions())


class PingOut(Schema):
    status: str = Field(..., description="ok：令牌或会话有效")
