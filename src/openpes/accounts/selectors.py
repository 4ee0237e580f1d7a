"""Reads of accounts, scoped to the actor's jurisdiction."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from openpes.accounts.models import ApiToken, Institution, Partner, PartnerKey, Staff


def staff_list(*, actor: Staff, query: str = "") -> QuerySet[Staff]:
    staff = Staff.objects.within(actor).prefetch_related("groups")
    if query:
        staff = staff.filter(username__icontains=query) | staff.filter(full_name__icontains=query)
    return staff


def staff_get(*, actor: Staff, pk: int) -> Staff | None:
    return Staff.objects.within(actor).filter(pk=pk).first()


def institution_list(*, actor: Staff) -> QuerySet[Institution]:
    return Institution.objects.within(actor)


def token_list(*, actor: Staff) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(staff=actor)


def token_get(*, actor: Staff, pk: int) -> ApiToken | None:
    return ApiToken.objects.filter(staff=actor, pk=pk).first()


def partner_list(*, actor: Staff) -> QuerySet[Partner]:
    """The partner systems serving a region of the actor's jurisdiction, each with its keys."""
    keys = PartnerKey.objects.select_related("created_by", "revoked_by").order_by("-created_at", "-id")
    return (
        Partner.objects.within(actor)
        .select_related("region")
        .prefetch_related(Prefetch("keys", queryset=keys))
    )


def partner_get(*, actor: Staff, pk: int) -> Partner | None:
    return Partner.objects.within(actor).select_related("region").filter(pk=pk).first()


def partner_key_get(*, actor: Staff, pk: int) -> PartnerKey | None:
    return PartnerKey.objects.within(actor).select_related("partner").filter(pk=pk).first()


def second_factor_required(staff: Staff) -> bool:
    from django.conf import settings
    from django_otp import user_has_device

    return bool(staff.roles & set(settings.OTP_REQUIRED_ROLES)) or user_has_device(staff)
