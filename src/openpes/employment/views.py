"""Employment pages: a person's status and registrations, the lists an office works from, and the figures
it reports. Form in → service/selector → template out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from openpes.accounts.models import Staff
from openpes.core.errors import DomainError, NotFound
from openpes.core.exports import XLSX_TYPE
from openpes.core.uploads import ImportStatus
from openpes.core.views import paginate, posted, staff_page
from openpes.employment import selectors, services, survey
from openpes.employment.forms import (
    CancelForm,
    ContactForm,
    EmploymentRegistrationForm,
    FactsForm,
    KeyGroupFilterForm,
    OverturnForm,
    ParametersForm,
    RegistrationFilterForm,
    StatusChangeForm,
    SurveyUploadForm,
    UnemploymentForm,
    ZeroFilterForm,
)
from openpes.employment.models import Registration, RegistrationKind, SurveyImport
from openpes.employment.services import survey_import as importing
from openpes.employment.tasks import run_survey_import
from openpes.people import selectors as people_selectors
from openpes.people.models import Person
from openpes.regions.selectors import full_name, region_names

VIEW = "employment.view_registration"
REGISTER = (VIEW, "employment.add_registration")
CHANGE = (VIEW, "employment.change_registration")


def _actor(request: HttpRequest) -> Staff:
    return request.user  # type: ignore[return-value]


def _person_or_404(request: HttpRequest, pk: int) -> Person:
    person = people_selectors.person_get(actor=_actor(request), pk=pk)
    if person is None:
        raise Http404
    return person


def _registration_or_404(request: HttpRequest, pk: int) -> Registration:
    registration = selectors.registration_get(actor=_actor(request), pk=pk)
    if registration is None:
        raise Http404
    return registration


def _place_names(rows: list[Any], code_of: Callable[[Any], str]) -> list[Any]:
    names = region_names({code_of(row) for row in rows})
    for row in rows:
        row.place_name = names.get(code_of(row), code_of(row))
    return rows


# --- one person ---------------------------------------------------------------------------------------------


@staff_page(VIEW, "people.view_person")
def person_employment(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    person = _person_or_404(request, pk)
    registrations = list(selectors.registrations_of(actor=actor, person=person).select_related("officer"))
    memberships = list(selectors.key_groups_of(actor=actor, person=person))
    return render(
        request,
        "employment/person.html",
        {
            "person": person,
            "place": full_name(person.region_code),
            "profile": selectors.profile_of(actor=actor, person=person),
            "open_registrations": [r for r in registrations if r.is_open],
            "closed_registrations": [r for r in registrations if not r.is_open],
            "current_groups": [m for m in memberships if m.ended_on is None],
            "past_groups": [m for m in memberships if m.ended_on is not None],
            "timeline": selectors.timeline(actor=actor, person=person),
        },
    )


def _person_action(
    request: HttpRequest,
    pk: int,
    *,
    form_class: Callable[..., Any],
    heading: str,
    act: Callable[[Staff, Person, dict[str, Any]], Any],
    done: str,
    form: Any = None,
) -> HttpResponse:
    """A form about one person: show it, or call the service and go back to the person's page."""
    actor = _actor(request)
    person = _person_or_404(request, pk)
    form = form if form is not None else form_class(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            act(actor, person, form.cleaned_data)
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, done.format(name=person.name))
            return redirect("employment:person", pk=person.pk)
    return render(
        request, "employment/person_form.html", {"person": person, "form": form, "heading": heading}
    )


@staff_page(*REGISTER, "people.view_person")
def unemployment_register(request: HttpRequest, pk: int) -> HttpResponse:
    def act(actor: Staff, person: Person, data: dict[str, Any]) -> Registration:
        return services.unemployment_register(
            actor=actor,
            person=person,
            basis=data["basis"],
            reason=data["reason"],
            unemployed_since=data["unemployed_since"],
            on=data["on"],
        )

    return _person_action(
        request,
        pk,
        form_class=UnemploymentForm,
        heading="失业登记",
        act=act,
        done="已为 {name} 办理失业登记。",
    )


@staff_page(*REGISTER, "people.view_person")
def employment_register(request: HttpRequest, pk: int) -> HttpResponse:
    def act(actor: Staff, person: Person, data: dict[str, Any]) -> Registration:
        return services.employment_register(
            actor=actor,
            person=person,
            basis=data["basis"],
            form=data["form"],
            employer_name=data["employer_name"],
            by_declaration=data["by_declaration"],
            on=data["on"],
        )

    return _person_action(
        request,
        pk,
        form_class=EmploymentRegistrationForm,
        heading="就业登记",
        act=act,
        done="已为 {name} 办理就业登记。",
    )


@staff_page(*CHANGE, "people.view_person")
def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    def act(actor: Staff, person: Person, data: dict[str, Any]) -> Any:
        return services.status_change(
            actor=actor, person=person, kind=data["kind"], on=data["on"], note=data["note"]
        )

    return _person_action(
        request,
        pk,
        form_class=StatusChangeForm,
        heading="就业状态变更",
        act=act,
        done="已记录 {name} 的状态变更。",
    )


@staff_page(VIEW, "people.view_person", "employment.change_employmentprofile")
def facts_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    person = _person_or_404(request, pk)
    form = FactsForm.for_profile(posted(request), selectors.profile_of(actor=actor, person=person))

    def act(actor: Staff, person: Person, data: dict[str, Any]) -> Any:
        return services.facts_update(actor=actor, person=person, changes=form.changes())

    return _person_action(
        request,
        pk,
        form_class=FactsForm,
        heading="重点群体认定信息",
        act=act,
        done="已保存 {name} 的认定信息，重点群体已重新认定。",
        form=form,
    )


# --- one registration ---------------------------------------------------------------------------------------


def _registration_action(
    request: HttpRequest,
    pk: int,
    *,
    form_class: Callable[..., Any],
    heading: str,
    act: Callable[[Staff, Registration, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    actor = _actor(request)
    registration = _registration_or_404(request, pk)
    form = form_class(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            act(actor, registration, form.cleaned_data)
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, done.format(name=registration.person.name))
            return redirect("employment:person", pk=registration.person_id)
    return render(
        request,
        "employment/person_form.html",
        {"person": registration.person, "registration": registration, "form": form, "heading": heading},
    )


@staff_page(*CHANGE, "people.view_person")
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _registration_action(
        request,
        pk,
        form_class=CancelForm,
        heading="注销登记",
        act=lambda actor, reg, data: services.registration_cancel(
            actor=actor, registration=reg, reason=data["reason"]
        ),
        done="已注销 {name} 的登记。",
    )


@staff_page(*CHANGE, "people.view_person")
def registration_overturn(request: HttpRequest, pk: int) -> HttpResponse:
    return _registration_action(
        request,
        pk,
        form_class=OverturnForm,
        heading="承诺核查不实",
        act=lambda actor, reg, data: services.declaration_overturn(
            actor=actor, registration=reg, finding=data["finding"]
        ),
        done="已记录 {name} 的承诺核查结果，登记已结束。",
    )


@staff_page(*CHANGE, "people.view_person")
def contact_record(request: HttpRequest, pk: int) -> HttpResponse:
    return _registration_action(
        request,
        pk,
        form_class=ContactForm,
        heading="记录定期联系",
        act=lambda actor, reg, data: services.contact_record(
            actor=actor, registration=reg, channel=data["channel"], note=data["note"], on=data["on"]
        ),
        done="已记录与 {name} 的联系。",
    )


# --- lists --------------------------------------------------------------------------------------------------


@staff_page(VIEW)
def registration_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = RegistrationFilterForm(request.GET or None, actor=actor)
    values = form.values()
    state = values.get("state") or "open"
    filters = selectors.RegistrationFilters(
        kind=values.get("kind", ""),
        tier=values.get("tier", ""),
        region=values.get("region", ""),
        open=None if state == "overdue" else state == "open",
        overdue=state == "overdue",
    )
    page = paginate(request, selectors.registration_list(actor=actor, filters=filters))
    page.object_list = _place_names(list(page.object_list), lambda r: r.person.region_code)
    return render(
        request,
        "employment/registration_list.html",
        {"form": form, "page": page, "today": timezone.localdate(), "query": request.GET},
    )


@staff_page("employment.view_keygroupmembership")
def key_group_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = KeyGroupFilterForm(request.GET or None, actor=actor)
    values = form.values()
    rows = selectors.key_group_members(
        actor=actor, group=values.get("group", ""), region=values.get("region", "")
    )
    page = paginate(request, rows)
    page.object_list = _place_names(list(page.object_list), lambda m: m.person.region_code)
    return render(
        request, "employment/key_group_list.html", {"form": form, "page": page, "query": request.GET}
    )


@staff_page("employment.view_zeroemploymenthousehold")
def zero_household_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = ZeroFilterForm(request.GET or None, actor=actor)
    values = form.values()
    cleared = values.get("state") == "cleared"
    rows = selectors.zero_employment_list(actor=actor, cleared=cleared, region=values.get("region", ""))
    page = paginate(request, rows)
    page.object_list = _place_names(list(page.object_list), lambda z: z.household.region_code)
    today = timezone.localdate()
    for case in page.object_list:
        case.days = ((case.cleared_on or today) - case.found_on).days
    return render(
        request,
        "employment/zero_household_list.html",
        {"form": form, "page": page, "cleared": cleared, "query": request.GET},
    )


# --- figures ------------------------------------------------------------------------------------------------


@staff_page(VIEW)
def overview(request: HttpRequest) -> HttpResponse:
    """The figures an office reports, each a link to its list; per township for the county."""
    return render(request, "employment/overview.html", _figures(_actor(request)))


@staff_page(VIEW)
def dashboard_panel(request: HttpRequest) -> HttpResponse:
    """The same figures and the officer's overdue contacts, as a panel the dashboard loads."""
    return render(request, "employment/_dashboard_panel.html", _figures(_actor(request)))


def _figures(actor: Staff) -> dict[str, Any]:
    townships = selectors.zero_employment_by_township(actor=actor)
    names = region_names({row["township"] for row in townships})
    for row in townships:
        row["name"] = names.get(row["township"], row["township"])
    mine = list(selectors.overdue_contacts(actor=actor, officer=actor)[:10])
    return {
        "summary": selectors.employment_summary(actor=actor),
        "townships": townships,
        "my_overdue": mine,
        "today": timezone.localdate(),
        "unemployment": RegistrationKind.UNEMPLOYMENT,
        "employment": RegistrationKind.EMPLOYMENT,
        "month_start": selectors.month_start(timezone.localdate()),
    }


# --- the survey import --------------------------------------------------------------------------------------

SURVEY = (VIEW, "employment.change_employmentprofile")


def _import_or_404(request: HttpRequest, pk: int) -> SurveyImport:
    record = selectors.survey_import_get(actor=_actor(request), pk=pk)
    if record is None:
        raise Http404
    return record


@staff_page(*SURVEY)
def survey_upload(request: HttpRequest) -> HttpResponse:
    """Upload a village's survey workbook: it is read and checked, nothing is imported yet."""
    actor = _actor(request)
    form = SurveyUploadForm(posted(request), request.FILES or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = importing.survey_check(
                actor=actor,
                region_code=form.cleaned_data["region_code"],
                filename=upload.name,
                content=upload.read(),
                mode=form.cleaned_data["mode"],
            )
        except DomainError as exc:
            form.attach(exc)
        else:
            return redirect("employment:survey_detail", pk=record.pk)
    recent = list(selectors.survey_imports(actor=actor)[:20])
    _place_names(recent, lambda r: r.region_code)
    return render(request, "employment/survey_upload.html", {"form": form, "recent": recent})


@staff_page(*SURVEY)
def survey_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(survey.survey_template(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "实名制数据采集表（模板）.xlsx")
    return response


@staff_page(*SURVEY)
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The check's result (problems by row), the import button, and while it runs its progress: htmx asks
    for the progress part again every second until the import has finished."""
    record = _import_or_404(request, pk)
    context = {
        "record": record,
        "place": full_name(record.region_code),
        "problems": record.problems[:200],
        "importable": record.total_rows - record.problem_rows,
    }
    htmx = request.htmx  # type: ignore[attr-defined]
    template = "employment/_survey_progress.html" if htmx else "employment/survey_detail.html"
    return render(request, template, context)


@staff_page(*SURVEY)
@require_POST
def survey_run(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    record = _import_or_404(request, pk)
    try:
        if importing.survey_queue(actor=actor, record=record):
            run_survey_import.enqueue(record.pk, actor.pk)
            messages.info(request, "文件较大，已交给后台导入，本页会显示进度。")
        else:
            importing.survey_import(actor=actor, record=record)
            if record.status == ImportStatus.DONE:
                messages.success(request, f"导入完成：新登记 {record.created} 人，更新 {record.updated} 人。")
    except DomainError as exc:
        messages.error(request, "；".join(e.message for e in exc.errors))
    return redirect("employment:survey_detail", pk=record.pk)


@staff_page(*SURVEY)
def survey_errors(request: HttpRequest, pk: int) -> HttpResponse:
    record = _import_or_404(request, pk)
    try:
        content = importing.error_workbook_for(actor=_actor(request), record=record)
    except DomainError as exc:
        messages.error(request, exc.errors[0].message)
        return redirect("employment:survey_detail", pk=record.pk)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"问题行-{record.filename.rsplit('.', 1)[0]}.xlsx"
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_page(VIEW, "employment.change_ruleparameters")
def parameters_edit(request: HttpRequest) -> HttpResponse:
    """The county's rule parameters: key-group definitions, contact intervals, the certificate format."""
    actor = _actor(request)
    form = ParametersForm.for_parameters(posted(request), selectors.parameters_for(actor.jurisdiction_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.parameters_set(actor=actor, data=form.to_data())
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, "已保存规则参数，辖区内人员的重点群体和服务分级已按新参数重新认定。")
            return redirect("employment:parameters")
    stored = selectors.parameters_own(actor=actor)
    return render(request, "employment/parameters.html", {"form": form, "stored": stored})
