"""Every read of employers starts from `within(actor)`; the portal's reads start from the signed-in
account."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from openpes.accounts.models import Staff, StaffQuerySet
from openpes.core.identifiers import full_phone, normalise_text
from openpes.core.jurisdiction import (
    CODE_LENGTH,
    PREFIX_LENGTHS,
    ScopedQuerySet,
    code_range,
    covers,
    prefix_of,
)
from openpes.employers import rules
from openpes.employers.models import DemandLine, DemandSurvey, Employer, EmployerAccount, Verification
from openpes.employers.services import SPECIALIST_ROLES, contact_phone_index


@dataclass(frozen=True)
class EmployerFilters:
    q: str = ""  # a name (or part of it), a credit code (or its beginning), or a contact phone number
    region: str = ""  # a region code inside the jurisdiction
    verification: str = ""
    key_enterprise: bool | None = None
    specialist: int | None = None  # the employers one staff member serves


def _search(employers: ScopedQuerySet[Employer], q: str) -> ScopedQuerySet[Employer]:
    text = normalise_text(q).replace("-", "")
    if not text:
        return employers
    phone = full_phone(text)
    if phone:
        return employers.filter(contact_phone_index=contact_phone_index(phone))
    if text.isascii() and text.isalnum() and len(text) >= 6:
        return employers.filter(uscc__startswith=text)
    return employers.filter(name__contains=q.strip())


def employer_list(*, actor: Staff, filters: EmployerFilters = EmployerFilters()) -> ScopedQuerySet[Employer]:
    employers = Employer.objects.within(actor)
    if filters.region:
        if not covers(actor.jurisdiction_prefix, filters.region):
            return employers.none()
        employers = employers.filter(region_code__range=code_range(prefix_of(filters.region)))
    if filters.verification:
        employers = employers.filter(verification=filters.verification)
    if filters.key_enterprise is not None:
        employers = employers.filter(is_key_enterprise=filters.key_enterprise)
    if filters.specialist is not None:
        employers = employers.filter(specialist_id=filters.specialist)
    return _search(employers, filters.q).select_related("specialist")


def employer_get(*, actor: Staff, pk: int) -> Employer | None:
    return Employer.objects.within(actor).select_related("specialist", "verified_by").filter(pk=pk).first()


def pending_count(*, actor: Staff) -> int:
    return Employer.objects.within(actor).filter(verification=Verification.PENDING).count()


def accounts_of(*, actor: Staff, employer: Employer) -> QuerySet[EmployerAccount]:
    return EmployerAccount.objects.within(actor).filter(employer=employer).select_related("employer")


def account_get(*, actor: Staff, pk: int) -> EmployerAccount | None:
    return EmployerAccount.objects.within(actor).select_related("employer").filter(pk=pk).first()


def demand_surveys_of(*, actor: Staff, employer: Employer) -> QuerySet[DemandSurvey]:
    return _with_lines(DemandSurvey.objects.within(actor).filter(employer=employer))


def demand_survey_list(*, actor: Staff, region: str = "") -> QuerySet[DemandSurvey]:
    """Surveys of the jurisdiction, newest first, each with its lines and total headcount."""
    surveys = DemandSurvey.objects.within(actor)
    if region:
        if not covers(actor.jurisdiction_prefix, region):
            return surveys.none()
        surveys = surveys.filter(employer__region_code__range=code_range(prefix_of(region)))
    return _with_lines(surveys)


def demand_survey_get(*, actor: Staff, pk: int) -> DemandSurvey | None:
    return _with_lines(DemandSurvey.objects.within(actor)).filter(pk=pk).first()


def _with_lines(surveys: QuerySet[DemandSurvey]) -> QuerySet[DemandSurvey]:
    return (
        surveys.select_related("employer", "created_by")
        .prefetch_related(Prefetch("lines", queryset=DemandLine.objects.order_by("id")))
        .annotate(total_headcount=Sum("lines__headcount"), line_count=Count("lines"))
        .order_by("-surveyed_on", "-id")
    )


def specialist_choices(*, actor: Staff, employer: Employer) -> StaffQuerySet:
    """Staff the actor may assign to the employer: active specialists and officers whose jurisdiction
    covers the employer's place and lies within the actor's."""
    covering = {
        employer.region_code[:length].ljust(CODE_LENGTH, "0")
        for length in PREFIX_LENGTHS
        if covers(employer.region_code[:length], employer.region_code)
    }
    return (
        Staff.objects.within(actor)
        .filter(is_active=True, jurisdiction_id__in=covering, groups__name__in=SPECIALIST_ROLES)
        .distinct()
        .order_by("jurisdiction_id", "full_name")
    )


# --- the portal: reads start from the signed-in account --------------------------------------------------


def portal_account_get(pk: int) -> EmployerAccount | None:
    """The account a portal session names, if it may still sign in."""
    return EmployerAccount.objects.select_related("employer").filter(pk=pk, is_active=True).first()


def portal_employer(account: EmployerAccount) -> Employer | None:
    """The employer a portal account acts for, or None while the office has not confirmed an account that
    claimed an employer it had registered (the account then sees nothing of it)."""
    return account.employer if rules.account_sees_employer(account) else None


def employer_summary(*, actor: Staff) -> dict[str, int]:
    counts = Employer.objects.within(actor).aggregate(
        total=Count("id"),
        pending=Count("id", filter=Q(verification=Verification.PENDING)),
        verified=Count("id", filter=Q(verification=Verification.VERIFIED)),
        key_enterprises=Count("id", filter=Q(is_key_enterprise=True)),
    )
    return {key: int(value or 0) for key, value in counts.items()}
