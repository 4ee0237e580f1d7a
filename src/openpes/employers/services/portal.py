"""The employers' side of the portal: sign-up, sign-in, and the office's confirmation of accounts.

Hijacking: a credit code is public (printed on every licence and in the national registry), so knowing
one proves nothing. A sign-up for a code that already has an account is refused with a message to contact
the office. A sign-up for a code staff registered earlier (no account yet) makes an account that sees
nothing of that employer until staff confirm it (`account_confirm`), having checked the licence and who
holds it. A sign-up for a new code makes a pending employer: its vacancies wait for the office's 审核.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from openpes.accounts.models import Staff
from openpes.audit import services as audit
from openpes.core.crypto import provider
from openpes.core.errors import DomainError, FieldError, NotFound
from openpes.core.identifiers import CreditCode, Phone, normalise_text, parse_phone, parse_uscc
from openpes.core.jurisdiction import covers
from openpes.core.text import clean_text
from openpes.employers import throttle
from openpes.employers.models import ACCOUNT_PHONE_CONTEXT, Employer, EmployerAccount, PortalLoginAttempt
from openpes.employers.services.employers import VERIFY
from openpes.employers.services.validation import apply_contact_phone, clean_name
from openpes.regions.models import Region

ALREADY_REGISTERED = (
    "该统一社会信用代码已注册单位账号，不能重复注册。如忘记密码或需要另开账号，"
    "请携营业执照到当地公共就业服务机构办理"
)
OUTSIDE_SERVICE_AREA = (
    "无法从统一社会信用代码确定单位的登记地（第3–8位 {division}），请联系当地公共就业服务机构登记"
)


@dataclass
class PortalActor:
    """Who acts in the change log when an employer acts on the portal: no staff member (actor is empty),
    the account's login name instead."""

    login_name: str
    pk: Any = None

    def get_username(self) -> str:
        return f"单位账号 {self.login_name}"


@dataclass(frozen=True)
class SignUp:
    uscc: str
    name: str
    contact_phone: str
    password: str


def _region_of(code: CreditCode) -> str:
    """The region of the registering office (the county, as a rule), where the employer is seen first; the
    office moves it to the right township when it verifies the employer."""
    region = code.division_code + "000000"
    if not Region.objects.filter(code=region, retired=False).exists():
        raise DomainError("uscc", OUTSIDE_SERVICE_AREA.format(division=code.division_code))
    return region


def _password_problems(password: str, sign_up_name: str) -> list[FieldError]:
    try:
        password_validation.validate_password(password)
    except ValidationError as exc:
        return [FieldError("password", message) for message in exc.messages]
    if sign_up_name and sign_up_name in password:
        return [FieldError("password", "密码不能包含单位名称")]
    return []


def _apply_account_phone(account: EmployerAccount, phone: Phone) -> None:
    crypto = provider()
    account.phone_encrypted = crypto.encrypt(phone.value, context=ACCOUNT_PHONE_CONTEXT)
    account.phone_masked = phone.masked


SIGNUP_WINDOW = dt.timedelta(hours=1)


def sign_ups_exhausted(ip_address: str) -> bool:
    since = timezone.now() - SIGNUP_WINDOW
    recent = EmployerAccount.objects.filter(signup_address=ip_address, created_at__gt=since)
    return bool(ip_address) and recent.count() >= settings.PORTAL_SIGNUPS_PER_ADDRESS_PER_HOUR


def employer_sign_up(*, data: SignUp, ip_address: str = "") -> EmployerAccount:
    """A new portal account, with the credit code as its login name."""
    if sign_ups_exhausted(ip_address):
        raise DomainError("uscc", "本网络在一小时内注册的单位账号过多，请稍后再试，或到公共就业服务机构办理")
    errors: list[FieldError] = []
    code: CreditCode | None = None
    name = ""
    phone: Phone | None = None
    try:
        code = parse_uscc(data.uscc)
    except DomainError as exc:
        errors.extend(exc.errors)
    try:
        name = clean_name(data.name)
    except DomainError as exc:
        errors.extend(exc.errors)
    try:
        phone = parse_phone(data.contact_phone, field="contact_phone")
    except DomainError as exc:
        errors.extend(exc.errors)
    errors.extend(_password_problems(data.password, name))
    if errors:
        raise DomainError(errors)
    assert code is not None and phone is not None
    if EmployerAccount.objects.filter(login_name=code.value).exists():
        raise DomainError("uscc", ALREADY_REGISTERED)
    actor = PortalActor(code.value)
    employer = Employer.objects.filter(uscc=code.value).first()
    account = EmployerAccount(
        login_name=code.value,
        password=make_password(data.password),
        claimed_name=name,
        claimed_existing=employer is not None,
        signup_address=ip_address[:45],
    )
    _apply_account_phone(account, phone)
    try:
        with transaction.atomic():
            if employer is None:
                employer = Employer(uscc=code.value, name=name, region_code=_region_of(code))
                shown = apply_contact_phone(employer, phone)
                employer.save()
                audit.record_change(
                    actor=actor,
                    action="create",
                    target=employer,
                    region_code=employer.region_code,
                    changes={
                        "uscc": code.value,
                        "name": name,
                        "region_code": employer.region_code,
                        "contact_phone": shown,
                    },
                    summary=f"单位网上注册 {name}",
                )
            account.employer = employer
            account.save()
            audit.record_change(
                actor=actor,
                action="create",
                target=account,
                region_code=employer.region_code,
                changes={
                    "login_name": account.login_name,
                    "claimed_name": name,
                    "claimed_existing": account.claimed_existing,
                },
                summary=f"注册单位账号 {name}"
                + ("（认领已登记的单位，待确认）" if account.claimed_existing else ""),
            )
    except IntegrityError as exc:  # a concurrent sign-up for the same code won the race
        raise DomainError("uscc", ALREADY_REGISTERED) from exc
    return account


def portal_authenticate(*, login_name: str, password: str, ip_address: str) -> EmployerAccount:
    """The account, if the password is right and it may sign in; else DomainError (the same message for
    an unknown name and a wrong password). Every attempt that is not refused for throttling is recorded."""
    login = normalise_text(login_name).replace("-", "")[:50]
    wait = throttle.login_wait(login, ip_address)
    if wait is not None:
        minutes = max(1, -(-int(wait.total_seconds()) // 60))
        raise DomainError("password", f"密码错误次数过多，请 {minutes} 分钟后再试")
    account = EmployerAccount.objects.select_related("employer").filter(login_name=login).first()
    if account is None:
        make_password(password)  # the same time as checking a real account's password
        ok = False
    else:
        ok = check_password(password, account.password) and account.is_active
    PortalLoginAttempt.objects.create(login_name=login, ip_address=ip_address[:45], succeeded=ok)
    if not ok or account is None:
        raise DomainError("password", "统一社会信用代码或密码不正确，或账号已停用")
    account.last_login = timezone.now()
    account.save(update_fields=["last_login"])
    return account


def _account_inside(actor: Staff, account: EmployerAccount) -> None:
    if not covers(actor.jurisdiction_prefix, account.employer.region_code):
        raise NotFound
    if not actor.has_perm(VERIFY):
        raise PermissionDenied


def account_confirm(*, actor: Staff, account: EmployerAccount) -> EmployerAccount:
    """The office has checked who holds the account (licence, letter of authorisation): it may act for its
    employer from now on."""
    _account_inside(actor, account)
    if account.is_confirmed:
        return account
    if not account.is_active:
        raise DomainError("account", "该账号已停用，不能确认")
    account.confirmed_at, account.confirmed_by = timezone.now(), actor
    with transaction.atomic():
        account.save(update_fields=["confirmed_at", "confirmed_by"])
        audit.record_change(
            actor=actor,
            action="update",
            target=account,
            region_code=account.employer.region_code,
            changes={"confirmed": [False, True]},
            summary=f"确认单位账号 {account.login_name}",
        )
    return account


def account_disable(*, actor: Staff, account: EmployerAccount, reason: str) -> EmployerAccount:
    """Stop an account (a sign-up by someone who does not hold the employer, a lost password): its sessions
    end at their next request (employers/portal.py checks `is_active`)."""
    _account_inside(actor, account)
    reason = clean_text(reason, field="reason", label="停用原因", max_length=200, required=True)
    if not account.is_active:
        return account
    account.is_active = False
    with transaction.atomic():
        account.save(update_fields=["is_active"])
        audit.record_change(
            actor=actor,
            action="update",
            target=account,
            region_code=account.employer.region_code,
            changes={"is_active": [True, False], "reason": reason},
            summary=f"停用单位账号 {account.login_name}：{reason}",
        )
    return account
