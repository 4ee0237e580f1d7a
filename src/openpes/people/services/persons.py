"""Registering, changing and revealing one person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from openpes.accounts.models import Staff
from openpes.audit import services as audit
from openpes.core.crypto import provider
from openpes.core.errors import DomainError, FieldError, NotFound
from openpes.core.identifiers import full_id_number, full_phone, mask_id_for_log, mask_phone
from openpes.core.jurisdiction import covers
from openpes.core.text import clean_text
from openpes.people.models import Household, Person
from openpes.people.services.validation import (
    PERSON_FIELDS,
    REVEAL_PERMISSION,
    REVEALABLE,
    SAME_VILLAGE,
    PersonInput,
    apply_identity,
    audit_values,
    clean_person,
    duplicate_error,
    outside_household,
    recheck_household,
)
from openpes.people.signals import household_members_changed

CHANGE_HOUSEHOLD = (
    "此人已是一户的成员：换到另一户请在该户用“添加成员”（会先请您确认移出原家庭），"
    "离开家庭请在原家庭用“移出成员”（此人将自立一户）"
)


def person_create(*, actor: Staff, data: PersonInput, today: dt.date | None = None) -> Person:
    clean = clean_person(actor, data, today=today)
    assert clean.id_number is not None
    duplicate = duplicate_error(actor, clean.id_number.value)
    if duplicate:
        raise DomainError(duplicate)
    person = Person(created_by=actor, **clean.values)
    shown = apply_identity(person, clean)
    try:
        with transaction.atomic():
            recheck_household(person.household, person.region_code)
            person.save()
            if person.household_id:
                household_members_changed.send(sender=Household, households=[person.household_id])
            audit.record_change(
                actor=actor,
                action="create",
                target=person,
                region_code=person.region_code,
                changes={**audit_values(clean.values), **shown},
                summary=f"登记劳动者 {person.name}",
            )
    except IntegrityError as exc:  # a concurrent registration of the same number won the race
        raise DomainError(
            duplicate_error(actor, clean.id_number.value) or FieldError("id_number", "该身份证号码已登记")
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
    if "household" in clean.values and person.household_id not in (None, getattr(data.household, "pk", None)):
        raise DomainError("household", CHANGE_HOUSEHOLD)
    region_after = clean.values.get("region_code", person.region_code)
    household_after = clean.values.get("household", person.household)
    if outside_household(household_after, region_after):
        raise DomainError("household" if "household" in fields else "region_code", SAME_VILLAGE)
    if clean.id_number is not None:
        duplicate = duplicate_error(actor, clean.id_number.value, exclude_pk=person.pk)
        if duplicate:
            raise DomainError(duplicate)
    before = {k: getattr(person, k) for k in clean.values} | {
        "id_number": mask_id_for_log(person.id_number_masked),
        "phone": person.phone_masked,
    }
    old_index = person.id_number_index
    if "phone" in fields and clean.phone is None:
        person.phone_encrypted = person.phone_index = person.phone_masked = ""
        clean.values["phone"] = ""
    for key, value in clean.values.items():
        if key != "phone":
            setattr(person, key, value)
    shown = apply_identity(person, clean)
    after = {**clean.values, **shown}
    changes = audit.diff(audit_values(before), audit_values(after))
    if person.id_number_index != old_index:  # logged even when the division, all the log shows, is the same
        changes["id_number"] = [before["id_number"], after["id_number"]]
    if not changes:
        return person
    with transaction.atomic():
        recheck_household(person.household, person.region_code)
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


def identifier_search_record(*, actor: Staff, q: str, matches: QuerySet[Any]) -> None:
    """Log a search by a whole ID number or phone number (pages and API, persons and households) in the
    access log, the number masked, with how many it found: each such search confirms or refutes a guess at
    a masked value. Other searches are not logged."""
    number = full_id_number(q)
    phone = None if number else full_phone(q)
    if number is None and phone is None:
        return
    what = f"身份证号码 {mask_id_for_log(number)}" if number else f"联系电话 {mask_phone(phone or '')}"
    audit.record_lookup(
        actor=actor,
        model=matches.model,
        reason=f"按完整{what} 查找，找到 {matches.count()} 条",
        region_code=actor.jurisdiction_id,
    )


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
