"""Every write of the registry: validate, write in one transaction, audit."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from openpes.accounts.models import Staff
from openpes.audit import services as audit
from openpes.core import bulk, exports
from openpes.core.crypto import provider
from openpes.core.errors import DomainError, FieldError, NotFound
from openpes.core.identifiers import IdNumber, Phone, parse_id_number, parse_phone
from openpes.core.jurisdiction import ScopedQuerySet, covers
from openpes.core.text import clean_person_name, clean_text
from openpes.people import rules
from openpes.people.models import ID_NUMBER_UNIQUE, Education, Household, Person, PoliticalStatus, Relation
from openpes.regions.models import Region, RegionLevel
from openpes.regions.selectors import region_names, villages_within

ID_CONTEXT = "people.person.id_number"
PHONE_CONTEXT = "people.person.phone"
REVEAL_PERMISSION = "people.reveal_personal_data"
REVEALABLE = {"id_number": ("id_number_encrypted", ID_CONTEXT), "phone": ("phone_encrypted", PHONE_CONTEXT)}
PERSON_FIELDS = (
    "name",
    "id_number",
    "phone",
    "region_code",
    "address",
    "household",
    "relation_to_head",
    "education",
    "ethnicity",
    "political_status",
)


def id_index(id_number: str) -> str:
    return provider().blind_index(id_number, context=ID_CONTEXT)


def phone_index(phone: str) -> str:
    return provider().blind_index(phone, context=PHONE_CONTEXT)


@dataclass
class PersonInput:
    """What a clerk (or an import row) gives for a person; validated all at once so that every problem on a
    form is reported together."""

    name: str = ""
    id_number: str = ""
    phone: str = ""
    region_code: str = ""
    address: str = ""
    household: Household | None = None
    relation_to_head: str = ""
    education: str = ""
    ethnicity: str = ""
    political_status: str = ""


@dataclass
class CleanPerson:
    values: dict[str, Any] = field(default_factory=dict)
    id_number: IdNumber | None = None
    phone: Phone | None = None


@functools.cache
def _choice_values(choices: Any) -> frozenset[str]:
    return frozenset(choices.values)  # `.values` builds a new list on every access


def _choice(errors: list[FieldError], name: str, value: str, choices: Any, label: str) -> str:
    if value and value not in _choice_values(choices):
        errors.append(FieldError(name, f"{label}的取值无效"))
    return value


def _village_in_jurisdiction(actor: Staff, code: str, field_name: str = "region_code") -> FieldError | None:
    region = Region.objects.filter(code=code).values_list("level", "retired").first() if code else None
    return _village_problem(actor, code, region, field_name)


def _village_problem(
    actor: Staff, code: str, region: tuple[int, bool] | None, field_name: str = "region_code"
) -> FieldError | None:
    """`region` is the (level, retired) of the row with that code, None when there is none."""
    if not code:
        return FieldError(field_name, "请选择所在村（社区）")
    if region is None or not covers(actor.jurisdiction_prefix, code):
        return FieldError(field_name, "所选村（社区）不存在或不在您的辖区内")
    level, retired = region
    if level != RegionLevel.VILLAGE:
        return FieldError(field_name, "请选择到村（社区）一级")
    if retired:
        return FieldError(field_name, "该村（社区）已撤销，请选择合并后的村（社区）")
    return None


def clean_person(
    actor: Staff, data: PersonInput, *, partial: set[str] | None = None, today: dt.date | None = None
) -> CleanPerson:
    """Validate the fields named in `partial` (all when None); raise DomainError listing every problem."""
    today = today or timezone.localdate()
    wanted = set(PERSON_FIELDS) if partial is None else partial
    errors: list[FieldError] = []
    out = CleanPerson()

    def attempt(name: str, fn: Any) -> Any:
        try:
            return fn()
        except DomainError as exc:
            errors.extend(exc.errors)
            return None

    if "name" in wanted:
        out.values["name"] = attempt("name", lambda: clean_person_name(data.name))
    if "id_number" in wanted:
        out.id_number = attempt("id_number", lambda: parse_id_number(data.id_number, today=today))
        if out.id_number is not None:
            problem = rules.registrable_age_problem(out.id_number.birth_date, today)
            if problem:
                errors.append(FieldError("id_number", problem))
    if "phone" in wanted and data.phone.strip():
        out.phone = attempt("phone", lambda: parse_phone(data.phone))
    if "region_code" in wanted:
        region_problem = _village_in_jurisdiction(actor, data.region_code)
        if region_problem:
            errors.append(region_problem)
        out.values["region_code"] = data.region_code
    if "address" in wanted:
        out.values["address"] = attempt(
            "address", lambda: clean_text(data.address, field="address", label="住址", max_length=200)
        )
    if "ethnicity" in wanted:
        out.values["ethnicity"] = attempt(
            "ethnicity", lambda: clean_text(data.ethnicity, field="ethnicity", label="民族", max_length=20)
        )
    if "education" in wanted:
        out.values["education"] = _choice(errors, "education", data.education, Education, "文化程度")
    if "political_status" in wanted:
        out.values["political_status"] = _choice(
            errors, "political_status", data.political_status, PoliticalStatus, "政治面貌"
        )
    if "relation_to_head" in wanted:
        out.values["relation_to_head"] = _choice(
            errors, "relation_to_head", data.relation_to_head, Relation, "与户主关系"
        )
    if "household" in wanted:
        if data.household is not None and not covers(actor.jurisdiction_prefix, data.household.region_code):
            errors.append(FieldError("household", "所选家庭不存在或不在您的辖区内"))
        elif "region_code" in wanted and _outside_household(data.household, data.region_code):
            errors.append(FieldError("household", SAME_VILLAGE))
        out.values["household"] = data.household
    if errors:
        raise DomainError(errors)
    return out


SAME_VILLAGE = "家庭成员须登记在家庭所在的村（社区）；如已迁居，请先修改所在村（社区）或改用家庭的“加入成员”"


def _outside_household(household: Household | None, region_code: str) -> bool:
    """A household belongs to one village; its members are registered there too."""
    return household is not None and bool(region_code) and household.region_code != region_code


def _duplicate_error(actor: Staff, index: str, exclude_pk: int | None = None) -> FieldError | None:
    matches = Person.objects.filter(id_number_index=index)
    if exclude_pk is not None:
        matches = matches.exclude(pk=exclude_pk)
    existing = matches.only("pk", "name", "region_code").first()
    if existing is None:
        return None
    if covers(actor.jurisdiction_prefix, existing.region_code):
        return FieldError(
            "id_number", f"该身份证号码已登记：{existing.name}（编号 {existing.pk}），请打开已有记录修改"
        )
    # Outside the jurisdiction: say nothing about who or where.
    return FieldError("id_number", "该身份证号码已在其他辖区登记，无法重复登记；如需迁入请联系县级经办机构")


def _identity_columns(clean: CleanPerson) -> dict[str, Any]:
    """The encrypted, indexed and masked columns (and what the ID number tells) of the given identifiers."""
    crypto = provider()
    columns: dict[str, Any] = {}
    if clean.id_number is not None:
        value = clean.id_number.value
        columns.update(
            id_number_encrypted=crypto.encrypt(value, context=ID_CONTEXT),
            id_number_index=crypto.blind_index(value, context=ID_CONTEXT),
            id_number_masked=clean.id_number.masked,
            birth_date=clean.id_number.birth_date,
            sex=clean.id_number.sex,
        )
    if clean.phone is not None:
        columns.update(
            phone_encrypted=crypto.encrypt(clean.phone.value, context=PHONE_CONTEXT),
            phone_index=crypto.blind_index(clean.phone.value, context=PHONE_CONTEXT),
            phone_masked=clean.phone.masked,
        )
    return columns


def _apply_identity(person: Person, clean: CleanPerson) -> dict[str, Any]:
    """Set the identity columns on a person; return what the audit log may say (masked values only)."""
    columns = _identity_columns(clean)
    for name, value in columns.items():
        setattr(person, name, value)
    shown = {"id_number": columns.get("id_number_masked"), "phone": columns.get("phone_masked")}
    return {key: value for key, value in shown.items() if value is not None}


def _audit_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.pk if isinstance(v, Household) else v) for k, v in values.items()}


def person_create(*, actor: Staff, data: PersonInput, today: dt.date | None = None) -> Person:
    clean = clean_person(actor, data, today=today)
    assert clean.id_number is not None
    duplicate = _duplicate_error(actor, id_index(clean.id_number.value))
    if duplicate:
        raise DomainError(duplicate)
    person = Person(created_by=actor, **clean.values)
    shown = _apply_identity(person, clean)
    try:
        with transaction.atomic():
            person.save()
            audit.record_change(
                actor=actor,
                action="create",
                target=person,
                region_code=person.region_code,
                changes={**_audit_values(clean.values), **shown},
                summary=f"登记劳动者 {person.name}",
            )
    except IntegrityError as exc:  # a concurrent registration of the same number won the race
        raise DomainError(
            _duplicate_error(actor, person.id_number_index) or FieldError("id_number", "该身份证号码已登记")
        ) from exc
    return person


def person_update(
    *, actor: Staff, person: Person, data: PersonInput, fields: Iterable[str], today: dt.date | None = None
) -> Person:
    fields = set(fields)
    unknown = fields - set(PERSON_FIELDS)
    if unknown:
        raise DomainError(sorted(unknown)[0], "该字段不能修改")
    if not covers(actor.jurisdiction_prefix, person.region_code):
        raise NotFound
    clean = clean_person(actor, data, partial=fields, today=today)
    region_after = clean.values.get("region_code", person.region_code)
    household_after = clean.values.get("household", person.household)
    if _outside_household(household_after, region_after):
        raise DomainError("household" if "household" in fields else "region_code", SAME_VILLAGE)
    if clean.id_number is not None:
        duplicate = _duplicate_error(actor, id_index(clean.id_number.value), exclude_pk=person.pk)
        if duplicate:
            raise DomainError(duplicate)
    before = {k: getattr(person, k) for k in clean.values} | {
        "id_number": person.id_number_masked,
        "phone": person.phone_masked,
    }
    if "phone" in fields and clean.phone is None:
        person.phone_encrypted = person.phone_index = person.phone_masked = ""
        clean.values["phone"] = ""
    for key, value in clean.values.items():
        if key != "phone":
            setattr(person, key, value)
    shown = _apply_identity(person, clean)
    after = {**clean.values, **shown}
    changes = audit.diff(_audit_values(before), _audit_values(after))
    if not changes:
        return person
    with transaction.atomic():
        person.save()
        audit.record_change(
            actor=actor,
            action="update",
            target=person,
            region_code=person.region_code,
            changes=changes,
            summary=f"修改劳动者 {person.name}",
        )
    return person


def person_reveal(*, actor: Staff, person: Person, field_name: str, reason: str) -> str:
    """The plain ID number or phone, for an actor with the permission, with a reason; always logged."""
    if not covers(actor.jurisdiction_prefix, person.region_code):
        raise NotFound
    if not actor.has_perm(REVEAL_PERMISSION):
        raise DomainError(field_name, "您没有查看完整个人信息的权限")
    if field_name not in REVEALABLE:
        raise DomainError("field", "只能查看身份证号码或联系电话")
    reason = clean_text(reason, field="reason", label="查看事由", max_length=200, required=True)
    if len(reason) < 2:
        raise DomainError("reason", "请写明查看事由（至少2个字）")
    column, context = REVEALABLE[field_name]
    token = getattr(person, column)
    if not token:
        raise DomainError(field_name, "该项未登记")
    value = provider().decrypt(token, context=context)
    audit.record_access(
        actor=actor, target=person, field=field_name, reason=reason, region_code=person.region_code
    )
    return value


EXPORT_COLUMNS = (
    ("姓名", 10),
    ("性别", 6),
    ("出生日期", 12),
    ("身份证号码", 22),
    ("联系电话", 14),
    ("所在村（社区）", 16),
    ("住址", 28),
    ("文化程度", 14),
    ("民族", 8),
    ("政治面貌", 12),
    ("家庭编号", 10),
    ("登记时间", 18),
)


def persons_export(*, actor: Staff, persons: ScopedQuerySet[Person], description: str) -> exports.Workbook:
    """The given persons (a list the actor was shown: `selectors.person_list`) as a workbook, ID numbers and
    phones masked, and an access-log row saying who took how many and with which filter."""
    names = dict(villages_within(actor).values_list("code", "name"))

    def rows() -> Iterable[list[object]]:
        for person in persons.within(actor).iterator(chunk_size=2000):
            if person.region_code not in names:  # a village retired since the person was registered
                names.update(region_names({person.region_code}))
            yield [
                person.name,
                person.get_sex_display(),
                f"{person.birth_date:%Y-%m-%d}",
                person.id_number_masked,
                person.phone_masked,
                names.get(person.region_code, person.region_code),
                person.address,
                person.get_education_display(),
                person.ethnicity,
                person.get_political_status_display(),
                person.household_id or "",
                f"{timezone.localtime(person.created_at):%Y-%m-%d %H:%M}",
            ]

    workbook = exports.build_workbook(sheet="劳动者", columns=EXPORT_COLUMNS, rows=rows())
    audit.record_export(
        actor=actor,
        model=Person,
        rows=workbook.rows,
        description=description,
        region_code=actor.jurisdiction_id,
    )
    return workbook


BULK_BATCH = 2000  # persons per audit row of a bulk registration
# Between the check for registered ID numbers and the write, someone else registered one of them.
CHANGED_DURING_IMPORT = (
    "导入期间有身份证号码刚被他人登记，本次未导入任何记录；请重新导入，已登记的号码会逐行列出"
)


@dataclass
class BulkResult:
    created: int = 0
    errors: list[FieldError] = field(default_factory=list)


def _prepare_persons(
    actor: Staff, rows: Iterable[tuple[str, PersonInput]], today: dt.date
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """Validate labelled rows as `person_create` does and turn the good ones into new-row dicts (no key
    yet). Problems are named by each row's label; an ID number repeated in the batch or already registered
    is one too."""
    errors: list[FieldError] = []
    pending: list[tuple[str, dict[str, Any]]] = []
    template = {**bulk.new_row(Person), "created_by_id": actor.pk}
    seen: set[str] = set()
    villages = set(
        Region.objects.within(actor)
        .filter(level=RegionLevel.VILLAGE, retired=False)
        .values_list("code", flat=True)
    )
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
        if _outside_household(household, data.region_code):
            errors.append(FieldError(f"{label}.household", SAME_VILLAGE))
            continue
        person = {
            **template,
            **clean.values,
            **_identity_columns(clean),
            "region_code": data.region_code,
            "household_id": household.pk if household is not None else None,
        }
        if person["id_number_index"] in seen:
            errors.append(FieldError(f"{label}.id_number", "与本批前面的行身份证号码重复"))
            continue
        seen.add(person["id_number_index"])
        pending.append((label, person))
    existing = bulk.existing_values(Person, "id_number_index", [p["id_number_index"] for _, p in pending])
    errors.extend(
        FieldError(f"{label}.id_number", "该身份证号码已登记，未重复导入")
        for label, person in pending
        if person["id_number_index"] in existing
    )
    return [p for _, p in pending if p["id_number_index"] not in existing], errors


def _raise_if_registered_meanwhile(exc: IntegrityError) -> None:
    """A unique violation of the ID number's blind index becomes a message for the clerk; any other
    integrity error (a household or account deleted meanwhile) is not an ID number problem and goes on."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    constraint = getattr(diag, "constraint_name", None)  # PostgreSQL names it
    if constraint == ID_NUMBER_UNIQUE or (constraint is None and "people_person.id_number_index" in str(exc)):
        raise DomainError("id_number", CHANGED_DURING_IMPORT) from exc


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
    persons, errors = _prepare_persons(actor, labelled, today or timezone.localdate())
    if errors and all_or_nothing:
        raise DomainError(errors)
    try:
        with transaction.atomic():
            for person, key in zip(persons, bulk.reserve_keys(Person, len(persons)), strict=True):
                person["id"] = key
            _write_persons(actor, persons)
    except IntegrityError as exc:
        _raise_if_registered_meanwhile(exc)
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


def household_create(*, actor: Staff, region_code: str, address: str = "") -> Household:
    problem = _village_in_jurisdiction(actor, region_code)
    if problem:
        raise DomainError(problem)
    address = clean_text(address, field="address", label="住址", max_length=200)
    with transaction.atomic():
        household = Household.objects.create(region_code=region_code, address=address)
        audit.record_change(
            actor=actor,
            action="create",
            target=household,
            region_code=region_code,
            changes={"region_code": region_code, "address": address},
            summary="新建家庭",
        )
    return household


def household_update(
    *, actor: Staff, household: Household, region_code: str, address: str, head: Person | None
) -> Household:
    if not covers(actor.jurisdiction_prefix, household.region_code):
        raise NotFound
    errors: list[FieldError] = []
    problem = _village_in_jurisdiction(actor, region_code)
    if problem:
        errors.append(problem)
    try:
        address = clean_text(address, field="address", label="住址", max_length=200)
    except DomainError as exc:
        errors.extend(exc.errors)
    if head is not None and head.household_id != household.pk:
        errors.append(FieldError("head", "户主须是本户成员"))
    if errors:
        raise DomainError(errors)
    before = {"region_code": household.region_code, "address": household.address, "head": household.head_id}
    after = {"region_code": region_code, "address": address, "head": head.pk if head else None}
    changes = audit.diff(before, after)
    if not changes:
        return household
    with transaction.atomic():
        household.region_code, household.address, household.head = region_code, address, head
        household.save()
        if head is not None and head.relation_to_head != Relation.HEAD:
            Person.objects.filter(pk=head.pk).update(relation_to_head=Relation.HEAD)
            changes["head_relation"] = [head.relation_to_head, Relation.HEAD]
        audit.record_change(
            actor=actor,
            action="update",
            target=household,
            region_code=region_code,
            changes=changes,
            summary="修改家庭",
        )
    return household


def household_add_member(*, actor: Staff, household: Household, person: Person, relation: str) -> Person:
    """Put a person into a household, moving them out of any other and into the household's village; the
    head is set by relation 户主, and a person who headed their old household leaves it without a head."""
    if not covers(actor.jurisdiction_prefix, household.region_code) or not covers(
        actor.jurisdiction_prefix, person.region_code
    ):
        raise NotFound
    if relation not in Relation.values:
        raise DomainError("relation_to_head", "与户主关系的取值无效")
    if relation == Relation.HEAD and household.head_id not in (None, person.pk):
        raise DomainError("relation_to_head", "本户已有户主，请先修改户主")
    before = {
        "household": person.household_id,
        "relation_to_head": person.relation_to_head,
        "region_code": person.region_code,
    }
    after = {"household": household.pk, "relation_to_head": relation, "region_code": household.region_code}
    with transaction.atomic():
        headed = Household.objects.filter(head=person)
        if relation == Relation.HEAD:
            headed = headed.exclude(pk=household.pk)
        for old in headed:
            old.head = None
            old.save(update_fields=["head", "updated_at"])
            audit.record_change(
                actor=actor,
                action="update",
                target=old,
                region_code=old.region_code,
                changes={"head": [person.pk, None]},
                summary=f"{person.name} 不再是户 {old.pk} 的户主",
            )
        person.household, person.relation_to_head = household, relation
        person.region_code = household.region_code
        person.save(update_fields=["household", "relation_to_head", "region_code", "updated_at"])
        if relation == Relation.HEAD:
            household.head = person
            household.save(update_fields=["head", "updated_at"])
        audit.record_change(
            actor=actor,
            action="update",
            target=person,
            region_code=person.region_code,
            changes=audit.diff(before, after),
            summary=f"{person.name} 加入家庭 {household.pk}",
        )
    return person


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
        problem = _village_problem(actor, item.region_code, regions.get(item.region_code))
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
    persons, person_errors = _prepare_persons(actor, members, today or timezone.localdate())
    errors.extend(person_errors)
    if errors:
        raise DomainError(errors)
    try:
        with transaction.atomic():
            _write_households(actor, households, addresses, persons)
    except IntegrityError as exc:
        _raise_if_registered_meanwhile(exc)
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
