"""Registering many persons or whole households at once (survey imports, the demo, benchmarks)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from openpes.accounts.models import Staff
from openpes.audit import services as audit
from openpes.core import bulk
from openpes.core.errors import DomainError, FieldError
from openpes.core.text import clean_text
from openpes.people.models import ID_NUMBER_UNIQUE, Household, Person, Relation
from openpes.people.services.validation import (
    PERSON_FIELDS,
    SAME_VILLAGE,
    PersonInput,
    clean_person,
    identity_columns,
    outside_household,
    village_problem,
)
from openpes.regions.models import Region, RegionLevel

BULK_BATCH = 2000  # persons per audit row of a bulk registration
# Between the check for registered ID numbers and the write, someone else registered one of them.
CHANGED_DURING_IMPORT = (
    "导入期间有身份证号码刚被他人登记，本次未导入任何记录；请重新导入，已登记的号码会逐行列出"
)


@dataclass
class BulkResult:
    created: int = 0
    errors: list[FieldError] = field(default_factory=list)


def villages_of(actor: Staff) -> set[str]:
    """The villages a bulk registration by `actor` may register persons in."""
    return set(
        Region.objects.within(actor)
        .filter(level=RegionLevel.VILLAGE, retired=False)
        .values_list("code", flat=True)
    )


def persons_prepare(
    actor: Staff,
    rows: Iterable[tuple[str, PersonInput]],
    today: dt.date,
    villages: set[str] | None = None,
    *,
    registry_checked: bool = False,
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """Validate labelled rows as `person_create` does and turn the good ones into new-row dicts (no key
    yet). Problems are named by each row's label; an ID number repeated in the batch or already registered
    is one too. `villages`: `villages_of(actor)`, from a caller that prepares batch after batch; the rows
    are validated before this asks the database anything (a caller writing behind, `bulk.write_behind`,
    gets its Python done while the last batch is written). `registry_checked`: the caller has looked these
    ID numbers up already (the survey's plan), so this does not; one registered since then is refused by
    the unique index when written (`raise_if_registered_meanwhile`). Inside a write-behind block that lookup
    would wait for every write handed over, batch after batch."""
    errors: list[FieldError] = []
    pending: list[tuple[str, dict[str, Any]]] = []
    template = {**bulk.new_row(Person), "created_by_id": actor.pk}
    seen: set[str] = set()
    if villages is None:
        villages = villages_of(actor)
    wanted = set(PERSON_FIELDS) - {"region_code"}
    for label, data in rows:
        try:
            if data.region_code not in villages:
                raise DomainError("region_code", "所选村（社区）不存在或不在您的辖区内")
            clean = clean_person(actor, data, partial=wanted, today=today)
        except DomainError as exc:
            errors.extend(FieldError(f"{label}.{e.field}", e.message) for e in exc.errors)
            continue
        household = clean.values.pop("household", None)
        if outside_household(household, data.region_code):
            errors.append(FieldError(f"{label}.household", SAME_VILLAGE))
            continue
        person = {
            **template,
            **clean.values,
            **identity_columns(clean),
            "region_code": data.region_code,
            "household_id": household.pk if household is not None else None,
        }
        if person["id_number_index"] in seen:
            errors.append(FieldError(f"{label}.id_number", "与本批前面的行身份证号码重复"))
            continue
        seen.add(person["id_number_index"])
        pending.append((label, person))
    if registry_checked:
        return [p for _, p in pending], errors
    existing = bulk.existing_values(Person, "id_number_index", [p["id_number_index"] for _, p in pending])
    if existing:  # as in `duplicate_error`: telling which numbers are registered confirms guesses
        audit.record_lookup(
            actor=actor,
            model=Person,
            reason=f"导入时有 {len(existing)} 个身份证号码已有登记，未重复导入",
            region_code=actor.jurisdiction_id,
        )
    errors.extend(
        FieldError(f"{label}.id_number", "该身份证号码已登记，未重复导入")
        for label, person in pending
        if person["id_number_index"] in existing
    )
    return [p for _, p in pending if p["id_number_index"] not in existing], errors


def persons_insert(*, actor: Staff, persons: list[dict[str, Any]]) -> list[int]:
    """Insert persons prepared by `persons_prepare` (household keys set by the caller), with their audit
    rows; inside the caller's transaction. Returns the new keys in order. A person whose key the caller
    already reserved (`bulk.reserve_keys`, so that a household could name its head) keeps it."""
    unkeyed = [person for person in persons if "id" not in person]
    for person, key in zip(unkeyed, bulk.reserve_keys(Person, len(unkeyed)), strict=True):
        person["id"] = key
    keys = [person["id"] for person in persons]
    try:
        # No savepoint of its own: a failed bulk insert fails the caller's transaction anyway, and a
        # savepoint's release would wait for rows the caller writes behind (bulk.write_behind).
        with transaction.atomic(savepoint=False):
            _write_persons(actor, persons)
    except IntegrityError as exc:
        raise_if_registered_meanwhile(exc)
        raise
    return keys


def households_insert(
    *, actor: Staff, households: list[tuple[str, str]], heads: list[int | None] | None = None
) -> list[int]:
    """Insert households given as (village, address), with their heads' keys where given (reserved by the
    caller, the persons written later in the same transaction: foreign keys are checked at commit); inside
    the caller's transaction."""
    keys = bulk.reserve_keys(Household, len(households))
    template = bulk.new_row(Household)
    bulk.insert_rows(
        Household,
        [
            {**template, "id": key, "region_code": code, "address": address, "head_id": head}
            for key, (code, address), head in zip(
                keys, households, heads or [None] * len(households), strict=True
            )
        ],
    )
    if keys:
        audit.record_bulk_change(
            actor=actor,
            action="bulk_create",
            model=Household,
            ids=keys,
            region_code=actor.jurisdiction_id,
            summary=f"批量新建家庭 {len(keys)} 户",
        )
    return keys


class RegisteredMeanwhile(DomainError):
    """An ID number of a bulk registration was registered by someone else after it was looked up."""

    def __init__(self) -> None:
        super().__init__("id_number", CHANGED_DURING_IMPORT)


def raise_if_registered_meanwhile(exc: IntegrityError) -> None:
    """A unique violation of the ID number's blind index becomes a message for the clerk
    (`RegisteredMeanwhile`); any other integrity error (a household or account deleted meanwhile) is not an
    ID number problem and goes on."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    constraint = getattr(diag, "constraint_name", None)  # PostgreSQL names it
    if constraint == ID_NUMBER_UNIQUE or (constraint is None and "people_person.id_number_index" in str(exc)):
        raise RegisteredMeanwhile from exc


def _write_persons(actor: Staff, persons: list[dict[str, Any]]) -> None:
    """Insert prepared persons (keys already set), one audit row per BULK_BATCH; inside a transaction."""
    for start in range(0, len(persons), BULK_BATCH):
        batch = persons[start : start + BULK_BATCH]
        bulk.insert_rows(Person, batch)
        audit.record_bulk_change(
            actor=actor,
            action="bulk_create",
            model=Person,
            ids=[p["id"] for p in batch],
            region_code=actor.jurisdiction_id,
            summary=f"批量登记劳动者 {len(batch)} 人",
        )


def persons_bulk_create(
    *, actor: Staff, rows: Iterable[PersonInput], today: dt.date | None = None, all_or_nothing: bool = True
) -> BulkResult:
    """Register many persons at once (imports, the demo, benchmarks). Each row is validated as in
    `person_create`; with `all_or_nothing` one bad row writes nothing. One audit entry per batch."""
    labelled = ((f"第{line}行", data) for line, data in enumerate(rows, start=1))
    persons, errors = persons_prepare(actor, labelled, today or timezone.localdate())
    if errors and all_or_nothing:
        raise DomainError(errors)
    try:
        with transaction.atomic():
            for person, key in zip(persons, bulk.reserve_keys(Person, len(persons)), strict=True):
                person["id"] = key
            _write_persons(actor, persons)
    except IntegrityError as exc:
        raise_if_registered_meanwhile(exc)
        raise
    return BulkResult(created=len(persons), errors=errors)


BULK_UPDATABLE = {"education", "political_status", "ethnicity", "address"}


def persons_bulk_update(*, actor: Staff, person_ids: list[int], changes: Mapping[str, str]) -> int:
    """Set the same values on many persons (e.g. after a survey round); audited as one entry."""
    bad = set(changes) - BULK_UPDATABLE
    if bad or not changes:
        raise DomainError(
            sorted(bad)[0] if bad else "changes", "批量修改只能修改文化程度、政治面貌、民族或住址"
        )
    clean = clean_person(actor, PersonInput(**dict(changes)), partial=set(changes))  # type: ignore[arg-type]
    with transaction.atomic():
        persons = Person.objects.within(actor).filter(pk__in=person_ids)
        ids = list(persons.values_list("pk", flat=True))
        if len(ids) != len(set(person_ids)):
            raise DomainError("person_ids", "部分人员不存在或不在您的辖区内，未做任何修改")
        count = Person.objects.filter(pk__in=ids).update(**clean.values, updated_at=timezone.now())
        audit.record_bulk_change(
            actor=actor,
            action="bulk_update",
            model=Person,
            ids=ids,
            changes={"set": clean.values},
            region_code=actor.jurisdiction_id,
            summary=f"批量修改劳动者 {count} 人",
        )
    return count


# --- households -------------------------------------------------------------------------------------------


@dataclass
class HouseholdInput:
    region_code: str
    address: str
    members: list[PersonInput]  # each with relation_to_head; at most one 户主


def households_bulk_create(
    *, actor: Staff, households: list[HouseholdInput], today: dt.date | None = None
) -> BulkResult:
    """Register whole households at once (survey workbooks, the demo): households, their members and heads,
    in one transaction; any bad row rejects the lot. Problems are named 第N户 (a household) or 第N户第M人
    (a member)."""
    errors: list[FieldError] = []
    addresses: list[str] = []
    codes = sorted({h.region_code for h in households if h.region_code})
    regions: dict[str, tuple[int, bool]] = {}
    for start in range(0, len(codes), 900):  # one query per 900 villages, not one per household
        found = Region.objects.filter(code__in=codes[start : start + 900]).values_list(
            "code", "level", "retired"
        )
        regions.update((code, (level, retired)) for code, level, retired in found)
    for number, item in enumerate(households, start=1):
        problem = village_problem(actor, item.region_code, regions.get(item.region_code))
        if problem:
            errors.append(FieldError(f"第{number}户.region_code", problem.message))
        if any(m.region_code != item.region_code for m in item.members):
            errors.append(FieldError(f"第{number}户.region_code", SAME_VILLAGE))
        if sum(1 for m in item.members if m.relation_to_head == Relation.HEAD) > 1:
            errors.append(FieldError(f"第{number}户.relation_to_head", "一户只能有一个户主"))
        try:
            addresses.append(clean_text(item.address, field="address", label="住址", max_length=200))
        except DomainError as exc:
            errors.extend(FieldError(f"第{number}户.{e.field}", e.message) for e in exc.errors)
    # Members are checked against their household above (village, jurisdiction), so each is validated
    # without one; the household key is set below.
    members = (
        (f"第{number}户第{position}人", member)
        for number, item in enumerate(households, start=1)
        for position, member in enumerate(item.members, start=1)
    )
    persons, person_errors = persons_prepare(actor, members, today or timezone.localdate())
    errors.extend(person_errors)
    if errors:
        raise DomainError(errors)
    try:
        with transaction.atomic():
            _write_households(actor, households, addresses, persons)
    except IntegrityError as exc:
        raise_if_registered_meanwhile(exc)
        raise
    return BulkResult(created=len(persons))


def _write_households(
    actor: Staff, households: list[HouseholdInput], addresses: list[str], persons: list[dict[str, Any]]
) -> None:
    """Insert validated households and their prepared members (every member, in order); inside a
    transaction. Each household names its head as it is written, not by a later UPDATE: the persons follow
    in the same transaction, and foreign keys are checked at commit."""
    household_keys = bulk.reserve_keys(Household, len(households))
    person_keys = iter(bulk.reserve_keys(Person, len(persons)))
    members = iter(persons)
    template = bulk.new_row(Household)
    rows = []
    for item, key, address in zip(households, household_keys, addresses, strict=True):
        head = None
        for _ in item.members:
            person = next(members)
            person["id"], person["household_id"] = next(person_keys), key
            if person["relation_to_head"] == Relation.HEAD:
                head = person["id"]
        rows.append(
            {**template, "id": key, "region_code": item.region_code, "address": address, "head_id": head}
        )
    bulk.insert_rows(Household, rows)
    _write_persons(actor, persons)
    audit.record_bulk_change(
        actor=actor,
        action="bulk_create",
        model=Household,
        ids=household_keys,
        region_code=actor.jurisdiction_id,
        summary=f"批量新建家庭 {len(households)} 户",
    )
