"""Error pages in Chinese, for pages and the API alike; helpers shared by the staff pages.

Every view needs a signed-in staff member (settings.MIDDLEWARE has LoginRequiredMiddleware); the few that
answer anyone are marked `@login_not_required`, and tests/security/test_login_required.py lists them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.cache import patch_vary_headers


def _respond(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(
        request, "error.html", {"title": title, "message": message, "status": status}, status=status
    )


def too_large_message() -> str:
    limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return f"提交的内容太大（上限 {limit}），请减少内容后重试；大批数据请用批量导入，分批提交。"


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """For handler400. Django reads a body over DATA_UPLOAD_MAX_MEMORY_SIZE as a bad request (400, in
    English); it is a 413 here, in the shape of the channel: JSON on the API, a page elsewhere."""
    if isinstance(exception, RequestDataTooBig):
        return _respond(request, 413, "提交的内容太大", too_large_message())
    return _respond(request, 400, "请求无效", "请求的格式或来源无效，请返回上一页重试。")


@login_not_required
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _respond(request, 404, "找不到该页面", "您要找的页面或记录不存在，或不在您的辖区内。")


@login_not_required
def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _respond(request, 403, "没有权限", "您的角色没有进行此操作的权限。如需开通，请联系系统管理员。")


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """For settings.CSRF_FAILURE_VIEW: Django's own page is in English and names the technical reason."""
    return _respond(
        request,
        403,
        "页面已过期",
        "表单已过期或来源无法确认，请返回上一页，刷新后重新提交。如反复出现，请检查浏览器是否禁用了 Cookie。",
    )


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    return _respond(
        request, 500, "系统出错了", "系统处理时出错，已记录。请稍后再试；如反复出现，请联系系统管理员。"
    )


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring: 200 when the database answers, 503 otherwise."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


# --- helpers shared by the staff pages ---------------------------------------------------------------------

PAGE_SIZE = 50
View = Callable[..., HttpResponse]


def staff_page(*perms: str) -> Callable[[View], View]:
    """Every permission named, else 403 (LoginRequiredMiddleware has already sent visitors to sign in)."""

    def wrap(view: View) -> View:
        return permission_required(perms, raise_exception=True)(view)

    return wrap


def paginate(request: HttpRequest, items: QuerySet[Any], per_page: int = PAGE_SIZE) -> Page:
    """The page named by ?page= (the first on nonsense, the last past the end)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def search_data(request: HttpRequest) -> Any:
    """The filters of a list page, None when there are none. Search forms post, so that an ID number typed
    into one never lands in a URL (and with it in the logs of every proxy on the way); links of the page
    (pagination, export) carry the filters as a query string, with any full ID number masked."""
    return (request.POST if request.method == "POST" else request.GET) or None


def list_response(
    request: HttpRequest, *, page: str, results: str, context: dict[str, Any], shown: QueryDict | None
) -> HttpResponse:
    """A list page, or, when htmx asks because the filters changed, only its results (`results`, the
    template `page` includes) with the address the browser should show: `shown`, the filters as they may
    appear in a URL. So a posted search still gets an address to come back to, bookmark and reload."""
    htmx = request.htmx  # type: ignore[attr-defined]
    partial = bool(htmx) and not htmx.history_restore_request
    response = render(request, results if partial else page, {**context, "query": shown})
    if partial:
        response["HX-Push-Url"] = f"{request.path}?{shown.urlencode()}" if shown else request.path
    patch_vary_headers(response, ["HX-Request"])
    return response


def posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one, so that its errors show), None for a GET."""
    return request.POST if request.method == "POST" else None
