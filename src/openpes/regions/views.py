"""Region pages: browse the division tree of the jurisdiction; administrators import local corrections."""

from __future__ import annotations

import re
from typing import cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openpes.core.errors import DomainError
from openpes.core.jurisdiction import CODE_LENGTH, HasJurisdiction, covers
from openpes.core.views import posted, staff_page
from openpes.regions import selectors, services
from openpes.regions.forms import CorrectionUploadForm, picker_select
from openpes.regions.models import RegionLevel

COLUMN_LABELS = {
    "code": "区划代码",
    "kind": "类型",
    "name": "名称",
    "parent_code": "上级区划代码",
    "replaced_by": "合并至",
    "note": "说明",
    "file": "文件",
}


def _actor(request: HttpRequest) -> HasJurisdiction:
    return cast(HasJurisdiction, request.user)  # LoginRequiredMiddleware made sure someone signed in


@staff_page("regions.view_region")
def browse(request: HttpRequest, code: str = "") -> HttpResponse:
    """One region of the jurisdiction (its own region by default) and the regions directly below it."""
    actor = _actor(request)
    prefix = actor.jurisdiction_prefix
    region = selectors.region_within(actor=actor, code=code or prefix.ljust(CODE_LENGTH, "0"))
    if region is None:
        raise Http404
    path = [(r, covers(prefix, r.code)) for r in selectors.region_path(region.code)]
    children = selectors.region_list(actor=actor, parent=region.code)
    return render(request, "regions/browse.html", {"region": region, "path": path, "children": children})


def _error_lines(exc: DomainError) -> list[str]:
    """ "第3行.code: 区划代码应为12位数字" → "第3行（区划代码）：区划代码应为12位数字"."""
    lines = []
    for error in exc.errors:
        where, _, column = error.field.rpartition(".")
        label = COLUMN_LABELS.get(column, column)
        lines.append(f"{where}（{label}）：{error.message}" if where else f"{label}：{error.message}")
    return lines


FIELD_NAME = re.compile(r"[a-z_]{1,40}")


def picker(request: HttpRequest) -> HttpResponse:
    """The select below the region just chosen in a VillagePicker (htmx). Outside the jurisdiction: 404."""
    actor = _actor(request)
    field = request.GET.get("field", "")
    parent = request.GET.get(f"{field}_parent", "")
    if not FIELD_NAME.fullmatch(field):
        raise Http404
    if not parent:  # the "please choose" option: nothing below it
        return HttpResponse("")
    region = selectors.region_within(actor=actor, code=parent)
    if region is None or region.retired or region.level >= RegionLevel.VILLAGE:
        raise Http404
    return HttpResponse(picker_select(actor, parent=region.code, field=field, selected=[]))


@staff_page("regions.view_region", "regions.add_regioncorrection")
def corrections(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of local corrections; every row is checked first and one bad row writes nothing."""
    form = CorrectionUploadForm(posted(request), request.FILES if request.method == "POST" else None)
    row_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = services.parse_corrections(form.cleaned_data["file"])
            if not rows:
                raise DomainError("file", "文件中没有数据行")
            done = services.import_corrections(actor=_actor(request), rows=rows)
        except DomainError as exc:
            row_errors = _error_lines(exc)
        else:
            messages.success(request, f"已导入 {len(done)} 条区划本地更正。")
            return redirect("regions:corrections")
    return render(
        request,
        "regions/corrections.html",
        {
            "form": form,
            "row_errors": row_errors,
            "corrections": selectors.correction_list(actor=_actor(request))[:100],
        },
    )
