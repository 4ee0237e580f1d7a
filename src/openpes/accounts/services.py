"""Writes of accounts: staff, roles, institutions, API tokens."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Aggregate, CharField, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from openpes.accounts import throttle
from openpes.accounts.models import (
    ApiToken,
    Institution,
    Partner,
    PartnerKey,
    PartnerScope,
    Staff,
    StaffSession,
)
from openpes.accounts.roles import ROLE_DUTY, ROLE_PERMISSIONS, Duty, Role, duties_of, mixed_duties
from openpes.audit import services as audit
from openpes.audit.models import LoginLog
from openpes.core.errors import DomainError, NotFound
from openpes.core.jurisdiction import covers
from openpes.core.middleware import client_ip
from openpes.core.prepared import PreparedRows
from openpes.core.text import clean_person_name, clean_text
from openpes.regions.models import Region

TOKEN_PREFIX = "opes_"  # noqa: S105 - a marker, not a secret
# A partner key looks different from a staff token at a glance (and in a leaked log), and each is looked up
# only in its own table: a staff token never opens a partner endpoint, nor a partner key a staff one.
PARTNER_KEY_PREFIX = "opes_p_"
PARTNER_KEY_MAX_DAYS = 3 * 366
TOKEN_LAST_USED_STEP = dt.timedelta(minutes=1)


def sync_roles() -> None:
    """Make one group per role holding exactly the permissions of ROLE_PERMISSIONS."""
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted: list[Permission] = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def _check_region_for(actor: Staff | None, code: str, field: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None or (actor is not None and not covers(actor.jurisdiction_prefix, code)):
        raise DomainError(field, "所选区划不存在或不在您的辖区内")
    return region


def institution_create(*, actor: Staff | None, name: str, region_code: str) -> Institution:
    name = clean_text(name, field="name", label="机构名称", max_length=100, required=True)
    region = _check_region_for(actor, region_code, "region_code")
    with transaction.atomic():
        institution = Institution.objects.create(
            name=name, region=region, region_code=region.code, level=region.level
        )
        audit.record_change(
            actor=actor, action="create", target=institution, region_code=region.code, changes={"name": name}
        )
    return institution


def staff_create(
    *,
    actor: Staff | None,
    username: str,
    full_name: str,
    password: str,
    jurisdiction_code: str,
    roles: Iterable[str],
    institution: Institution | None = None,
    password_hash: str = "",
    must_change_password: bool | None = None,
) -> Staff:
    """Create a staff member inside the actor's jurisdiction (actor None: the CLI's bootstrap).

    An account created by a staff member (an administrator, on the page or through the API) must choose its
    own password at its first sign-in; one created by the operator on the command line need not, unless
    asked (`must_change_password=True`): the operator holds the database and the keys, the root of trust.

    `password_hash` lets a bulk provisioning (the demo's 260 accounts) validate and hash one password once
    instead of paying Argon2's deliberate cost per account."""
    username = clean_text(username, field="username", label="登录名", max_length=50, required=True)
    if not username.replace("_", "").replace(".", "").replace("-", "").isalnum() or not username.isascii():
        raise DomainError("username", "登录名只能包含字母、数字、下划线、点和连字符")
    full_name = clean_person_name(full_name, field="full_name")
    roles = list(dict.fromkeys(roles))
    unknown = [r for r in roles if r not in Role.values]
    if not roles or unknown:
        raise DomainError("roles", "请选择至少一个有效的角色")
    check_separation_of_duties(roles)
    region = _check_region_for(actor, jurisdiction_code, "jurisdiction_code")
    if institution is not None and not covers(region.code[:2], institution.region_code):
        raise DomainError("institution", "所属机构不在该辖区所在省份")
    if Staff.objects.filter(username=username).exists():
        raise DomainError("username", "该登录名已被使用")
    if must_change_password is None:
        must_change_password = actor is not None
    staff = Staff(
        username=username,
        full_name=full_name,
        jurisdiction=region,
        institution=institution,
        must_change_password=must_change_password,
    )
    if password_hash:
        staff.password = password_hash
    else:
        check_password_policy(password, staff)
        staff.set_password(password)
    with transaction.atomic():
        staff.save()
        staff.groups.set(Group.objects.filter(name__in=roles))
        audit.record_change(
            actor=actor,
            action="create",
            target=staff,
            region_code=region.code,
            changes={
                "username": username,
                "roles": roles,
                "jurisdiction": region.code,
                "must_change_password": must_change_password,
            },
            summary=f"新增工作人员 {username}",
        )
    return staff


def check_separation_of_duties(roles: Iterable[str]) -> None:
    """等保 2.0 三员分立: one account, one duty (accounts/roles.py)."""
    if mixed_duties(roles):
        by_duty = {
            duty.label: "、".join(Role(r).label for r in roles if ROLE_DUTY.get(r) == duty)
            for duty in Duty
            if duty in duties_of(roles)
        }
        chosen = "；".join(f"{duty}：{labels}" for duty, labels in by_duty.items())
        raise DomainError(
            "roles",
            "系统管理、安全审计与业务经办须由不同账号担任（三员分立），一个账号只能选择其中一类角色。"
            f"您选择了 {chosen}。",
        )


def _end_sessions(staff: Staff) -> None:
    keys = list(staff.sessions.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    staff.sessions.all().delete()


def staff_reset_password(*, actor: Staff | None, staff: Staff, password: str) -> Staff:
    """An administrator sets a temporary password: the account's sessions end, and its owner must choose a
    new password at the next sign-in before reaching anything else (its API tokens are refused until then)."""
    if actor is not None and staff.pk == actor.pk:
        raise DomainError("password", "不能在这里重置自己的密码，请使用“修改密码”页面")
    check_password_policy(password, staff)
    with transaction.atomic():
        was = staff.must_change_password
        staff.set_password(password)
        staff.must_change_password = True
        staff.save(update_fields=["password", "must_change_password"])
        _end_sessions(staff)
        audit.record_change(
            actor=actor,
            action="account",
            target=staff,
            region_code=staff.jurisdiction_id,
            changes={"password": "已重置", "must_change_password": [was, True]},
            summary=f"重置账号 {staff.username} 的密码（首次登录须修改）",
        )
    return staff


def password_change(*, staff: Staff, old_password: str, new_password: str) -> Staff:
    """Staff change their own password: the current one, then a new one that meets the policy."""
    if not staff.check_password(old_password):
        raise DomainError("old_password", "当前密码不正确")
    if old_password == new_password:
        raise DomainError("new_password1", "新密码不能与当前密码相同")
    try:
        check_password_policy(new_password, staff)
    except DomainError as exc:
        raise DomainError("new_password1", exc.errors[0].message) from exc
    with transaction.atomic():
        was = staff.must_change_password
        staff.set_password(new_password)
        staff.must_change_password = False
        staff.save(update_fields=["password", "must_change_password"])
        audit.record_change(
            actor=staff,
            action="account",
            target=staff,
            region_code=staff.jurisdiction_id,
            changes={"password": "已修改", **({"must_change_password": [True, False]} if was else {})},
            summary="修改本人密码",
        )
    return staff


def staff_set_active(*, actor: Staff | None, staff: Staff, active: bool) -> Staff:
    """Disable (or re-enable) an account; disabling ends its sessions and revokes its API tokens at once."""
    if actor is not None and staff.pk == actor.pk and not active:
        raise DomainError("staff", "不能停用自己的账号")
    now = timezone.now()
    with transaction.atomic():
        staff.is_active = active
        staff.disabled_at = None if active else now
        staff.save(update_fields=["is_active", "disabled_at"])
        if not active:
            _end_sessions(staff)
            staff.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
        audit.record_change(
            actor=actor,
            action="account",
            target=staff,
            region_code=staff.jurisdiction_id,
            changes={"is_active": [not active, active]},
            summary=("启用" if active else "停用") + f"账号 {staff.username}",
        )
    return staff


def login_address_refused(*, request: HttpRequest, username: str) -> int | None:
    """Minutes the client's address must still wait before it may sign in (password spraying across many
    names), or None. A refusal is written to the sign-in log, and no password is checked."""
    # The address as django-axes resolves it (proxies included), the same the sign-in log records.
    AxesProxyHandler.update_request(request)
    ip_address = client_ip(request)
    wait = throttle.address_wait(ip_address)
    if wait is None:
        return None
    staff = Staff.objects.filter(username=username).first() if username else None
    audit.record_login(
        username=username,
        outcome=LoginLog.Outcome.REFUSED_ADDRESS,
        staff=staff,
        region_code=staff.jurisdiction_id if staff is not None else "",
        ip_address=ip_address,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    return max(1, math.ceil(wait.total_seconds() / 60))


def session_started(*, staff: Staff, session_key: str, ip_address: str) -> None:
    StaffSession.objects.update_or_create(
        session_key=session_key, defaults={"staff": staff, "ip_address": ip_address}
    )


def session_ended(*, session_key: str) -> None:
    StaffSession.objects.filter(session_key=session_key).delete()


def token_create(*, actor: Staff, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Returns the token row and the token itself, which is shown once and never stored."""
    name = clean_text(name, field="name", label="用途", max_length=100, required=True)
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= 366:
        raise DomainError("days", "有效期应为1至366天")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            staff=actor,
            name=name,
            prefix=raw[: len(TOKEN_PREFIX) + 6],
            digest=ApiToken.digest_of(raw),
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        audit.record_change(
            actor=actor,
            action="account",
            target=token,
            region_code=actor.jurisdiction_id,
            changes={"name": name, "days": days},
            summary=f"创建 API 令牌 {token.prefix}…",
        )
    return token, raw


def token_revoke(*, actor: Staff, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record_change(
                actor=actor,
                action="account",
                target=token,
                region_code=token.staff.jurisdiction_id,
                summary=f"吊销 API 令牌 {token.prefix}…",
            )
    return token


class _JoinedNames(Aggregate):
    """Names joined by commas: STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def _usable_token(digest: str, now: dt.datetime) -> QuerySet[ApiToken]:
    """The token of `digest` if usable at `now`, with its staff member's every column and the names of their
    groups (their roles, which every API call but the ping checks next: one round trip fewer)."""
    groups = (
        Group.objects.filter(user=OuterRef("staff_id"))
        .order_by()
        .values("user")
        .annotate(names=_JoinedNames("name"))
        .values("names")
    )
    return (
        ApiToken.objects.usable(now)
        .filter(digest=digest)
        .order_by()
        .annotate(staff_roles=Subquery(groups))
        .values(
            "pk",
            "last_used_at",
            "staff_roles",
            *(f"staff__{field.name}" for field in Staff._meta.concrete_fields),
        )
    )


# Every API request looks its token up: compiled once (core.prepared), it cost a fifth of what the queryset
# cost to build and compile each time.
_TOKEN_LOOKUP = PreparedRows(_usable_token, str, dt.datetime)


def token_authenticate(raw: str) -> Staff | None:
    if not raw.startswith(TOKEN_PREFIX) or raw.startswith(PARTNER_KEY_PREFIX):
        return None
    now = timezone.now()
    found = _TOKEN_LOOKUP.page((ApiToken.digest_of(raw), now), offset=0, limit=1)
    if not found:
        return None
    (token,) = found
    # The last use is for the token page ("最近使用"), to the minute: writing it on every request was a
    # database write per API call, serialised on SQLite.
    if token["last_used_at"] is None or now - token["last_used_at"] >= TOKEN_LAST_USED_STEP:
        ApiToken.objects.filter(pk=token["pk"]).update(last_used_at=now)
    fields = Staff._meta.concrete_fields
    staff = Staff.from_db(
        DEFAULT_DB_ALIAS, [f.attname for f in fields], [token[f"staff__{f.name}"] for f in fields]
    )
    # Staff.roles, kept for this request (roles are codes without commas; a group named otherwise, which no
    # role's permissions name, gives nothing however it splits).
    staff.__dict__["roles"] = frozenset(filter(None, (token["staff_roles"] or "").split(",")))
    return staff


# --- partner systems and their API keys (administrators; the CLI with actor None) ---------------------------


@dataclass(frozen=True)
class PartnerActor:
    """Who acts in the change log when a partner system writes through its key: no staff member (actor is
    empty, as for an employer on the portal), the partner's name and the key's prefix instead, so that every
    write names the system and the key it used."""

    key: PartnerKey
    pk: Any = None

    def get_username(self) -> str:
        return f"合作系统 {self.key.partner.name}（{self.key.prefix}…）"


def partner_create(*, actor: Staff | None, name: str, region_code: str) -> Partner:
    """Register a partner system serving `region_code` (a region in the administrator's jurisdiction): its
    keys post vacancies of that region's employers only."""
    name = clean_text(name, field="name", label="合作系统名称", max_length=100, required=True)
    region = _check_region_for(actor, region_code, "region_code")
    if Partner.objects.filter(region_code=region.code, name=name).exists():
        raise DomainError("name", "该区划已有同名的合作系统；换发密钥请在该系统下签发新密钥")
    with transaction.atomic():
        partner = Partner.objects.create(name=name, region=region, region_code=region.code, created_by=actor)
        audit.record_change(
            actor=actor,
            action="create",
            target=partner,
            region_code=region.code,
            changes={"name": name, "region_code": region.code},
            summary=f"登记合作系统 {name}",
        )
    return partner


def clean_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(s.strip() for s in scopes if s and s.strip()))
    unknown = [s for s in chosen if s not in PartnerScope.values]
    if unknown:
        raise DomainError("scopes", f"权限范围“{unknown[0]}”无效，可选：{'、'.join(PartnerScope.values)}")
    if not chosen:
        raise DomainError("scopes", "请至少选择一项权限范围")
    return [s for s in PartnerScope.values if s in chosen]  # in the list's order, whatever was given


def partner_key_create(
    *, actor: Staff | None, partner: Partner, scopes: Iterable[str], days: int | None = None
) -> tuple[PartnerKey, str]:
    """Issue a key of `partner` with `scopes`, valid `days` days (None: until revoked). Returns the row and
    the key itself, which is shown once and never stored."""
    if actor is not None and not covers(actor.jurisdiction_prefix, partner.region_code):
        raise NotFound
    chosen = clean_scopes(scopes)
    if days is not None and not 1 <= days <= PARTNER_KEY_MAX_DAYS:
        raise DomainError("days", f"有效期应为1至{PARTNER_KEY_MAX_DAYS}天，或不填（直至吊销）")
    raw = PARTNER_KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        key = PartnerKey.objects.create(
            partner=partner,
            prefix=raw[: len(PARTNER_KEY_PREFIX) + 6],
            digest=PartnerKey.digest_of(raw),
            scopes=chosen,
            created_by=actor,
            expires_at=None if days is None else timezone.now() + dt.timedelta(days=days),
        )
        audit.record_change(
            actor=actor,
            action="account",
            target=key,
            region_code=partner.region_code,
            changes={"partner": partner.name, "scopes": chosen, "days": days},
            summary=f"签发合作系统 {partner.name} 的 API 密钥 {key.prefix}…",
        )
    return key, raw


def partner_key_revoke(*, actor: Staff | None, key: PartnerKey, reason: str) -> PartnerKey:
    """Revoke a key at once, with the reason (kept with the key and in the change log)."""
    if actor is not None and not covers(actor.jurisdiction_prefix, key.partner.region_code):
        raise NotFound
    reason = clean_text(reason, field="reason", label="吊销原因", max_length=200, required=True)
    if len(reason) < 2:
        raise DomainError("reason", "请写明吊销原因（至少2个字）")
    if key.revoked_at is not None:
        raise DomainError("reason", "该密钥已经吊销")
    with transaction.atomic():
        key.revoked_at, key.revoked_by, key.revoke_reason = timezone.now(), actor, reason
        key.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit.record_change(
            actor=actor,
            action="account",
            target=key,
            region_code=key.partner.region_code,
            changes={"revoked": True, "reason": reason},
            summary=f"吊销合作系统 {key.partner.name} 的 API 密钥 {key.prefix}…",
        )
    return key


def partner_key_authenticate(raw: str) -> PartnerKey | None:
    """The usable key (not revoked, not expired) that `raw` is, with its partner; None for anything else,
    a staff token included."""
    if not raw.startswith(PARTNER_KEY_PREFIX):
        return None
    found = (
        PartnerKey.objects.usable()
        .select_related("partner")
        .filter(digest=PartnerKey.digest_of(raw))
        .order_by()[:1]
    )
    key = next(iter(found), None)
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= TOKEN_LAST_USED_STEP:
        PartnerKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


def totp_device_for(staff: Staff, *, confirmed: bool = False) -> TOTPDevice:
    """The staff member's TOTP device, created unconfirmed on first enrolment."""
    device = TOTPDevice.objects.filter(user=staff).order_by("-confirmed").first()
    if device is None:
        device = TOTPDevice.objects.create(user=staff, name="身份验证器", confirmed=confirmed)
    return device


def totp_confirm(*, staff: Staff, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token.strip()):
        return False
    if not device.confirmed:
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit.record_change(
                actor=staff,
                action="account",
                target=staff,
                region_code=staff.jurisdiction_id,
                summary="绑定身份验证器（TOTP）",
            )
    return True


def check_password_policy(password: str, staff: Staff | None = None) -> None:
    try:
        validate_password(password, staff)
    except ValidationError as exc:
        raise DomainError("password", "；".join(exc.messages)) from exc
