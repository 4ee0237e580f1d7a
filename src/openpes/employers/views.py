"""Employer pages for staff: list, detail, register, edit, verify, key enterprise, accounts, demand surveys.
Form in → service/selector → template out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from openpes.accounts.models import Staff
from openpes.core.errors import DomainError, NotFound
from openpes.core.views import list_response, paginate, posted, search_data, staff_page
from openpes.employers import rules, selectors, services
from openpes.employers.forms import (
    DemandSurveyForm,
    EmployerFilterForm,
    EmployerForm,
    KeyEnterpriseForm,
    ReasonForm,
    RevealForm,
    VerifyForm,
    occupation_options,
)
from openpes.employers.models import Employer
from openpes.employers.selectors import EmployerFilters
from openpes.regions.selectors import full_name, region_names
from openpes.taxonomy.models import Industry, Occupation

VIEW = "employers.view_employer"


def _actor(request: HttpRequest) -> Staff:
    return request.user  # type: ignore[return-value]


def _employer_or_404(request: HttpRequest, pk: int) -> Employer:
    employer = selectors.employer_get(actor=_actor(request), pk=pk)
    if employer is None:
        raise Http404
    return employer


def _with_place_names(rows: Iterable[Any], attr: str = "region_code") -> list[Any]:
    rows = list(rows)
    names = region_names({getattr(row, attr) for row in rows})
    for row in rows:
        row.place_name = names.get(getattr(row, attr), getattr(row, attr))
    return rows


@staff_page(VIEW)
def employer_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = EmployerFilterForm(search_data(request), actor=actor)
    filters = form.filters()
    page = paginate(request, selectors.employer_list(actor=actor, filters=filters))
    page.object_list = _with_place_names(page.object_list)
    context = {
        "form": form,
        "page": page,
        "filtered": filters != EmployerFilters(),
        "pending": selectors.pending_count(actor=actor),
    }
    return list_response(
        request,
        page="employers/employer_list.html",
        results="employers/_employer_results.html",
        context=context,
        shown=form.shown,
    )


def _detail_context(request: HttpRequest, employer: Employer, **forms: Any) -> dict[str, Any]:
    actor = _actor(request)
    industry = (
        Industry.objects.filter(code=employer.industry_code).values_list("name", flat=True).first()
        if employer.industry_code
        else None
    )
    context: dict[str, Any] = {
        "employer": employer,
        "place": full_name(employer.region_code),
        "industry_name": industry or "",
        "can_publish": rules.employer_can_publish(employer),
        "may_change": services.may_change(actor, employer),
        "accounts": list(selectors.accounts_of(actor=actor, employer=employer)),
        "surveys": list(selectors.demand_surveys_of(actor=actor, employer=employer)[:10]),
        "verify_form": forms.get("verify_form") or VerifyForm(),
        "disable_form": forms.get("disable_form") or ReasonForm(),
        "reveal_form": forms.get("reveal_form") or RevealForm(),
        "revealed": forms.get("revealed"),
    }
    if actor.has_perm(services.MANAGE_KEY):
        specialists = list(selectors.specialist_choices(actor=actor, employer=employer))
        context["key_form"] = forms.get("key_form") or KeyEnterpriseForm(
            specialists=specialists, employer=employer
        )
    return context


@staff_page(VIEW)
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employer = _employer_or_404(request, pk)
    return render(request, "employers/employer_detail.html", _detail_context(request, employer))


@staff_page(VIEW)
@require_POST
@never_cache
def employer_contact_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the whole contact phone on this response only; the service writes the access log."""
    employer = _employer_or_404(request, pk)
    form = RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            revealed = services.employer_contact_reveal(
                actor=_actor(request), employer=employer, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.attach(exc)
        else:
            form = RevealForm()
    context = _detail_context(request, employer, reveal_form=form, revealed=revealed)
    return render(request, "employers/employer_detail.html", context, status=200 if revealed else 422)


@staff_page(VIEW, "employers.add_employer")
def employer_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = EmployerForm(posted(request), actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            employer = services.employer_create(actor=actor, data=form.to_input())
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, f"已登记用人单位 {employer.name}，待审核。")
            return redirect("employers:employer_detail", pk=employer.pk)
    return render(request, "employers/employer_form.html", {"form": form})


@staff_page(VIEW)
def employer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    employer = _employer_or_404(request, pk)
    if not services.may_change(actor, employer):
        raise PermissionDenied
    form = EmployerForm(posted(request), actor=actor, employer=employer)
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_update(
                actor=actor, employer=employer, data=form.to_input(), fields=form.changed_fields()
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, f"已保存 {employer.name} 的信息。")
            return redirect("employers:employer_detail", pk=employer.pk)
    return render(request, "employers/employer_form.html", {"form": form, "employer": employer})


@staff_page(VIEW, services.VERIFY)
@require_POST
def employer_verify(request: HttpRequest, pk: int) -> HttpResponse:
    employer = _employer_or_404(request, pk)
    form = VerifyForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.employer_verify(
                actor=_actor(request), employer=employer, approve=approve, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, f"{employer.name}：{employer.get_verification_display()}。")
            return redirect("employers:employer_detail", pk=employer.pk)
    context = _detail_context(request, employer, verify_form=form)
    return render(request, "employers/employer_detail.html", context, status=422)


@staff_page(VIEW, services.MANAGE_KEY)
@require_POST
def employer_key_enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    employer = _employer_or_404(request, pk)
    specialists = list(selectors.specialist_choices(actor=actor, employer=employer))
    form = KeyEnterpriseForm(request.POST, specialists=specialists, employer=employer)
    if form.is_valid():
        try:
            services.employer_key_enterprise_set(
                actor=actor,
                employer=employer,
                is_key_enterprise=form.cleaned_data["is_key_enterprise"],
                specialist=form.chosen_specialist(),
            )
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, f"已保存 {employer.name} 的重点企业和专员。")
            return redirect("employers:employer_detail", pk=employer.pk)
    context = _detail_context(request, employer, key_form=form)
    return render(request, "employers/employer_detail.html", context, status=422)


def _account_or_404(request: HttpRequest, pk: int, account_pk: int) -> Any:
    account = selectors.account_get(actor=_actor(request), pk=account_pk)
    if account is None or account.employer_id != pk:
        raise Http404
    return account


@staff_page(VIEW, services.VERIFY)
@require_POST
def account_confirm(request: HttpRequest, pk: int, account_pk: int) -> HttpResponse:
    account = _account_or_404(request, pk, account_pk)
    try:
        services.account_confirm(actor=_actor(request), account=account)
    except DomainError as exc:
        messages.error(request, exc.errors[0].message)
    else:
        messages.success(request, f"已确认单位账号 {account.login_name}。")
    return redirect("employers:employer_detail", pk=pk)


@staff_page(VIEW, services.VERIFY)
@require_POST
def account_disable(request: HttpRequest, pk: int, account_pk: int) -> HttpResponse:
    account = _account_or_404(request, pk, account_pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.account_disable(
                actor=_actor(request), account=account, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, f"已停用单位账号 {account.login_name}。")
            return redirect("employers:employer_detail", pk=pk)
    context = _detail_context(request, account.employer, disable_form=form)
    return render(request, "employers/employer_detail.html", context, status=422)


@staff_page(VIEW, "employers.add_demandsurvey")
def demand_survey_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    employer = _employer_or_404(request, pk)
    if not services.may_change(actor, employer):
        raise PermissionDenied
    form = DemandSurveyForm(posted(request), initial={"surveyed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.demand_survey_create(
                actor=actor,
                employer=employer,
                surveyed_on=form.cleaned_data["surveyed_on"],
                note=form.cleaned_data["note"],
                lines=form.lines(),
            )
        except DomainError as exc:
            form.attach_lines(exc)
        else:
            messages.success(request, f"已录入 {employer.name} 的用工需求调查。")
            return redirect("employers:employer_detail", pk=employer.pk)
    context = {"form": form, "employer": employer, "occupations": occupation_options()}
    return render(request, "employers/demand_survey_form.html", context)


@staff_page("employers.view_demandsurvey")
def demand_survey_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.demand_survey_list(actor=_actor(request)))
    surveys = list(page.object_list)
    codes = {line.occupation_code for survey in surveys for line in survey.lines.all()}
    names = dict(Occupation.objects.filter(code__in=codes).values_list("code", "name"))
    for survey in surveys:
        for line in survey.lines.all():
            line.occupation_name = names.get(line.occupation_code, "")
    page.object_list = surveys
    return render(request, "employers/demand_survey_list.html", {"page": page})
