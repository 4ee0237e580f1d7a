"""The one NinjaAPI object: authentication, the error format and the helpers every router uses.

Each app brings its own router (`people/api.py`, `regions/api.py`, `accounts/api.py`); `api/urls.py` mounts
them here. An operation names the permissions it needs with `auth=needs("people.view_person")`, checked
right after authentication; the handler finds the acting staff member with `actor_of(request)` and fetches
records only through selectors, so a record outside the jurisdiction is a 404 (`found`), never a 403.

Error format, for every endpoint:
- bad input (a service's DomainError or a request that does not match the schema): 422
  `{"detail": [{"field": "id_number", "message": "…"}]}`
- not found or outside the jurisdiction: 404 `{"detail": "…"}`
- the role lacks the permission, or a session request without its CSRF token: 403 `{"detail": "…"}`
- no valid session or token: 401 `{"detail": "…"}`
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from openpes.accounts.models import Staff
from openpes.accounts.services import token_authenticate
from openpes.api.types import OPTIONAL_REGION_CODE, REGION_CODE
from openpes.core.errors import DomainError, NotFound

NOT_FOUND_MESSAGE = "记录不存在，或不在您的辖区内"
FORBIDDEN_MESSAGE = "您的角色没有进行此操作的权限。如需开通，请联系系统管理员。"
UNAUTHENTICATED_MESSAGE = "未登录，或 API 令牌无效、已过期、已吊销"
CSRF_MESSAGE = "CSRF 校验失败：使用网页会话调用接口时，请在 X-CSRFToken 请求头中带上 csrftoken"


# --- authentication ---------------------------------------------------------------------------------------


def permitted(staff: Staff, perms: tuple[str, ...]) -> Staff:
    """The staff member, if their roles grant every one of `perms`; else 403. Checked as part of
    authentication, so a caller without the permission learns nothing from how their input would fare."""
    if not staff.has_perms(perms):
        raise PermissionDenied
    return staff


class BearerToken(HttpBearer):
    """`Authorization: Bearer opes_…`: a personal API token acting as its staff member."""

    def __init__(self, *perms: str) -> None:
        self.perms = perms
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Staff:
        staff = token_authenticate(token.strip())
        if staff is None:
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

    def authenticate(self, request: HttpRequest, key: str | None) -> Staff | None:
        user = request.user
        if not (isinstance(user, Staff) and user.is_authenticated and user.is_active):
            return None
        return permitted(user, self.perms)


def needs(*perms: str) -> list[AuthBase]:
    """`auth=needs("people.view_person")`: a token or a session whose staff member holds `perms`."""
    return [BearerToken(*perms), StaffSession(*perms)]


# --- the docs page, from our own static files -------------------------------------------------------------


class LocalSwagger(Swagger):
    """Swagger UI served from static/vendor/swagger-ui (government intranets have no CDN), configured by
    a JSON block and started by api/swagger-init.js so that the page needs no inline script."""

    template = "api/swagger.html"
    default_settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        "validatorUrl": None,  # the default badge would call validator.swagger.io
        "docExpansion": "list",
        "defaultModelsExpandDepth": 0,
    }

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        config = {**self.settings, "url": reverse(f"{api.urls_namespace}:openapi-json", kwargs=kwargs)}
        return render(request, self.template, {"api": api, "swagger_settings": config})


# --- the API ----------------------------------------------------------------------------------------------


class Utf8JSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class OpenPESAPI(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        # Answers carry personal data: no browser or proxy may keep a copy.
        response.setdefault("Cache-Control", "no-store")
        return response


DESCRIPTION = """OpenPES 公共就业服务信息平台的数据接口。

**认证**：网页登录后的会话（修改类请求须带 `X-CSRFToken` 请求头），或个人 API 令牌
`Authorization: Bearer opes_…`。令牌与其所属工作人员的辖区和角色相同。

**错误**：输入有误返回 422 `{"detail": [{"field": "…", "message": "…"}]}`；记录不存在或不在辖区内返回 404；
无权限返回 403；未登录或令牌无效返回 401。

身份证号码和联系电话只返回脱敏值；查看完整值请用 `POST /persons/{person_id}/reveal`，须写明事由并记入日志。
"""

api = OpenPESAPI(
    title="OpenPES API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=needs(),
    renderer=Utf8JSONRenderer(),
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


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


def actor_of(request: HttpRequest) -> Staff:
    """The authenticated staff member (set by BearerToken or StaffSession)."""
    staff = getattr(request, "auth", None)
    if not isinstance(staff, Staff):
        raise AuthenticationError(401, UNAUTHENTICATED_MESSAGE)
    return staff


def found(record: _T | None) -> _T:
    """The record a selector returned, or 404: absent and outside the jurisdiction look the same."""
    if record is None:
        raise NotFound
    return record


# --- errors -----------------------------------------------------------------------------------------------

_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
BODY_PARAM = "payload"  # handlers name their body schema argument so; it never shows in an error's field

_MESSAGES: dict[str, str] = {
    "missing": "缺少必填项",
    "extra_forbidden": "不能提交这一项",
    "string_type": "应为文本",
    "string_too_short": "至少{min_length}个字",
    "string_too_long": "不能超过{max_length}个字",
    "string_pattern_mismatch": "格式不正确",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "greater_than_equal": "不能小于{ge}",
    "greater_than": "应大于{gt}",
    "less_than_equal": "不能大于{le}",
    "less_than": "应小于{lt}",
    "enum": "取值无效，可选：{expected}",
    "literal_error": "取值无效，可选：{expected}",
    "choice": "取值无效，可选：{expected}",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "list_type": "应为列表",
    "date_type": "日期格式不正确，应为 YYYY-MM-DD",
    "date_parsing": "日期格式不正确，应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式不正确，应为 YYYY-MM-DD",
    "json_invalid": "请求内容不是有效的 JSON",
}


def error_field(loc: tuple[Any, ...] | list[Any]) -> str:
    """("body", "payload", "members", 0, "name") → "members.0.name"; ("query", "limit") → "limit"."""
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] == BODY_PARAM:
            parts.pop(0)
    return ".".join(str(p) for p in parts) or "body"


_PATTERN_MESSAGES = {
    REGION_CODE: "应为12位数字的区划代码",
    OPTIONAL_REGION_CODE: "应为12位数字的区划代码",
}


def error_message(error: dict[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    if error.get("type") == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERN_MESSAGES:
        return _PATTERN_MESSAGES[ctx["pattern"]]
    template = _MESSAGES.get(str(error.get("type")), "格式不正确")
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return template.split("{")[0].rstrip("：，") or "格式不正确"


def _field_errors(request: HttpRequest, errors: Sequence[Mapping[str, object]]) -> HttpResponse:
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _field_errors(request, exc.as_dicts())


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"field": error_field(e.get("loc", ())), "message": error_message(e)} for e in exc.errors]
    return _field_errors(request, errors)


@api.exception_handler(NotFound)
@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": NOT_FOUND_MESSAGE}, status=404)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": FORBIDDEN_MESSAGE}, status=403)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # ninja's "Cannot parse request body": still bad input, in the same shape
        return _field_errors(request, [{"field": "body", "message": _MESSAGES["json_invalid"]}])
    message = exc.message
    if exc.status_code == 401:
        message = message if message != "Unauthorized" else UNAUTHENTICATED_MESSAGE
    elif exc.status_code == 403 and message in {"Forbidden", "CSRF check Failed"}:
        message = CSRF_MESSAGE if "CSRF" in message else FORBIDDEN_MESSAGE
    response = api.create_response(request, {"detail": message}, status=exc.status_code)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = 'Bearer realm="openpes"'
    return response
