"""Reads of employment records, always through the actor's jurisdiction (the person's village)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from openpes.accounts.models import Staff
from openpes.core.jurisdiction import code_range, prefix_of
from openpes.employment import rules
from openpes.employment.models import (
    EmploymentProfile,
    KeyGroupMembership,
    Registration,
    RegistrationKind,
    RuleParameters,
    StatusEvent,
    SurveyImport,
    ZeroEmploymentHousehold,
)
from openpes.people.models import Person


def parameters_for(region_code: str) -> rules.Parameters:
    """The rule parameters in force for a village: the most specific office prefix that covers it, over
    the national defaults. Configuration, not personal data: not scoped."""
    prefixes = [region_code[:n] for n in (2, 4, 6, 9, 12)]
    stored = RuleParameters.objects.filter(region_prefix__in=prefixes).values_list("region_prefix", "data")
    merged: dict[str, Any] = {}
    for _, data in sorted(stored, key=lambda row: len(row[0])):
        merged.update(data)
    return rules.Parameters.from_data(merged)


def parameters_own(*, actor: Staff) -> RuleParameters | None:
    return RuleParameters.objects.filter(region_prefix=actor.jurisdiction_prefix).first()


def profile_of(*, actor: Staff, person: Person) -> EmploymentProfile | None:
    return EmploymentProfile.objects.within(actor).filter(person=person).first()


def timeline(*, actor: Staff, person: Person) -> QuerySet[StatusEvent]:
    return (
        StatusEvent.objects.within(actor).filter(person=person).select_related("registration", "recorded_by")
    )


def registrations_of(*, actor: Staff, person: Person) -> QuerySet[Registration]:
    return Registration.objects.within(actor).filter(person=person)


def registration_get(*, actor: Staff, pk: int) -> Registration | None:
    return Registration.objects.within(actor).select_related("person", "officer").filter(pk=pk).first()


@dataclass(frozen=True)
class RegistrationFilters:
    kind: str = ""
    open: bool | None = True
    tier: str = ""
    region: str = ""
    overdue: bool = False
    officer_id: int | None = None
    registered_from: dt.date | None = None


def registration_list(
    *, actor: Staff, filters: RegistrationFilters = RegistrationFilters()
) -> QuerySet[Registration]:
    rows = Registration.objects.within(actor).select_related("person", "officer")
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.open is not None:
        rows = rows.filter(closed_on__isnull=filters.open)
    if filters.tier:
        rows = rows.filter(tier=filters.tier)
    if filters.region:
        rows = rows.filter(person__region_code__range=code_range(prefix_of(filters.region)))
    if filters.overdue:
        rows = rows.filter(closed_on__isnull=True, next_contact_due__lt=timezone.localdate())
    if filters.officer_id:
        rows = rows.filter(officer_id=filters.officer_id)
    if filters.registered_from:
        rows = rows.filter(registered_on__gte=filters.registered_from)
    order = "next_contact_due" if filters.overdue else "-registered_on"
    return rows.order_by(order, "-id")


def overdue_contacts(*, actor: Staff, officer: Staff | None = None) -> QuerySet[Registration]:
    """Open unemployment registrations whose next contact is past due, oldest first; an officer's own
    when `officer` is given."""
    rows = registration_list(
        actor=actor,
        filters=RegistrationFilters(
            kind=RegistrationKind.UNEMPLOYMENT, overdue=True, officer_id=officer.pk if officer else None
        ),
    )
    return rows


def key_group_members(*, actor: Staff, group: str = "", region: str = "") -> QuerySet[KeyGroupMembership]:
    rows = KeyGroupMembership.objects.within(actor).filter(ended_on__isnull=True).select_related("person")
    if group:
        rows = rows.filter(group=group)
    if region:
        rows = rows.filter(person__region_code__range=code_range(prefix_of(region)))
    return rows.order_by("group", "person__region_code", "person__name", "id")


def key_groups_of(*, actor: Staff, person: Person) -> QuerySet[KeyGroupMembership]:
    return (
        KeyGroupMembership.objects.within(actor).filter(person=person).order_by("ended_on", "group", "since")
    )


def zero_employment_list(
    *, actor: Staff, cleared: bool = False, region: str = ""
) -> QuerySet[ZeroEmploymentHousehold]:
    rows = ZeroEmploymentHousehold.objects.within(actor).filter(cleared_on__isnull=not cleared)
    if region:
        rows = rows.filter(household__region_code__range=code_range(prefix_of(region)))
    return rows.select_related("household", "household__head").order_by(
        "household__region_code", "found_on", "id"
    )


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def employment_summary(*, actor: Staff, today: dt.date | None = None) -> dict[str, int]:
    """The figures an office reports, each the count behind one list page."""
    today = today or timezone.localdate()
    first = month_start(today)
    registrations = Registration.objects.within(actor)
    open_unemployed = registrations.filter(kind=RegistrationKind.UNEMPLOYMENT, closed_on__isnull=True)
    zero = ZeroEmploymentHousehold.objects.within(actor)
    counts = open_unemployed.aggregate(
        registered_unemployed=Count("id"),
        overdue_contacts=Count("id", filter=Q(next_contact_due__lt=today)),
    )
    groups = dict(
        KeyGroupMembership.objects.within(actor)
        .filter(ended_on__isnull=True)
        .values_list("group")
        .annotate(n=Count("person", distinct=True))
        .values_list("group", "n")
    )
    return {
        **counts,
        "newly_employed_this_month": registrations.filter(
            kind=RegistrationKind.EMPLOYMENT, registered_on__gte=first
        ).count(),
        "zero_households_open": zero.filter(cleared_on__isnull=True).count(),
        "zero_households_found_this_month": zero.filter(found_on__gte=first).count(),
        "zero_households_cleared_this_month": zero.filter(cleared_on__gte=first).count(),
        **{f"key_group_{g}": groups.get(g, 0) for g in rules.KEY_GROUP_NAMES},
    }


def zero_employment_by_township(*, actor: Staff, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Per township (first 9 digits): found and cleared this month, and still open."""
    today = today or timezone.localdate()
    first = month_start(today)
    rows: dict[str, dict[str, Any]] = {}
    for code, found_on, cleared_on in ZeroEmploymentHousehold.objects.within(actor).values_list(
        "household__region_code", "found_on", "cleared_on"
    ):
        row = rows.setdefault(code[:9], {"township": code[:9] + "000", "found": 0, "cleared": 0, "open": 0})
        row["found"] += found_on >= first
        row["cleared"] += bool(cleared_on and cleared_on >= first)
        row["open"] += cleared_on is None
    return [rows[k] for k in sorted(rows)]


def survey_imports(*, actor: Staff) -> QuerySet[SurveyImport]:
    return SurveyImport.objects.within(actor).select_related("created_by")


def survey_import_get(*, actor: Staff, pk: int) -> SurveyImport | None:
    return SurveyImport.objects.within(actor).filter(pk=pk).first()
