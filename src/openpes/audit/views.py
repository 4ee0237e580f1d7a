"""Read-only pages for auditors: the change log and the personal-data access log."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openpes.audit import presenters, selectors
from openpes.audit.forms import LogFilterForm
from openpes.core.jurisdiction import HasJurisdiction
from openpes.core.views import paginate, staff_page


@staff_page("audit.view_changelog")
def change_list(request: HttpRequest) -> HttpResponse:
    form = LogFilterForm(request.GET or None)
    actor = cast(HasJurisdiction, request.user)
    page = paginate(request, selectors.change_log_list(actor=actor, filters=form.filters()))
    entries = presenters.present_changes(page.object_list, actor=actor)
    return render(request, "audit/change_list.html", {"form": form, "page": page, "entries": entries})


@staff_page("audit.view_accesslog")
def access_list(request: HttpRequest) -> HttpResponse:
    form = LogFilterForm(request.GET or None)
    actor = cast(HasJurisdiction, request.user)
    page = paginate(request, selectors.access_log_list(actor=actor, filters=form.filters()))
    entries = presenters.present_accesses(page.object_list, actor=actor)
    return render(request, "audit/access_list.html", {"form": form, "page": page, "entries": entries})


@staff_page("audit.view_loginlog")
def login_list(request: HttpRequest) -> HttpResponse:
    form = LogFilterForm(request.GET or None)
    rows = selectors.login_log_list(actor=cast(HasJurisdiction, request.user), filters=form.filters())
    return render(request, "audit/login_list.html", {"form": form, "page": paginate(request, rows)})
