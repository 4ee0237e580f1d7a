"""The one NinjaAPI object: the error format, the docs page and the answers' headers.

Each app brings its own router (`people/api.py`, `regions/api.py`, `accounts/api.py`), built on
`core/api.py` (authentication with `needs(...)`, `actor_of`, `found`, `responses`); `api/urls.py` mounts
them here.

Error format, for every endpoint:
- bad input (a service's DomainError or a request that does not match the schema): 422
  `{"detail": [{"field": "id_number", "message": "…"}]}`
- not found or outside the jurisdiction: 404 `{"detail": "…"}`
- the role lacks the permission, or a session request without its CSRF token: 403 `{"detail": "…"}`
- no valid session or token: 401 `{"detail": "…"}`
- a method the address does not take: 405 `{"detail": "…"}` with an Allow header
- a body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413 `{"detail": "…"}`
- a write whose body is not declared `Content-Type: application/json`: 415 `{"detail": "…"}`
- over a rate limit (the public job search per address, a partner key per key, core/throttling.py): 429
  `{"detail": "…"}` with Retry-After
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import HttpError, Throttled, ValidationError
from ninja.openapi.docs import Swagger
from ninja.parser import Parser

from openpes.core.api import (
    CSRF_MESSAGE,
    FORBIDDEN_MESSAGE,
    NOT_FOUND_MESSAGE,
    RENDERER,
    UNAUTHENTICATED_MESSAGE,
    needs,
    no_copies,
)
from openpes.core.errors import DomainError, NotFound
from openpes.core.schemas import OPTIONAL_REGION_CODE, REGION_CODE
from openpes.core.throttling import throttled_message
from openpes.core.views import too_large_message

NOT_JSON_MESSAGE = "请求内容须为 JSON，并带请求头 Content-Type: application/json"

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


class JsonOnlyParser(Parser):
    """Bodies are JSON and say so. A form or text body is refused before it is read (415) rather than
    parsed as JSON by chance, which also keeps a cross-site form post from ever reaching a handler."""

    WRITES = frozenset({"POST", "PUT", "PATCH"})

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        media_type = (request.content_type or "").split(";")[0].strip().lower()
        if request.method in self.WRITES and media_type != "application/json":
            raise HttpError(415, NOT_JSON_MESSAGE)
        return super().parse_body(request)


class OpenPESAPI(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        return no_copies(
            super().create_response(request, data, status=status, temporal_response=temporal_response)
        )


DESCRIPTION = """OpenPES 公共就业服务信息平台的数据接口。

**认证**：网页登录后的会话（修改类请求须带 `X-CSRFToken` 请求头），或个人 API 令牌
`Authorization: Bearer opes_…`。令牌与其所属工作人员的辖区和角色相同。

**错误**：输入有误返回 422 `{"detail": [{"field": "…", "message": "…"}]}`；记录不存在或不在辖区内返回 404；
无权限返回 403；未登录或令牌无效返回 401。

**合作系统**：`/partner/…` 接口用签发给合作系统的 API 密钥认证，放在请求头 `X-API-Key: opes_p_…` 中
（不用 Authorization）；工作人员的令牌不能用于合作系统接口，合作系统的密钥也不能用于其他接口。
密钥缺少所需权限范围返回 403，无效、过期或吊销返回 401，请求过于频繁返回 429（带 Retry-After）。

身份证号码和联系电话只返回脱敏值；查看完整值请用 `POST /persons/{person_id}/reveal`，须写明事由并记入日志。
"""

api = OpenPESAPI(
    title="OpenPES 数据接口",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=needs(),
    renderer=RENDERER,
    parser=JsonOnlyParser(),
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


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
    "enum": "取值无效，可选：{choices}",
    "literal_error": "取值无效，可选：{choices}",
    "choice": "取值无效，可选：{choices}",
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


_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'" r'|"((?:[^"\\]|\\.)*)"')


def choices(expected: str) -> str:
    """pydantic's "'id_number' or 'phone'" (or "1, 2 or 3") → "id_number、phone": the list the Chinese way."""
    quoted = _QUOTED.findall(expected)
    items = [a or b for a, b in quoted] if quoted else re.split(r",\s*|\s+or\s+", expected)
    return "、".join(item.strip() for item in items if item.strip())


def error_message(error: dict[str, Any]) -> str:
    ctx = dict(error.get("ctx") or {})
    if "expected" in ctx:
        ctx["choices"] = choices(str(ctx["expected"]))
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


@api.exception_handler(RequestDataTooBig)
def on_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(request, {"detail": too_large_message()}, status=413)


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = api.create_response(request, {"detail": throttled_message(exc.wait)}, status=429)
    response["Retry-After"] = str(max(1, math.ceil(exc.wait or 1)))
    return response


def json_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wraps a path's view: ninja answers a method the path does not take with a plain-text 405."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            message = f"此地址不接受 {request.method} 请求，可用：{'、'.join(allowed.split(', '))}"
            response = api.create_response(request, {"detail": message}, status=405)
            response["Allow"] = allowed
        return response

    return wrapped


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and isinstance(exc.__cause__, HttpError):
        return on_http_error(request, exc.__cause__)  # ninja wraps whatever the parser raised in a 400
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
