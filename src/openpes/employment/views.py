"""Employment pages: a person's status and registrations, the lists an office works from, and the figures
it reports. Form in → service/selector → template out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from openpes.accounts.models import Staff
from openpes.core.errors import DomainError, NotFound
from openpes.core.views import paginate, posted, staff_page
from openpes.employment import selectors, services
from openpes.employment.forms import (
    CancelForm,
    ContactForm,
    EmploymentRegistrationForm,
    FactsForm,
    KeyGroupFilterForm,
    OverturnForm,
    RegistrationFilterForm,
    StatusChangeForm,
    UnemploymentForm,
    ZeroFilterForm,
)
from openpes.employment.models import Registration, RegistrationKind
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
