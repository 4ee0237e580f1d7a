"""The caller's own account over JSON."""

from typing import cast

from django.http import HttpRequest
from ninja import Router

from openpes.accounts.models import Staff
from openpes.accounts.schemas import MeOut
from openpes.core.api import actor_of, responses

router = Router(tags=["本人"])


@router.get(
    "/me", response=responses(MeOut), summary="当前用户", description="登录名、姓名、辖区、角色和权限。"
)
def me(request: HttpRequest) -> Staff:
    return cast(Staff, actor_of(request))
