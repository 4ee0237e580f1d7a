"""What every write path checks of a person: fields, village and jurisdiction, duplicates; and the encrypted, indexed and masked columns made from the identifiers."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from openpes.accounts.models import Staff
from openpes.audit import services as audit
from openpes.core.crypto import provider
from openpes.core.errors import DomainError, FieldError
from openpes.core.identifiers import IdNumber, Phone, mask_id_for_log, parse_id_number, parse_phone
from openpes.core.jurisdiction import covers
from openpes.core.text import clean_person_name, clean_text
from openpes.people import rules
from openpes.people.models import (
    ID_CONTEXT,
    ID_TAIL_CONTEXT,
    PHONE_CONTEXT,
    Education,
    Ethnicity,
    Household,
    Person,
    PoliticalStatus,
    Relation,
)
from openpes.regions.models import Region, RegionLevel

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


def id_tail_index(tail: str) -> str:
    """The keyed hash of an ID number's last four characters, for the search by them."""
    return provider().blind_index(tail, context=ID_TAIL_CONTEXT)


def phone_index(phone: str) -> str:
    return provider().blind_index(phone, context=PHONE_CONTEXT)


@dataclass(frozen=True, slots=True)
class ParsedIdentifiers:
    """What an import's own cleaning made of a row's ID number and phone, with the same `parse_id_number`
    and `parse_phone` (same day), and the ID number's blind index it looked registered persons up by. Given
    with a `PersonInput` whose `id_number` and `phone` are these values, they are used as they are instead
    of being parsed and hashed again; every other rule (the age limits, the village, duplicates) still
    applies."""

    id_number: IdNumber
    phone: Phone | None = None
    id_index: str = ""


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
    parsed: ParsedIdentifiers | None = None  # an import's parse of id_number and phone (see there)


@dataclass
class CleanPerson:
    values: dict[str, Any] = field(default_factory=dict)
    id_number: IdNumber | None = None
    phone: Phone | None = None
    id_index: str = ""  # the ID number's blind index, when the caller had it already


@functools.cache
def _choice_values(choices: Any) -> frozenset[str]:
    return frozenset(choices.values)  # `.values` builds a new list on every access


def _choice(errors: list[FieldError], name: str, value: str, choices: Any, label: str) -> str:
    if value and value not in _choice_values(choices):
        errors.append(FieldError(name, f"{label}的取值无效"))
    return value


def village_in_jurisdiction(actor: Staff, code: str, field_name: str = "region_code") -> FieldError | None:
    region = Region.objects.filter(code=code).values_list("level", "retired").first() if code else None
    return village_problem(actor, code, region, field_name)


def village_problem(
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
    parsed = data.parsed
    if "id_number" in wanted:
        if parsed is not None and parsed.id_number.value == data.id_number:
            out.id_number, out.id_index = parsed.id_number, parsed.id_index
        else:
            out.id_number = attempt("id_number", lambda: parse_id_number(data.id_number, today=today))
        if out.id_number is not None:
            problem = rules.registrable_age_problem(out.id_number.birth_date, today)
            if problem:
                errors.append(FieldError("id_number", problem))
    if "phone" in wanted and data.phone.strip():
        if parsed is not None and parsed.phone is not None and parsed.phone.value == data.phone:
            out.phone = parsed.phone
        else:
            out.phone = attempt("phone", lambda: parse_phone(data.phone))
    if "region_code" in wanted:
        region_problem = village_in_jurisdiction(actor, data.region_code)
        if region_problem:
            errors.append(region_problem)
        out.values["region_code"] = data.region_code
    if "address" in wanted:
        out.values["address"] = attempt(
            "address", lambda: clean_text(data.address, field="address", label="住址", max_length=200)
        )
    if "ethnicity" in wanted:
        out.values["ethnicity"] = _choice(errors, "ethnicity", data.ethnicity, Ethnicity, "民族")
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
        elif data.household is not None and _closed(data.household):
            errors.append(FieldError("household", JOIN_CLOSED))
        elif "region_code" in wanted and outside_household(data.household, data.region_code):
            errors.append(FieldError("household", SAME_VILLAGE))
        out.values["household"] = data.household
    if errors:
        raise DomainError(errors)
    return out


def _closed(household: Household) -> bool:
    """Asked of the database, not of the object the caller holds, which may predate the closing."""
    return Household.objects.filter(pk=household.pk, closed_at__isnull=False).exists()


JOIN_CLOSED = "所选家庭已注销，不能加入"
SAME_VILLAGE = "家庭成员须登记在家庭所在的村（社区）；如已迁居，请先修改所在村（社区）或改用家庭的“加入成员”"


def outside_household(household: Household | None, region_code: str) -> bool:
    """A household belongs to one village; its members are registered there too."""
    return household is not None and bool(region_code) and household.region_code != region_code


def recheck_household(household: Household | None, region_code: str) -> None:
    """Inside the writing transaction: the household as it is now, its row locked, not as the caller read
    it before (a move or a closing may have committed since). Keeps every member in the household's
    village under concurrent writes (SECURITY.md 23)."""
    if household is None:
        return
    current = Household.objects.select_for_update(of=("self",)).get(pk=household.pk)
    if current.is_closed:
        raise DomainError("household", JOIN_CLOSED)
    if outside_household(current, region_code):
        raise DomainError("household", SAME_VILLAGE)


def duplicate_error(actor: Staff, number: str, exclude_pk: int | None = None) -> FieldError | None:
    """The problem of registering an ID number someone already has. Saying so confirms a guessed number
    as a search does, so it is logged as one (SECURITY.md 21), before the refusal."""
    matches = Person.objects.filter(id_number_index=id_index(number))
    if exclude_pk is not None:
        matches = matches.exclude(pk=exclude_pk)
    existing = matches.only("pk", "name", "region_code").first()
    if existing is None:
        return None
    audit.record_lookup(
        actor=actor,
        model=Person,
        reason=f"登记时身份证号码 {mask_id_for_log(number)} 已有登记，未重复登记",
        region_code=actor.jurisdiction_id,
    )
    if covers(actor.jurisdiction_prefix, existing.region_code):
        return FieldError(
            "id_number",
            f"该身份证号码已登记：{existing.name}（编号 {existing.pk}），请打开已有记录修改",
            existing_id=existing.pk,
        )
    # Outside the jurisdiction: say nothing about who or where.
    return FieldError("id_number", "该身份证号码已在其他辖区登记，无法重复登记；如需迁入请联系县级经办机构")


def identity_columns(clean: CleanPerson) -> dict[str, Any]:
    """The encrypted, indexed and masked columns (and what the ID number may tell in plain text: the birth
    year and month, the sex) of the given identifiers."""
    crypto = provider()
    columns: dict[str, Any] = {}
    if clean.id_number is not None:
        value = clean.id_number.value
        columns.update(
            id_number_encrypted=crypto.encrypt(value, context=ID_CONTEXT),
            id_number_index=clean.id_index or crypto.blind_index(value, context=ID_CONTEXT),
            id_tail_index=crypto.blind_index(value[-4:], context=ID_TAIL_CONTEXT),
            birth_month=rules.month_of(clean.id_number.birth_date),
            sex=clean.id_number.sex,
        )
    if clean.phone is not None:
        columns.update(
            phone_encrypted=crypto.encrypt(clean.phone.value, context=PHONE_CONTEXT),
            phone_index=crypto.blind_index(clean.phone.value, context=PHONE_CONTEXT),
            phone_masked=clean.phone.masked,
        )
    return columns


def apply_identity(person: Person, clean: CleanPerson) -> dict[str, Any]:
    """Set the identity columns on a person; return what the audit log may say of them: the ID number as
    its division only (the log is plain text, and the tail beside the stored birth month would leave a
    handful of candidates), the phone masked."""
    columns = identity_columns(clean)
    for name, value in columns.items():
        setattr(person, name, value)
    person.__dict__.pop("id_number_masked", None)  # the cached mask of the old number
    shown = {
        "id_number": mask_id_for_log(clean.id_number.value) if clean.id_number else None,
        "phone": columns.get("phone_masked"),
    }
    return {key: value for key, value in shown.items() if value is not None}


def audit_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.pk if isinstance(v, Household) else v) for k, v in values.items()}
