"""The caller's own account over JSON."""

from typing import cast

from django.http import HttpRequest
from ninja import Router

from openpes.accounts.models import Staff
from openpes.accounts.schemas import MeOut, PingOut
from openpes.core.api import actor_of, responses

router = Router(tags=["本人"])


@router.get(
    "/me", response=responses(MeOut), summary="当前用户", description="登录名、姓名、辖区、角色和权限。"
)
def me(request: HttpRequest) -> Staff:
    return cast(Staff, actor_of(request))


@router.get(
    "/ping",
    response=responses(PingOut),
    summary="检查令牌或会话是否有效",
    description="只验证身份，不读取其他数据：对接程序用它检查令牌是否仍然有效。",
)
def ping(request: HttpRequest) -> dict[str, str]:
    # Also the ceiling of benchmarks/api_load.py: the least an authenticated request can cost.
    return {"status": "ok"}
