"""Households: creating, changing, and putting a person into one."""

from __future__ import annotations

from django.db import transaction

from openpes.accounts.models import Staff
from openpes.audit import services as audit
from openpes.core.errors import DomainError, FieldError, NotFound
from openpes.core.jurisdiction import covers
from openpes.core.text import clean_text
from openpes.people.models import Household, Person, Relation
from openpes.people.services.validation import village_in_jurisdiction


def household_create(*, actor: Staff, region_code: str, address: str = "") -> Household:
    problem = village_in_jurisdiction(actor, region_code)
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
    problem = village_in_jurisdiction(actor, region_code)
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
