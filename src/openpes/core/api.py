"""What every app's API router stands on: authentication, the documented answers and the handler helpers.

It lives in the kernel so that a router of any app (regions as much as people) can use it without
importing an app above its own: the NinjaAPI itself, its error handlers and its docs page are in the `api`
app on top (`api/core.py`), which mounts the routers. An operation names the permissions it needs with
`auth=needs("people.view_person")`, checked right after authentication; the handler finds the acting staff
member with `actor_of(request)` and fetches records only through selectors, so a record outside the
jurisdiction is a 404 (`found`), never a 403.

The staff model is `settings.AUTH_USER_MODEL` and the function that turns a bearer token into a staff
member is `settings.API_TOKEN_AUTHENTICATOR` (`accounts.services.token_authenticate`): named by the
settings, as Django names its authentication backends, so that the kernel imports no app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from openpes.core.errors import NotFound

NOT_FOUND_MESSAGE = "记录不存在，或不在您的辖区内"
FORBIDDEN_MESSAGE = "您的角色没有进行此操作的权限。如需开通，请联系系统管理员。"
UNAUTHENTICATED_MESSAGE = "未登录，或 API 令牌无效、已过期、已吊销"
PASSWORD_CHANGE_MESSAGE = "请先在网页上修改管理员设置的初始密码（登录后按提示修改），再使用本系统和接口"  # noqa: S105
CSRF_MESSAGE = "CSRF 校验失败：使用网页会话调用接口时，请在 X-CSRFToken 请求头中带上 csrftoken"


class Actor(Protocol):
    """The acting staff member as the kernel sees it (an `accounts.Staff`)."""

    @property
    def jurisdiction_prefix(self) -> str: ...

    @property
    def jurisdiction_id(self) -> str: ...

    def has_perms(self, perm_list: Iterable[str], obj: Any = None) -> bool: ...


# --- authentication ---------------------------------------------------------------------------------------


def _is_active_staff(user: object) -> bool:
    return isinstance(user, get_user_model()) and user.is_authenticated and user.is_active


def permitted(staff: Any, perms: tuple[str, ...]) -> Actor:
    """The staff member, if their roles grant every one of `perms`; else 403. Checked as part of
    authentication, so a caller without the permission learns nothing from how their input would fare."""
    if getattr(staff, "must_change_password", False):
        # a password chosen by an administrator opens nothing, tokens included, until its owner replaces it
        raise HttpError(403, PASSWORD_CHANGE_MESSAGE)
    if not staff.has_perms(perms):
        raise PermissionDenied
    return cast(Actor, staff)


def _token_authenticator() -> Callable[[str], Any]:
    return cast(Callable[[str], Any], import_string(settings.API_TOKEN_AUTHENTICATOR))


class BearerToken(HttpBearer):
    """`Authorization: Bearer opes_…`: a personal API token acting as its staff member."""

    def __init__(self, *perms: str) -> None:
        self.perms = perms
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Actor:
        staff = _token_authenticator()(token.strip())
        if not _is_active_staff(staff):
            # A token was sent and is wrong, expired or revoked: refuse outright rather than fall back to a
            # session cookie that may happen to ride along.
            raise AuthenticationError(401, UNAUTHENTICATED_MESSAGE)
        return permitted(staff, self.perms)


class StaffSession(APIKeyCookie):
    """The staff web session (the same log-in, idle timeout and second factor as the pages, see
    accounts.middleware), with Django's CSRF check for unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, *perms: str, csrf: bool = True) -> None:
        self.perms = perms
        super().__init__(csrf=csrf)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Unlike ninja's SessionAuth, look for a signed-in user first: an anonymous POST is a 401, not a
        # CSRF failure.
        if not request.user.is_authenticated:
            return None
        if self.csrf and check_csrf(request):
            raise HttpError(403, CSRF_MESSAGE)
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        if not _is_active_staff(request.user):
            return None
        return permitted(request.user, self.perms)


def needs(*perms: str) -> list[AuthBase]:
    """`auth=needs("people.view_person")`: a token or a session whose staff member holds `perms`."""
    return [BearerToken(*perms), StaffSession(*perms)]


# --- answers ----------------------------------------------------------------------------------------------


class Utf8JSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


RENDERER = Utf8JSONRenderer()
CONTENT_TYPE = f"{RENDERER.media_type}; charset={RENDERER.charset}"


def no_copies(response: HttpResponse) -> HttpResponse:
    """Answers carry personal data: no browser or proxy may keep a copy."""
    response.setdefault("Cache-Control", "no-store")
    return response


def json_response(request: HttpRequest, data: Any, status: int = 200) -> HttpResponse:
    """An answer rendered as the API renders every answer (for a handler that builds its data itself)."""
    return json_bytes_response(RENDERER.render(request, data, response_status=status), status)


def json_bytes_response(content: bytes, status: int = 200) -> HttpResponse:
    """An answer already written as UTF-8 JSON, sent as every answer is sent."""
    return no_copies(HttpResponse(content, status=status, content_type=CONTENT_TYPE))


# --- the error format, as documented in the OpenAPI document ---------------------------------------------


class ErrorOut(Schema):
    detail: str = Field(..., description="说明")


class FieldErrorOut(Schema):
    field: str = Field(..., description="出错的项（嵌套时以点分隔，如 members.0.name）")
    message: str = Field(..., description="中文说明")
    existing_id: int | None = Field(
        None, description="与输入冲突的已有记录的编号（如身份证号码已在您的辖区内登记时），仅在有时给出"
    )


class FieldErrorsOut(Schema):
    detail: list[FieldErrorOut] = Field(..., description="每一项错误")


def responses(ok: Any, status: int = 200) -> dict[int, Any]:
    """An operation's `response=`: its answer and the error answers every operation may give."""
    return {
        status: ok,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: FieldErrorsOut,
    }


# --- helpers for handlers ---------------------------------------------------------------------------------

_T = TypeVar("_T")


def actor_of(request: HttpRequest) -> Actor:
    """The authenticated staff member (set by BearerToken or StaffSession)."""
    staff = getattr(request, "auth", None)
    if not _is_active_staff(staff):
        raise AuthenticationError(401, UNAUTHENTICATED_MESSAGE)
    return cast(Actor, staff)


def found(record: _T | None) -> _T:
    """The record a selector returned, or 404: absent and outside the jurisdiction look the same."""
    if record is None:
        raise NotFound
    return record
