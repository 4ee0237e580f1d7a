"""What follows from the facts: key groups, the service tier and zero-employment households. Called by every
write that changes a person's status or facts, inside its transaction, and by the daily refresh for what
changes with time alone (a birthday, a year out of work, the end of a graduate window)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from openpes.employment import rules
from openpes.employment.models import (
    EmploymentProfile,
    KeyGroupMembership,
    Registration,
    RegistrationKind,
    ZeroEmploymentHousehold,
)
from openpes.employment.selectors import parameters_for
from openpes.people.models import Household, Person


def profile_locked(person: Person) -> EmploymentProfile:
    """The person's profile, created when missing, locked until the transaction ends: every write to one
    person's employment records takes this lock first, so two registrations cannot cross."""
    EmploymentProfile.objects.get_or_create(person=person)
    return EmploymentProfile.objects.select_for_update(of=("self",)).get(person=person)


def open_registration(person: Person, kind: str) -> Registration | None:
    return Registration.objects.filter(person=person, kind=kind, closed_on__isnull=True).first()


def facts_of(person: Person, profile: EmploymentProfile) -> rules.PersonFacts:
    open_unemployment = open_registration(person, RegistrationKind.UNEMPLOYMENT)
    in_zero_household = bool(
        person.household_id
        and ZeroEmploymentHousehold.objects.filter(
            household_id=person.household_id, cleared_on__isnull=True
        ).exists()
    )
    return rules.PersonFacts(
        birth_month=person.birth_month,
        sex=person.sex,
        retirement_category=profile.retirement_category,
        labour_status=profile.labour_status,
        able_to_work=profile.able_to_work,
        deceased=profile.deceased_on is not None,
        unemployed_since=profile.unemployed_since,
        disabled=profile.disabled,
        low_income=profile.low_income,
        poverty_alleviated=profile.poverty_alleviated,
        veteran_discharged_on=profile.veteran_discharged_on,
        graduated_on=profile.graduated_on,
        returned_home_on=profile.returned_home_on,
        in_zero_employment_household=in_zero_household,
        open_unemployment_certificate=open_unemployment.certificate_no if open_unemployment else "",
        open_employment=open_registration(person, RegistrationKind.EMPLOYMENT) is not None,
    )


def refresh_person(person: Person, profile: EmploymentProfile, on: dt.date) -> None:
    """Bring the person's key groups and, when registered unemployed, the tier up to date."""
    params = parameters_for(person.region_code)
    findings = rules.key_groups(facts_of(person, profile), on, params)
    current = {m.rule: m for m in KeyGroupMembership.objects.filter(person=person, ended_on__isnull=True)}
    found = {f.rule: f for f in findings}
    for rule, membership in current.items():
        finding = found.get(rule)
        if finding is None:
            membership.ended_on = on
            membership.save(update_fields=["ended_on"])
        elif (membership.evidence, membership.until) != (finding.evidence[:200], finding.until):
            membership.evidence, membership.until = finding.evidence[:200], finding.until
            membership.save(update_fields=["evidence", "until"])
    KeyGroupMembership.objects.bulk_create(
        KeyGroupMembership(
            person=person, group=f.group, rule=f.rule, evidence=f.evidence[:200], since=f.since, until=f.until
        )
        for rule, f in found.items()
        if rule not in current
    )
    registration = open_registration(person, RegistrationKind.UNEMPLOYMENT)
    if registration is not None:
        tier, reason = rules.service_tier(findings)
        if (registration.tier, registration.tier_reason) != (tier, reason):
            registration.tier, registration.tier_reason = tier, reason
            last = registration.last_contact_on or registration.registered_on
            registration.next_contact_due = rules.next_contact_due(last, tier, params)
            registration.save(update_fields=["tier", "tier_reason", "next_contact_due"])


def _member_facts(household: Household) -> list[rules.MemberFacts]:
    rows = Person.objects.filter(household=household).values_list(
        "pk",
        "name",
        "birth_month",
        "sex",
        "employment__labour_status",
        "employment__retirement_category",
        "employment__able_to_work",
        "employment__deceased_on",
    )
    return [
        rules.MemberFacts(
            person_id=pk,
            name=name,
            birth_month=birth,
            sex=sex,
            labour_status=status or "",
            retirement_category=category or "",
            able_to_work=able is not False,
            deceased=deceased is not None,
        )
        for pk, name, birth, sex, status, category, able, deceased in rows
    ]


def refresh_household(household: Household | None, on: dt.date) -> bool | None:
    """Find or clear the household's zero-employment case; returns True when found, False when cleared,
    None when nothing changed. Members' hard-to-employ groups follow."""
    if household is None or household.is_closed:
        return None
    finding = rules.zero_employment(_member_facts(household), on)
    case = ZeroEmploymentHousehold.objects.filter(household=household, cleared_on__isnull=True).first()
    changed: bool | None = None
    if finding.is_zero_employment and case is None:
        ZeroEmploymentHousehold.objects.create(
            household=household, found_on=on, evidence=finding.evidence[:300]
        )
        changed = True
    elif not finding.is_zero_employment and case is not None:
        case.cleared_on, case.cleared_evidence = on, finding.evidence[:300]
        case.save(update_fields=["cleared_on", "cleared_evidence"])
        changed = False
    if changed is not None:
        for member in Person.objects.filter(household=household):
            profile = EmploymentProfile.objects.filter(person=member).first()
            if profile is not None:
                refresh_person(member, profile, on)
    return changed


def refresh_all(*, prefix: str, on: dt.date, batch: Iterable[Person] | None = None) -> dict[str, int]:
    """The daily pass for what time alone changes, over every person with a profile in `prefix`."""
    from openpes.core.jurisdiction import code_range

    low, high = code_range(prefix)
    people = (
        batch
        if batch is not None
        else Person.objects.filter(region_code__range=(low, high), employment__isnull=False).select_related(
            "employment"
        )
    )
    persons = 0
    for person in people:
        refresh_person(person, person.employment, on)
        persons += 1
    households = Household.objects.filter(region_code__range=(low, high), closed_at__isnull=True).filter(
        Exists(Person.objects.filter(household=OuterRef("pk"), employment__isnull=False))
    )
    found = cleared = 0
    for household in households:
        outcome = refresh_household(household, on)
        found += outcome is True
        cleared += outcome is False
    return {"persons": persons, "households_found": found, "households_cleared": cleared}
