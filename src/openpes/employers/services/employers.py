"""Registering and changing an employer, verifying it (审核), key enterprises and their specialists."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from openpes.accounts.models import Staff
from openpes.accounts.roles import Role
from openpes.audit import services as audit
from openpes.core.crypto import provider
from openpes.core.errors import DomainError, FieldError, NotFound
from openpes.core.jurisdiction import covers
from openpes.core.text import clean_text
from openpes.employers.models import CONTACT_PHONE_CONTEXT, Employer, EmployerAccount, Verification
from openpes.employers.services.validation import (
    EMPLOYER_FIELDS,
    EmployerInput,
    apply_contact_phone,
    clean_employer,
    duplicate_error,
)

CHANGE_ANY = "employers.change_employer"
CHANGE_ASSIGNED = "employers.change_assigned_employer"
VERIFY = "employers.verify_employer"
MANAGE_KEY = "employers.manage_key_enterprise"
# Who may serve an employer as its 就业服务专员: the specialists, and the officers who often do it in a county.
SPECIALIST_ROLES = frozenset({Role.SPECIALIST, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER})


def may_change(actor: Staff, employer: Employer) -> bool:
    """Officers change any employer of their jurisdiction; a specialist only the employers they serve."""
    return actor.has_perm(CHANGE_ANY) or (
        actor.has_perm(CHANGE_ASSIGNED)
        and employer.specialist_id is not None
        and employer.specialist_id == actor.pk
    )


def _inside(actor: Staff, employer: Employer) -> None:
    if not covers(actor.jurisdiction_prefix, employer.region_code):
        raise NotFound


def employer_create(*, actor: Staff, data: EmployerInput) -> Employer:
    clean = clean_employer(actor, data)
    duplicate = duplicate_error(actor, clean.values["uscc"])
    if duplicate:
        raise DomainError(duplicate)
    employer = Employer(created_by=actor, **clean.values)
    shown = apply_contact_phone(employer, clean.phone)
    try:
        with transaction.atomic():
            employer.save()
            audit.record_change(
                actor=actor,
                action="create",
                target=employer,
                region_code=employer.region_code,
                changes={**clean.values, "contact_phone": shown},
                summary=f"登记用人单位 {employer.name}",
            )
    except IntegrityError as exc:  # a concurrent registration of the same code won the race
        raise DomainError(
            duplicate_error(actor, employer.uscc) or FieldError("uscc", "该统一社会信用代码已登记")
        ) from exc
    return employer


def employer_update(
    *, actor: Staff, employer: Employer, data: EmployerInput, fields: Iterable[str]
) -> Employer:
    """Change the named fields; `contact_phone` given empty removes the phone."""
    fields = set(fields)
    unknown = fields - set(EMPLOYER_FIELDS)
    if unknown:
        raise DomainError(sorted(unknown)[0], "该字段不能修改")
    _inside(actor, employer)
    if not may_change(actor, employer):
        raise PermissionDenied
    clean = clean_employer(actor, data, partial=fields)
    if "uscc" in fields:
        duplicate = duplicate_error(actor, clean.values["uscc"], exclude_pk=employer.pk)
        if duplicate:
            raise DomainError(duplicate)
    before = {k: getattr(employer, k) for k in clean.values} | {
        "contact_phone": employer.contact_phone_masked
    }
    old_code = employer.uscc
    for key, value in clean.values.items():
        setattr(employer, key, value)
    after = dict(clean.values)
    old_index = employer.contact_phone_index
    if "contact_phone" in fields:
        after["contact_phone"] = apply_contact_phone(employer, clean.phone)
    changes = audit.diff(before, after)
    if employer.contact_phone_index != old_index:  # logged even when the two masks look the same
        changes["contact_phone"] = [before["contact_phone"], after["contact_phone"]]
    if not changes:
        return employer
    try:
        with transaction.atomic():
            employer.save()
            if employer.uscc != old_code:  # portal accounts sign in with the code: they follow the correction
                EmployerAccount.objects.filter(employer=employer, login_name=old_code).update(
                    login_name=employer.uscc
                )
            audit.record_change(
                actor=actor,
                action="update",
                target=employer,
                region_code=employer.region_code,
                changes=changes,
                summary=f"修改用人单位 {employer.name}",
            )
    except IntegrityError as exc:
        raise DomainError("uscc", "该统一社会信用代码已登记") from exc
    return employer


def employer_verify(*, actor: Staff, employer: Employer, approve: bool, reason: str = "") -> Employer:
    """审核: approve (the employer's vacancies may be published) or reject with the reason the employer will
    read. A verified employer can be rejected later (a licence revoked, fraud found), and a rejected one
    approved once corrected. Approving also confirms the account the employer signed up with."""
    _inside(actor, employer)
    if not actor.has_perm(VERIFY):
        raise PermissionDenied
    reason = clean_text(reason, field="reason", label="审核意见", max_length=200)
    if not approve and len(reason) < 2:
        raise DomainError("reason", "请写明未通过的原因（至少2个字），单位将看到这条意见")
    status = Verification.VERIFIED if approve else Verification.REJECTED
    before = {"verification": employer.verification, "verification_reason": employer.verification_reason}
    now = timezone.now()
    employer.verification, employer.verification_reason = status, reason
    employer.verified_by, employer.verified_at = actor, now
    with transaction.atomic():
        employer.save(
            update_fields=["verification", "verification_reason", "verified_by", "verified_at", "updated_at"]
        )
        confirmed: list[int] = []
        if approve:
            # Only an account that registered this employer itself: one that claimed a record staff made
            # earlier is confirmed on its own (account_confirm), after the office has checked who holds it.
            own = EmployerAccount.objects.filter(
                employer=employer, confirmed_at__isnull=True, claimed_existing=False, is_active=True
            )
            confirmed = list(own.values_list("pk", flat=True))
            own.update(confirmed_at=now, confirmed_by=actor)
        audit.record_change(
            actor=actor,
            action="update",
            target=employer,
            region_code=employer.region_code,
            changes=audit.diff(before, {"verification": status, "verification_reason": reason})
            | ({"confirmed_accounts": confirmed} if confirmed else {}),
            summary=f"审核用人单位 {employer.name}：{Verification(status).label}",
        )
    return employer


def employer_contact_reveal(*, actor: Staff, employer: Employer, reason: str) -> str:
    """The whole contact phone, to call the employer; always logged in the access log with the reason."""
    _inside(actor, employer)
    reason = clean_text(reason, field="reason", label="查看事由", max_length=200, required=True)
    if len(reason) < 2:
        raise DomainError("reason", "请写明查看事由（至少2个字）")
    if not employer.contact_phone_encrypted:
        raise DomainError("contact_phone", "该单位未登记联系电话")
    value = provider().decrypt(employer.contact_phone_encrypted, context=CONTACT_PHONE_CONTEXT)
    audit.record_access(
        actor=actor, target=employer, field="contact_phone", reason=reason, region_code=employer.region_code
    )
    return value


def specialist_problem(actor: Staff, employer: Employer, specialist: Staff) -> FieldError | None:
    if not covers(actor.jurisdiction_prefix, specialist.jurisdiction_id) or not specialist.is_active:
        return FieldError("specialist", "所选工作人员不存在、已停用或不在您的辖区内")
    if not specialist.roles & SPECIALIST_ROLES:
        return FieldError("specialist", "所选工作人员不是就业服务专员或经办人员")
    if not covers(specialist.jurisdiction_prefix, employer.region_code):
        return FieldError("specialist", "所选工作人员的辖区不包括该单位所在地")
    return None


def employer_key_enterprise_set(
    *, actor: Staff, employer: Employer, is_key_enterprise: bool, specialist: Staff | None
) -> Employer:
    """Mark (or unmark) a key enterprise and assign its 就业服务专员 (None: nobody)."""
    _inside(actor, employer)
    if not actor.has_perm(MANAGE_KEY):
        raise PermissionDenied
    if specialist is not None:
        problem = specialist_problem(actor, employer, specialist)
        if problem:
            raise DomainError(problem)
    before = {"is_key_enterprise": employer.is_key_enterprise, "specialist": employer.specialist_id}
    after = {"is_key_enterprise": is_key_enterprise, "specialist": specialist.pk if specialist else None}
    changes = audit.diff(before, after)
    if not changes:
        return employer
    employer.is_key_enterprise, employer.specialist = is_key_enterprise, specialist
    with transaction.atomic():
        employer.save(update_fields=["is_key_enterprise", "specialist", "updated_at"])
        audit.record_change(
            actor=actor,
            action="update",
            target=employer,
            region_code=employer.region_code,
            changes=changes,
            summary=f"{'认定' if is_key_enterprise else '取消'}重点企业 {employer.name}"
            + (f"，专员 {specialist.full_name}" if specialist else ""),
        )
    return employer
