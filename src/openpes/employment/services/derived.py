"""What follows from the facts: key groups, the service tier and zero-employment households. Called by every
write that changes a person's status or facts, inside its transaction, and by the daily refresh for what
changes with time alone (a birthday, a year out of work, the end of a graduate window).

One code path for one person and for a survey of a hundred thousand: the facts are read in a few queries per
chunk, the rules run in memory, and only what changed is written."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from openpes.core.bulk import insert_rows, new_row
from openpes.core.jurisdiction import code_range
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

CHUNK = 2000  # ids per query: well under SQLite's limit on bound parameters


def profile_locked(person: Person) -> EmploymentProfile:
    """The person's profile, created when missing, locked until the transaction ends: every write to one
    person's employment records takes this lock first, so two registrations cannot cross."""
    EmploymentProfile.objects.get_or_create(person=person)
    return EmploymentProfile.objects.select_for_update(of=("self",)).get(person=person)


def open_registration(person: Person, kind: str) -> Registration | None:
    return Registration.objects.filter(person=person, kind=kind, closed_on__isnull=True).first()


def facts_of(person: Person, profile: EmploymentProfile) -> rules.PersonFacts:
    """One person's facts, for the registration rules."""
    open_unemployment = open_registration(person, RegistrationKind.UNEMPLOYMENT)
    in_zero_household = bool(
        person.household_id
        and ZeroEmploymentHousehold.objects.filter(
            household_id=person.household_id, cleared_on__isnull=True
        ).exists()
    )
    return _facts(
        _PersonRow(person.pk, person.birth_month, person.sex, person.household_id, person.region_code),
        _profile_facts(profile),
        in_zero_household=in_zero_household,
        open_unemployment=open_unemployment.certificate_no if open_unemployment else "",
        open_employment=open_registration(person, RegistrationKind.EMPLOYMENT) is not None,
    )


@dataclass(frozen=True, slots=True)
class _PersonRow:
    pk: int
    birth_month: dt.date
    sex: str
    household_id: int | None
    region_code: str
    name: str = ""


# The profile's columns the rules read (besides the person's birth month and sex).
PROFILE_FACTS = (
    "retirement_category",
    "labour_status",
    "able_to_work",
    "deceased_on",
    "unemployed_since",
    "disabled",
    "low_income",
    "poverty_alleviated",
    "veteran_discharged_on",
    "graduated_on",
    "returned_home_on",
)


def _profile_facts(profile: EmploymentProfile) -> dict[str, Any]:
    return {name: getattr(profile, name) for name in PROFILE_FACTS}


def _facts(
    person: _PersonRow,
    profile: Mapping[str, Any] | None,
    *,
    in_zero_household: bool,
    open_unemployment: str = "",
    open_employment: bool = False,
) -> rules.PersonFacts:
    """`profile`: the PROFILE_FACTS columns (read as values in bulk, not as models: a survey refreshes a
    hundred thousand persons)."""
    if profile is None:
        return rules.PersonFacts(birth_month=person.birth_month, sex=person.sex)
    return rules.PersonFacts(
        birth_month=person.birth_month,
        sex=person.sex,
        retirement_category=profile["retirement_category"],
        labour_status=profile["labour_status"],
        able_to_work=profile["able_to_work"],
        deceased=profile["deceased_on"] is not None,
        unemployed_since=profile["unemployed_since"],
        disabled=profile["disabled"],
        low_income=profile["low_income"],
        poverty_alleviated=profile["poverty_alleviated"],
        veteran_discharged_on=profile["veteran_discharged_on"],
        graduated_on=profile["graduated_on"],
        returned_home_on=profile["returned_home_on"],
        in_zero_employment_household=in_zero_household,
        open_unemployment_certificate=open_unemployment,
        open_employment=open_employment,
    )


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


@dataclass
class RefreshCounts:
    persons: int = 0
    households_found: int = 0
    households_cleared: int = 0
    groups_started: int = 0
    groups_ended: int = 0
    groups_revised: int = 0


def refresh(*, person_ids: Iterable[int], on: dt.date, household_ids: Iterable[int] = ()) -> RefreshCounts:
    """Bring zero-employment households, key groups and tiers up to date for these persons (and, through
    their households, for everyone who shares one with them), and for households whose members changed.

    Persons are taken a slice at a time (REFRESH_SLICE), and within a slice each person's facts are read
    once, whichever pass needs them first: a survey refreshes a hundred thousand persons, and reading them
    for the households and again for the groups cost a third of it; the daily pass over a county of a
    million holds a slice's facts (about 1 KB a person), not the county's. A household with members in two
    slices is looked at in both, which changes nothing the second time; each person is refreshed once."""
    counts = RefreshCounts()
    everyone = set(person_ids)
    ordered = sorted(everyone)
    households = set(household_ids)
    for start in range(0, max(len(ordered), 1), REFRESH_SLICE):
        first = households if start == 0 else set()
        _refresh_slice(ordered[start : start + REFRESH_SLICE], everyone, first, on, counts)
    return counts


REFRESH_SLICE = 20_000


def _refresh_slice(
    person_ids: list[int], everyone: set[int], household_ids: set[int], on: dt.date, counts: RefreshCounts
) -> None:
    """`everyone`: the persons of the whole call; those of other slices are refreshed in their own."""
    known: dict[int, _Known] = {}
    persons = set(person_ids)
    _read_facts(persons, known)
    households = set(household_ids)
    households.update(p.household_id for p, _ in known.values() if p.household_id)
    zero, members_of_changed = _refresh_households(households, on, counts, known)
    # a household found or cleared changes every member's groups
    persons.update(pk for pk in members_of_changed if pk not in everyone)
    for chunk in _chunks(persons):
        _refresh_persons([known[pk] for pk in chunk if pk in known], zero, on, counts)


# A person's row and their profile's PROFILE_FACTS (None without a profile), as `_read_facts` reads them.
_Known = tuple[_PersonRow, dict[str, Any] | None]


def _read_facts(ids: Iterable[int], known: dict[int, _Known]) -> None:
    """Read the persons of `ids` not yet in `known`, with their profiles, into it: one query per chunk."""
    for chunk in _chunks(pk for pk in ids if pk not in known):
        rows = (
            Person.objects.filter(pk__any_of=chunk)
            .order_by()
            .values_list(
                "pk",
                "birth_month",
                "sex",
                "household_id",
                "region_code",
                "name",
                "employment__id",
                *(f"employment__{name}" for name in PROFILE_FACTS),
            )
        )
        for row in rows:
            person = _PersonRow(*row[:6])
            profile = dict(zip(PROFILE_FACTS, row[7:], strict=True)) if row[6] is not None else None
            known[person.pk] = (person, profile)


def _member(person: _PersonRow, profile: Mapping[str, Any] | None) -> rules.MemberFacts:
    facts = profile or {}  # without a profile: nothing collected yet, the rules' defaults
    return rules.MemberFacts(
        person_id=person.pk,
        name=person.name,
        birth_month=person.birth_month,
        sex=person.sex,
        labour_status=facts.get("labour_status", ""),
        retirement_category=facts.get("retirement_category", ""),
        able_to_work=facts.get("able_to_work", True),
        deceased=facts.get("deceased_on") is not None,
    )


def _refresh_households(
    household_ids: set[int], on: dt.date, counts: RefreshCounts, known: dict[int, _Known]
) -> tuple[set[int], set[int]]:
    """Find and clear zero-employment households; returns those that are zero-employment households now,
    and the members of those that changed."""
    zero: set[int] = set()
    changed: set[int] = set()
    for chunk in _chunks(household_ids):
        live = set(
            Household.objects.filter(pk__any_of=chunk, closed_at__isnull=True).values_list("pk", flat=True)
        )
        member_ids: dict[int, list[int]] = defaultdict(list)
        for household_id, pk in (
            Person.objects.filter(household_id__any_of=sorted(live))
            .order_by()
            .values_list("household_id", "pk")
        ):
            member_ids[household_id].append(pk)
        _read_facts((pk for pks in member_ids.values() for pk in pks), known)
        open_cases = {
            case.household_id: case
            for case in ZeroEmploymentHousehold.objects.filter(
                household_id__any_of=chunk, cleared_on__isnull=True
            )
        }
        _judge_households(
            chunk, live, member_ids, known, open_cases, on=on, counts=counts, zero=zero, changed=changed
        )
    return zero, changed


def _judge_households(
    chunk: list[int],
    live: set[int],
    member_ids: Mapping[int, list[int]],
    known: Mapping[int, _Known],
    open_cases: Mapping[int, ZeroEmploymentHousehold],
    *,
    on: dt.date,
    counts: RefreshCounts,
    zero: set[int],
    changed: set[int],
) -> None:
    """The households' findings from their members' facts and their open cases, written; adds to `zero`
    the households that are zero-employment households now, to `changed` the members of those that
    changed. Reads nothing. Members are taken in key order, whatever order they came in, so that the
    evidence (which names them) reads the same from either caller."""
    new_cases: list[dict[str, Any]] = []
    cleared: list[ZeroEmploymentHousehold] = []
    case_row = new_row(ZeroEmploymentHousehold)
    for household_id in chunk:
        finding = (
            rules.zero_employment(
                [_member(*known[pk]) for pk in sorted(member_ids.get(household_id, ()))], on
            )
            if household_id in live
            else rules.ZeroEmploymentFinding(False, (), "家庭已注销")
        )
        case = open_cases.get(household_id)
        if finding.is_zero_employment:
            zero.add(household_id)
        if finding.is_zero_employment and case is None:
            new_cases.append(
                {
                    **case_row,
                    "household_id": household_id,
                    "found_on": on,
                    "evidence": finding.evidence[:300],
                }
            )
        elif not finding.is_zero_employment and case is not None:
            case.cleared_on, case.cleared_evidence = on, finding.evidence[:300]
            cleared.append(case)
        else:
            continue
        changed.update(member_ids.get(household_id, ()))
    insert_rows(ZeroEmploymentHousehold, new_cases)
    ZeroEmploymentHousehold.objects.bulk_update(cleared, ["cleared_on", "cleared_evidence"])
    counts.households_found += len(new_cases)
    counts.households_cleared += len(cleared)


def _refresh_persons(known: list[_Known], zero: set[int], on: dt.date, counts: RefreshCounts) -> None:
    """Key groups and tiers of these persons; `zero`: the zero-employment households among theirs."""
    chunk = [person.pk for person, _ in known]
    open_unemployment = {
        r.person_id: r
        for r in Registration.objects.filter(
            person_id__any_of=chunk,
            kind=RegistrationKind.UNEMPLOYMENT,
            closed_on__isnull=True,
        )
    }
    current: dict[int, dict[str, KeyGroupMembership]] = defaultdict(dict)
    for membership in KeyGroupMembership.objects.filter(person_id__any_of=chunk, ended_on__isnull=True):
        current[membership.person_id][membership.rule] = membership
    parameters: dict[str, rules.Parameters] = {}
    for person, _ in known:
        if person.region_code not in parameters:
            parameters[person.region_code] = parameters_for(person.region_code)
    _judge_persons(known, zero, open_unemployment, current, on=on, parameters=parameters, counts=counts)


def _judge_persons(
    known: list[_Known],
    zero: set[int],
    open_unemployment: Mapping[int, Registration],
    current: Mapping[int, dict[str, KeyGroupMembership]],
    *,
    on: dt.date,
    parameters: Mapping[str, rules.Parameters],
    counts: RefreshCounts,
) -> None:
    """The persons' key groups and tiers from their facts, open unemployment registrations and current
    memberships, written; `parameters`: by village. Reads nothing."""
    started: list[dict[str, Any]] = []  # new memberships as plain rows (bulk_create cost ~150 µs a row)
    membership_row = new_row(KeyGroupMembership)
    ended: list[int] = []
    revised: list[KeyGroupMembership] = []
    tiers: list[Registration] = []
    for person, profile in known:
        params = parameters[person.region_code]
        registration = open_unemployment.get(person.pk)
        facts = _facts(
            person,
            profile,
            in_zero_household=person.household_id in zero,
            open_unemployment=registration.certificate_no if registration else "",
        )
        findings = {f.rule: f for f in rules.key_groups(facts, on, params)}
        held = current.get(person.pk, {})
        for rule, membership in held.items():
            finding = findings.get(rule)
            if finding is None:
                ended.append(membership.pk)
            elif (membership.evidence, membership.until) != (finding.evidence[:200], finding.until):
                membership.evidence, membership.until = finding.evidence[:200], finding.until
                revised.append(membership)
        started.extend(
            {
                **membership_row,
                "person_id": person.pk,
                "group": f.group,
                "rule": f.rule,
                "evidence": f.evidence[:200],
                "since": f.since,
                "until": f.until,
            }
            for rule, f in findings.items()
            if rule not in held
        )
        if registration is not None:
            tier, reason = rules.service_tier(findings.values())
            if (registration.tier, registration.tier_reason) != (tier, reason):
                registration.tier, registration.tier_reason = tier, reason
                last = registration.last_contact_on or registration.registered_on
                registration.next_contact_due = rules.next_contact_due(last, tier, params)
                tiers.append(registration)
    if ended:
        KeyGroupMembership.objects.filter(pk__any_of=ended).update(ended_on=on)
    KeyGroupMembership.objects.bulk_update(revised, ["evidence", "until"])
    insert_rows(KeyGroupMembership, started)
    Registration.objects.bulk_update(tiers, ["tier", "tier_reason", "next_contact_due"])
    counts.persons += len(known)
    counts.groups_started += len(started)
    counts.groups_ended += len(ended)
    counts.groups_revised += len(revised)


@dataclass
class Registered:
    """Persons registered in the transaction under way, in households registered with them, with the facts
    just written (`add`): nothing earlier exists for them (no open case, registration or membership), so
    what follows from them needs nothing read (`refresh_registered`)."""

    known: dict[int, _Known] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, person: Mapping[str, Any], profile: Mapping[str, Any] | None) -> None:
        """`person`: the new person's row as written (its household one of this transaction's);
        `profile`: their new profile's row, or None without one."""
        row = _PersonRow(
            person["id"],
            person["birth_month"],
            person["sex"],
            person["household_id"],
            person["region_code"],
            person["name"],
        )
        facts = {name: profile[name] for name in PROFILE_FACTS} if profile is not None else None
        self.known[row.pk] = (row, facts)
        self.members[person["household_id"]].append(row.pk)


def refresh_registered(
    registered: Registered, *, on: dt.date, parameters: Mapping[str, rules.Parameters]
) -> RefreshCounts:
    """`refresh` for what `registered` holds, by the same rules, from the facts given: it reads nothing, so
    inside a write-behind block (`bulk.write_behind`) the rules run while the rows are written, and the
    findings are written behind them. `parameters`: those of each village of the persons
    (`parameters_for`), read before."""
    counts = RefreshCounts()
    zero: set[int] = set()
    households = sorted(registered.members)
    for start in range(0, len(households), CHUNK):
        chunk = households[start : start + CHUNK]
        _judge_households(
            chunk,
            set(chunk),
            registered.members,
            registered.known,
            {},
            on=on,
            counts=counts,
            zero=zero,
            changed=set(),
        )
    persons = list(registered.known.values())
    for start in range(0, len(persons), CHUNK):
        _judge_persons(
            persons[start : start + CHUNK], zero, {}, {}, on=on, parameters=parameters, counts=counts
        )
    return counts


def households_changed(*, households: Iterable[int], **_: object) -> None:
    """Receiver of `people.signals.household_members_changed`: a member joined or left, so the household may
    have become, or stopped being, a zero-employment household, and its members' groups follow. Runs in the
    registry's writing transaction."""
    from django.utils import timezone

    households = list(households)
    members = list(Person.objects.filter(household_id__in=households).values_list("pk", flat=True))
    refresh(person_ids=members, household_ids=households, on=timezone.localdate())


def refresh_all(*, prefix: str, on: dt.date) -> RefreshCounts:
    """The daily pass for what time alone changes, over every person with a profile in `prefix`."""
    ids = Person.objects.filter(region_code__range=code_range(prefix), employment__isnull=False).values_list(
        "pk", flat=True
    )
    return refresh(person_ids=list(ids), on=on)
