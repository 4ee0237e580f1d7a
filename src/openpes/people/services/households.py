"""Households: creating, changing, moving, closing, and putting a person into one or taking them out.

The invariant every function here keeps: each member lives in the household's village. A move takes every
member along; a person changes household only through `household_add_member` (confirmed when it takes them
out of another) or `household_remove_member` (which gives them a household of their own)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from openpes.accounts.models import Staff
from openpes.audit import services as audit
from openpes.core.errors import DomainError, FieldError, NotFound
from openpes.core.jurisdiction import covers
from openpes.core.text import clean_text
from openpes.people.models import Household, Person, Relation
from openpes.people.services.validation import village_in_jurisdiction
from openpes.people.signals import household_members_changed
from openpes.regions.selectors import full_name

CLOSED = "该户已注销，不能修改或添加成员"
MEMBERS_OUTSIDE = "本户有成员登记在您的辖区以外，不能迁移本户；请联系上级经办机构"


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


def _locked(household: Household) -> Household:
    """The household's row, locked until the transaction ends, so that a move and a new member cannot
    cross (on SQLite the write transaction already serialises them)."""
    return Household.objects.select_for_update(of=("self",)).select_related("head").get(pk=household.pk)


def _reason(reason: str) -> str:
    reason = clean_text(reason, field="reason", label="原因", max_length=200, required=True)
    if len(reason) < 2:
        raise DomainError("reason", "请写明原因（至少2个字）")
    return reason


def household_update(
    *, actor: Staff, household: Household, region_code: str, address: str, head: Person | None
) -> Household:
    """Change a household's village, address or head. A new village takes every member along, each move in
    the change log; only an actor whose jurisdiction covers both villages and every member may move it."""
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
    with transaction.atomic():
        household = _locked(household)
        if household.is_closed:
            raise DomainError("household", CLOSED)
        members = list(Person.objects.filter(household=household).order_by("pk"))
        moving = region_code != household.region_code
        if moving and not all(covers(actor.jurisdiction_prefix, m.region_code) for m in members):
            raise DomainError("region_code", MEMBERS_OUTSIDE)
        before = {
            "region_code": household.region_code,
            "address": household.address,
            "head": household.head_id,
        }
        after = {"region_code": region_code, "address": address, "head": head.pk if head else None}
        changes = audit.diff(before, after)
        if not changes:
            return household
        household.region_code, household.address, household.head = region_code, address, head
        household.save()
        if head is not None and head.relation_to_head != Relation.HEAD:
            Person.objects.filter(pk=head.pk).update(relation_to_head=Relation.HEAD)
            changes["head_relation"] = [head.relation_to_head, Relation.HEAD]
        if before["head"] and before["head"] != after["head"]:
            # the old head is no longer 户主; their relation to the new one is for the clerk to fill in
            Person.objects.filter(pk=before["head"], relation_to_head=Relation.HEAD).update(
                relation_to_head=""
            )
        audit.record_change(
            actor=actor,
            action="update",
            target=household,
            region_code=region_code,
            changes=changes,
            summary="修改家庭"
            if not moving
            else f"家庭迁至 {full_name(region_code)}，{len(members)} 名成员随迁",
        )
        if moving:
            _move_members(actor, household, members)
    return household


def _move_members(actor: Staff, household: Household, members: list[Person]) -> None:
    place = full_name(household.region_code)
    now = timezone.now()
    for member in members:
        if member.region_code == household.region_code:
            continue
        Person.objects.filter(pk=member.pk).update(region_code=household.region_code, updated_at=now)
        audit.record_change(
            actor=actor,
            action="update",
            target=member,
            region_code=household.region_code,
            changes={"region_code": [member.region_code, household.region_code]},
            summary=f"{member.name} 随户 {household.pk} 迁至 {place}",
        )


def describe(household: Household) -> str:
    """户 12（户主 王芳，长铺子苗族侗族乡 / 大园村）: how a clerk recognises a household."""
    head = f"户主 {household.head.name}，" if household.head is not None else "暂无户主，"
    return f"户 {household.pk}（{head}{full_name(household.region_code)}）"


def household_add_member(
    *, actor: Staff, household: Household, person: Person, relation: str, confirm_move: bool = False
) -> Person:
    """Put a person into a household and its village. Someone who belongs to another household is moved out
    of it only with `confirm_move` (the refusal names that household); a person who headed it leaves it
    without a head, which its page then asks for."""
    if not covers(actor.jurisdiction_prefix, household.region_code) or not covers(
        actor.jurisdiction_prefix, person.region_code
    ):
        raise NotFound
    if relation not in Relation.values:
        raise DomainError("relation_to_head", "与户主关系的取值无效")
    with transaction.atomic():
        household = _locked(household)
        if household.is_closed:
            raise DomainError("household", CLOSED)
        if relation == Relation.HEAD and household.head_id not in (None, person.pk):
            raise DomainError("relation_to_head", "本户已有户主，请先修改户主")
        old = person.household
        if old is not None and old.pk != household.pk and not confirm_move:
            raise DomainError(
                "confirm_move", f"{person.name} 现属于{describe(old)}；确认后将从原家庭移出，加入本户"
            )
        before = {
            "household": person.household_id,
            "relation_to_head": person.relation_to_head,
            "region_code": person.region_code,
        }
        after = {
            "household": household.pk,
            "relation_to_head": relation,
            "region_code": household.region_code,
        }
        headed = Household.objects.filter(head=person)
        if relation == Relation.HEAD:
            headed = headed.exclude(pk=household.pk)
        for was_headed in headed:
            _lose_head(actor, was_headed, person)
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
            summary=f"{person.name} 加入家庭 {household.pk}"
            + (f"（从户 {old.pk} 移入）" if old is not None and old.pk != household.pk else ""),
        )
        changed = [household.pk] + ([old.pk] if old is not None and old.pk != household.pk else [])
        household_members_changed.send(sender=Household, households=changed)
    return person


def _lose_head(actor: Staff, household: Household, person: Person) -> None:
    household.head = None
    household.save(update_fields=["head", "updated_at"])
    audit.record_change(
        actor=actor,
        action="update",
        target=household,
        region_code=household.region_code,
        changes={"head": [person.pk, None]},
        summary=f"{person.name} 不再是户 {household.pk} 的户主",
    )


def household_remove_member(*, actor: Staff, household: Household, person: Person, reason: str) -> Household:
    """Take a member out of a household (分户, 迁出): they get a household of their own in the same village,
    at the same address, as its head. Returns that new household."""
    if not covers(actor.jurisdiction_prefix, household.region_code) or not covers(
        actor.jurisdiction_prefix, person.region_code
    ):
        raise NotFound
    if person.household_id != household.pk:
        raise DomainError("person", f"{person.name} 不是户 {household.pk} 的成员")
    reason = _reason(reason)
    with transaction.atomic():
        household = _locked(household)
        if household.head_id == person.pk:
            _lose_head(actor, household, person)
        own = Household.objects.create(region_code=person.region_code, address=household.address, head=person)
        audit.record_change(
            actor=actor,
            action="create",
            target=own,
            region_code=own.region_code,
            changes={"region_code": own.region_code, "address": own.address, "head": person.pk},
            summary=f"{person.name} 从户 {household.pk} 分出，自立一户：{reason}"[:200],
        )
        before = {"household": household.pk, "relation_to_head": person.relation_to_head}
        person.household, person.relation_to_head = own, Relation.HEAD
        person.save(update_fields=["household", "relation_to_head", "updated_at"])
        audit.record_change(
            actor=actor,
            action="update",
            target=person,
            region_code=person.region_code,
            changes={
                **audit.diff(before, {"household": own.pk, "relation_to_head": Relation.HEAD}),
                "reason": reason,
            },
            summary=f"{person.name} 移出户 {household.pk}：{reason}"[:200],
        )
        household_members_changed.send(sender=Household, households=[household.pk, own.pk])
    return own


def household_close(*, actor: Staff, household: Household, reason: str) -> Household:
    """Close an empty household with a reason (户销户: all moved away, merged, died). It is kept, with its
    history; nobody can join it afterwards."""
    if not covers(actor.jurisdiction_prefix, household.region_code):
        raise NotFound
    reason = _reason(reason)
    with transaction.atomic():
        household = _locked(household)
        if household.is_closed:
            raise DomainError("household", "该户已注销")
        left = Person.objects.filter(household=household).count()
        if left:
            raise DomainError("household", f"本户还有 {left} 名成员，须先移出全部成员才能注销")
        household.closed_at, household.closed_reason, household.head = timezone.now(), reason, None
        household.save(update_fields=["closed_at", "closed_reason", "head", "updated_at"])
        audit.record_change(
            actor=actor,
            action="update",
            target=household,
            region_code=household.region_code,
            changes={"closed_reason": reason},
            summary=f"注销家庭 {household.pk}：{reason}"[:200],
        )
    return household
