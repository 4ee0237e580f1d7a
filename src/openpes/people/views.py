"""Registry pages: dashboard, persons, households, export. Form in → service/selector → template out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from openpes.accounts.models import Staff
from openpes.core.errors import DomainError, NotFound
from openpes.core.exports import xlsx_response
from openpes.core.views import list_response, paginate, posted, search_data, staff_page
from openpes.people import selectors, services
from openpes.people.forms import (
    AddMemberForm,
    HouseholdEditForm,
    HouseholdFilterForm,
    HouseholdForm,
    PersonEditForm,
    PersonFilterForm,
    PersonForm,
    ReasonForm,
    RevealForm,
)
from openpes.people.models import Household, Person
from openpes.people.selectors import PersonFilters
from openpes.regions.selectors import full_name, region_names


def _actor(request: HttpRequest) -> Staff:
    return request.user  # type: ignore[return-value]


def _person_or_404(request: HttpRequest, pk: int) -> Person:
    person = selectors.person_get(actor=_actor(request), pk=pk)
    if person is None:
        raise Http404
    return person


def _household_or_404(request: HttpRequest, pk: int) -> Household:
    household = selectors.household_get(actor=_actor(request), pk=pk)
    if household is None:
        raise Http404
    return household


def _with_place_names(rows: Iterable[Any]) -> list[Any]:
    """Give each row (person or household) the name of its village, read in one query for the page."""
    rows = list(rows)
    names = region_names({row.region_code for row in rows})
    for row in rows:
        row.place_name = names.get(row.region_code, row.region_code)
    return rows


# --- dashboard ---------------------------------------------------------------------------------------------


def dashboard(request: HttpRequest) -> HttpResponse:
    """The jurisdiction at a glance for registry staff; a start page with links for the other roles."""
    actor = _actor(request)
    context: dict[str, Any] = {}
    if actor.has_perm("people.view_person"):
        summary = selectors.dashboard_summary(actor=actor)
        context["summary"] = summary
        context["chart_data"] = {
            "childLevel": summary["child_level_label"],
            "children": {
                "names": [name for _, name, _ in summary["children"]],
                "counts": [count for _, _, count in summary["children"]],
            },
            "ageBands": {
                "names": [label for label, _ in summary["age_bands"]],
                "counts": [count for _, count in summary["age_bands"]],
            },
            "sex": [{"name": "男", "value": summary["men"]}, {"name": "女", "value": summary["women"]}],
        }
    return render(request, "people/dashboard.html", context)


# --- persons -----------------------------------------------------------------------------------------------


@staff_page("people.view_person")
def person_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = PersonFilterForm(search_data(request), actor=actor)
    filters = form.filters()
    persons = selectors.person_list(actor=actor, filters=filters)
    services.identifier_search_record(actor=actor, q=filters.q, matches=persons)
    page = paginate(request, persons)
    page.object_list = _with_place_names(page.object_list)
    context = {
        "form": form,
        "page": page,
        "filtered": filters != PersonFilters(),
        # after a search by full ID or phone number the links carry it masked, which would export more
        "exportable": not (filters.by_full_id_number or filters.by_phone),
    }
    return list_response(
        request,
        page="people/person_list.html",
        results="people/_person_results.html",
        context=context,
        shown=form.shown,
    )


@staff_page("people.view_person")
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    return render(request, "people/person_detail.html", _person_context(person, RevealForm()))


def _person_context(person: Person, reveal_form: RevealForm, **extra: Any) -> dict[str, Any]:
    return {
        "person": person,
        "place": full_name(person.region_code),
        "reveal_form": reveal_form,
        **extra,
    }


@staff_page("people.view_person", "people.reveal_personal_data")
@require_POST
@never_cache
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one full value on this response only; the service writes the access log."""
    person = _person_or_404(request, pk)
    form = RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            value = services.person_reveal(
                actor=_actor(request),
                person=person,
                field_name=form.cleaned_data["field"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.attach(exc)
        else:
            revealed = {
                "label": RevealForm.FIELDS[form.cleaned_data["field"]],
                "value": value,
            }
            form = RevealForm()
    context = _person_context(person, form, revealed=revealed)
    return render(request, "people/person_detail.html", context)


@staff_page("people.view_person", "people.add_person")
def person_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = PersonForm(posted(request), actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=actor, data=form.to_input())
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, f"已登记劳动者 {person.name}。")
            if form.converted_from_15():
                messages.info(request, converted_notice(person))
            return redirect("people:person_detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form})


@staff_page("people.view_person", "people.change_person")
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    person = _person_or_404(request, pk)
    form = PersonEditForm(posted(request), actor=actor, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                actor=actor, person=person, data=form.to_input(), fields=form.changed_fields()
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, f"已保存 {person.name} 的信息。")
            if form.converted_from_15():
                messages.info(request, converted_notice(person))
            return redirect("people:person_detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


def converted_notice(person: Person) -> str:
    return f"15位身份证号码已按国家标准转换为18位：{person.id_number_masked}（请在纸质材料上一并更正）"


# --- export ------------------------------------------------------------------------------------------------


@staff_page("people.view_person")
def person_export(request: HttpRequest) -> HttpResponse:
    """The persons list as it is filtered, as an Excel workbook; ID numbers and phones masked; logged."""
    actor = _actor(request)
    filters = PersonFilterForm(request.GET or None, actor=actor).filters()
    workbook = services.persons_export(
        actor=actor,
        persons=selectors.person_list(actor=actor, filters=filters),
        description=filters.describe(),
    )
    return xlsx_response(workbook, f"劳动者-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


# --- households --------------------------------------------------------------------------------------------


@staff_page("people.view_household")
def household_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = HouseholdFilterForm(search_data(request), actor=actor)
    filters = form.filters()
    households = selectors.household_list(actor=actor, region=filters.region, q=filters.q, closed=form.closed)
    services.identifier_search_record(actor=actor, q=filters.q, matches=households)
    page = paginate(
        request, households.order_by("region_code", "pk")
    )  # the count annotation drops Meta.ordering
    page.object_list = _with_place_names(page.object_list)
    return list_response(
        request,
        page="people/household_list.html",
        results="people/_household_results.html",
        context={"form": form, "page": page, "filtered": bool(filters.q or filters.region or form.closed)},
        shown=form.shown,
    )


@staff_page("people.view_household")
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_or_404(request, pk)
    members = selectors.household_members(actor=_actor(request), household=household)
    return render(
        request,
        "people/household_detail.html",
        {
            "household": household,
            "members": members,
            "place": full_name(household.region_code),
        },
    )


@staff_page("people.view_household", "people.add_household")
def household_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = HouseholdForm(posted(request), actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(
                actor=actor,
                region_code=form.cleaned_data["region_code"],
                address=form.cleaned_data["address"],
            )
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, "已新建家庭，请添加家庭成员。")
            return redirect("people:household_detail", pk=household.pk)
    return render(request, "people/household_form.html", {"form": form})


@staff_page("people.view_household", "people.change_household")
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    household = _household_or_404(request, pk)
    members = list(selectors.household_members(actor=actor, household=household))
    initial = {"region_code": household.region_code, "address": household.address, "head": household.head_id}
    form = HouseholdEditForm(
        posted(request), actor=actor, members=members, household=household, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        head = (
            household.head
            if form.fields["head"].disabled
            else next((p for p in members if p.pk == form.cleaned_data["head"]), None)
        )
        try:
            services.household_update(
                actor=actor,
                household=household,
                region_code=form.cleaned_data["region_code"],
                address=form.cleaned_data["address"],
                head=head,
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, "已保存家庭信息。")
            return redirect("people:household_detail", pk=household.pk)
    return render(request, "people/household_form.html", {"form": form, "household": household})


MEMBER_PERMS = ("people.view_household", "people.change_household", "people.change_person")
CANDIDATES_SHOWN = 20


def _member_candidates(actor: Staff, household: Household, q: str) -> list[Person]:
    found = selectors.member_candidates(actor=actor, household=household, q=q)
    services.identifier_search_record(actor=actor, q=q, matches=found)  # a whole number is logged
    return _with_place_names(found[:CANDIDATES_SHOWN])


@staff_page(*MEMBER_PERMS)
def household_add_member(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    household = _household_or_404(request, pk)
    form = AddMemberForm(posted(request))
    chosen: Person | None = None
    confirm = ""
    if request.method == "POST" and "find" not in request.POST and form.is_valid():
        chosen = selectors.person_get(actor=actor, pk=form.cleaned_data["person"])
        if chosen is None:
            form.add_error("q", "所选人员不存在或不在您的辖区内，请重新查找")
        else:
            left = chosen.household_id if chosen.household_id != household.pk else None
            try:
                services.household_add_member(
                    actor=actor,
                    household=household,
                    person=chosen,
                    relation=form.cleaned_data["relation"],
                    confirm_move=form.cleaned_data["confirm_move"],
                )
            except NotFound as exc:
                raise Http404 from exc
            except DomainError as exc:
                confirm = next((e.message for e in exc.errors if e.field == "confirm_move"), "")
                form.attach(DomainError([e for e in exc.errors if e.field != "confirm_move"]))
            else:
                messages.success(request, f"{chosen.name} 已加入本户。")
                _left_behind_message(request, left)
                return redirect("people:household_detail", pk=household.pk)
    q = form.data.get("q", "") if form.is_bound else ""
    candidates = _member_candidates(actor, household, q)
    if chosen is not None and chosen not in candidates:
        candidates.insert(0, chosen)
    context = {
        "form": form,
        "household": household,
        "candidates": candidates,
        "chosen": chosen.pk if chosen else form.data.get("person", "") if form.is_bound else "",
        "confirm": confirm,
        "searched": bool(q.strip()),
    }
    return render(request, "people/household_member_form.html", context)


@require_POST
@staff_page(*MEMBER_PERMS)
def household_member_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """The search results of the member picker, for htmx (posted: an ID number stays out of URLs)."""
    actor = _actor(request)
    household = _household_or_404(request, pk)
    q = str(request.POST.get("q", ""))[:50]
    context = {
        "candidates": _member_candidates(actor, household, q),
        "searched": bool(q.strip()),
        "chosen": "",
    }
    return render(request, "people/_member_candidates.html", context)


def _left_behind_message(request: HttpRequest, household_id: int | None) -> None:
    """What a household someone just left now needs: a new head, or closing once empty."""
    left = selectors.household_get(actor=_actor(request), pk=household_id) if household_id else None
    if left is None:
        return
    if getattr(left, "member_count", 0) == 0:
        messages.info(request, f"户 {left.pk} 已没有成员，可在该户页面注销。")
    elif not left.head_id:
        messages.warning(request, f"户 {left.pk} 现在没有户主，请在该户页面“修改”中指定新户主。")


@staff_page(*MEMBER_PERMS)
def household_remove_member(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    actor = _actor(request)
    household = _household_or_404(request, pk)
    person = selectors.person_get(actor=actor, pk=person_pk)
    if person is None or person.household_id != household.pk:
        raise Http404
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            own = services.household_remove_member(
                actor=actor, household=household, person=person, reason=form.cleaned_data["reason"]
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, f"{person.name} 已移出户 {household.pk}，自立一户（户 {own.pk}）。")
            _left_behind_message(request, household.pk)
            return redirect("people:household_detail", pk=household.pk)
    heading = f"把 {person.name} 移出户 {household.pk}"
    context = {"form": form, "household": household, "person": person, "heading": heading}
    return render(request, "people/household_reason_form.html", context)


@staff_page("people.view_household", "people.change_household")
def household_close(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    household = _household_or_404(request, pk)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.household_close(actor=actor, household=household, reason=form.cleaned_data["reason"])
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            form.attach(exc)
        else:
            messages.success(request, f"户 {household.pk} 已注销。")
            return redirect("people:household_detail", pk=household.pk)
    context = {"form": form, "household": household, "heading": f"注销户 {household.pk}"}
    return render(request, "people/household_reason_form.html", context)
