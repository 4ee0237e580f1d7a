"""The employers' vacancy pages of the public portal (/jobs/employer/vacancies/): their own vacancies, a
new one, edit, the screening reasons in plain Chinese before submitting (a blocking flag keeps it from
being submitted until fixed), submit, withdraw. On portal/base.html, for signed-in employer accounts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openpes.core.errors import DomainError, NotFound
from openpes.core.views import posted
from openpes.employers import rules as employer_rules
from openpes.employers.models import Employer, EmployerAccount
from openpes.employers.portal import portal_account, portal_login_required
from openpes.employers.selectors import portal_employer
from openpes.vacancies import presenters, rules, selectors, services
from openpes.vacancies.forms import ReasonForm, VacancyForm
from openpes.vacancies.models import Vacancy


def _who(request: HttpRequest) -> tuple[EmployerAccount, Employer]:
    account = portal_account(request)
    employer = portal_employer(account) if account is not None else None
    if account is None or employer is None:
        raise PermissionDenied  # an account the office has not confirmed sees nothing of the employer
    return account, employer


def _vacancy_or_404(employer: Employer, pk: int) -> Vacancy:
    vacancy = selectors.portal_vacancy_get(employer=employer, pk=pk)
    if vacancy is None:
        raise Http404
    return vacancy


@portal_login_required
def vacancy_list(request: HttpRequest) -> HttpResponse:
    account, employer = _who(request)
    vacancies: list[Any] = list(selectors.portal_vacancy_list(employer=employer)[:200])
    for vacancy in vacancies:
        vacancy.pay_shown = presenters.pay_shown(vacancy)
        vacancy.blocked = bool(rules.blocking_flags(vacancy.screening_flags))
    context = {
        "employer": employer,
        "vacancies": vacancies,
        "refusal": employer_rules.publish_refusal(employer),
        "account_confirmed": employer_rules.account_can_publish(account, employer),
    }
    return render(request, "vacancies/portal/vacancy_list.html", context)


@portal_login_required
def vacancy_create(request: HttpRequest) -> HttpResponse:
    account, employer = _who(request)
    form = VacancyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            intake = services.vacancy_intake(actor=account, data=form.to_input())
        except DomainError as exc:
            form.attach(exc)
        else:
            # Only the employer's own vacancies are ever compared, so the numbers shown are its own.
            if intake.merged:
                messages.info(request, f"{intake.message}，无需再次提交。")
            else:
                messages.success(
                    request, "已保存为草稿。请查看下方的识别结果和筛查提示，确认无误后提交审核。"
                )
                if intake.message:
                    messages.warning(request, f"{intake.message}。")
            return redirect("vacancy_portal:vacancy_detail", pk=intake.vacancy.pk)
    return render(request, "vacancies/portal/vacancy_form.html", {"form": form, "employer": employer})


@portal_login_required
def vacancy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account, employer = _who(request)
    vacancy = _vacancy_or_404(employer, pk)
    form = VacancyForm(posted(request), vacancy=vacancy)
    if request.method == "POST" and form.is_valid():
        try:
            services.vacancy_update(actor=account, vacancy=vacancy, data=form.to_input())
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, f"已保存（{vacancy.get_status_display()}）。")
            return redirect("vacancy_portal:vacancy_detail", pk=vacancy.pk)
    context = {"form": form, "employer": employer, "vacancy": vacancy}
    return render(request, "vacancies/portal/vacancy_form.html", context)


def _detail(request: HttpRequest, employer: Employer, vacancy: Vacancy, **extra: Any) -> dict[str, Any]:
    return {
        "employer": employer,
        "vacancy": vacancy,
        "rows": presenters.normalised_rows(vacancy),
        "screening": presenters.screening_messages(vacancy, for_employer=True),
        "submit_refusal": rules.submit_refusal(vacancy.status, vacancy.screening_flags),
        "editable": rules.change_refusal(vacancy.status) is None,
        "refusal": employer_rules.publish_refusal(employer),
        "withdraw_form": extra.get("withdraw_form") or ReasonForm(),
    }


@portal_login_required
def vacancy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _, employer = _who(request)
    vacancy = _vacancy_or_404(employer, pk)
    return render(request, "vacancies/portal/vacancy_detail.html", _detail(request, employer, vacancy))


@portal_login_required
@require_POST
def vacancy_submit(request: HttpRequest, pk: int) -> HttpResponse:
    account, employer = _who(request)
    vacancy = _vacancy_or_404(employer, pk)
    try:
        services.vacancy_submit(actor=account, vacancy=vacancy)
    except DomainError as exc:
        messages.error(request, exc.errors[0].message)
    else:
        messages.success(request, "已提交审核，审核结果将在本页显示。")
    return redirect("vacancy_portal:vacancy_detail", pk=vacancy.pk)


@portal_login_required
@require_POST
def vacancy_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    account, employer = _who(request)
    vacancy = _vacancy_or_404(employer, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.vacancy_withdraw(actor=account, vacancy=vacancy, reason=form.cleaned_data["reason"])
        except (DomainError, NotFound) as exc:
            if isinstance(exc, NotFound):
                raise Http404 from exc
            form.attach(exc)
        else:
            messages.success(request, "岗位已撤回，不再对外显示。")
            return redirect("vacancy_portal:vacancy_detail", pk=vacancy.pk)
    context = _detail(request, employer, vacancy, withdraw_form=form)
    return render(request, "vacancies/portal/vacancy_detail.html", context, status=422)
