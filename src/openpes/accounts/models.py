from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, Group, PermissionsMixin
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone
from django.utils.functional import cached_property

from openpes.accounts.roles import ROLE_PERMISSIONS, Role, mixed_duties
from openpes.core.jurisdiction import ScopedQuerySet, prefix_of
from openpes.regions.models import Region, RegionLevel


def _roles_sql(quote: Callable[[str], str]) -> str:
    """The names of a staff member's groups (their roles), by the staff member's id; names from the models."""
    membership = Staff.groups.through._meta
    group, staff = membership.get_field("group").column, membership.get_field("staff").column
    # Table and column names of our own models, quoted; the id is a parameter.
    return (
        f"SELECT g.{quote('name')} FROM {quote(Group._meta.db_table)} g "  # noqa: S608
        f"JOIN {quote(membership.db_table)} m ON m.{quote(group)} = g.{quote(str(Group._meta.pk.column))} "
        f"WHERE m.{quote(staff)} = %s"
    )


class Institution(models.Model):
    """A PES office or service point at one of the five levels (公共就业服务机构)."""

    name = models.CharField("机构名称", max_length=100)
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    level = models.PositiveSmallIntegerField("层级", choices=RegionLevel.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "公共就业服务机构"
        verbose_name_plural = verbose_name
        ordering = ["region_code", "name"]

    def __str__(self) -> str:
        return self.name


class StaffQuerySet(ScopedQuerySet["Staff"]):
    region_field = "jurisdiction__code"  # the same column as jurisdiction_id; `__range` needs the field path


class StaffManager(BaseUserManager["Staff"]):
    def get_queryset(self) -> StaffQuerySet:
        # Every request loads the signed-in staff member; fetch the names shown on each page in the same query.
        return StaffQuerySet(self.model, using=self._db).select_related("jurisdiction", "institution")

    def within(self, actor: Any) -> StaffQuerySet:
        return self.get_queryset().within(actor)

    def get_by_natural_key(self, username: str | None) -> Staff:
        return self.get(username=username)


class Staff(AbstractBaseUser, PermissionsMixin):
    """A staff member: one jurisdiction, one or more roles (Django groups named after `Role`)."""

    username = models.CharField("登录名", max_length=50, unique=True)
    full_name = models.CharField("姓名", max_length=50)
    jurisdiction = models.ForeignKey(
        Region, verbose_name="辖区", on_delete=models.PROTECT, related_name="+", db_column="jurisdiction_code"
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name="所属机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    is_active = models.BooleanField("启用", default=True)
    is_staff = models.BooleanField("可进入维护后台", default=False)
    date_joined = models.DateTimeField("创建时间", default=timezone.now)
    disabled_at = models.DateTimeField("停用时间", null=True, blank=True)
    # Set when an administrator chose the password (new account, reset): until its owner picks their own,
    # the account reaches only the password page, so the administrator never holds a working password.
    must_change_password = models.BooleanField("须修改初始密码", default=False)

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["full_name"]

    objects = StaffManager()

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = verbose_name
        ordering = ["jurisdiction_id", "username"]

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）"

    @property
    def jurisdiction_prefix(self) -> str:
        return prefix_of(self.jurisdiction_id) if self.is_active else ""

    @cached_property
    def roles(self) -> frozenset[str]:
        # Read on every request that checks a permission (every API call and page but the ping): in plain
        # SQL, because building `self.groups.values_list("name")` took the ORM ten times as long as the query.
        with connections[self._state.db or DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(_roles_sql(cursor.db.ops.quote_name), [self.pk])
            return frozenset(name for (name,) in cursor.fetchall())

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in sorted(self.roles) if r in Role.values]

    def has_role(self, role: str) -> bool:
        return role in self.roles

    # Permissions come from the roles: ROLE_PERMISSIONS is what sync_roles writes to the groups after every
    # migrate, so the roles (one query, kept for the request) answer every check. Django's ModelBackend read
    # the user's and the groups' permission tables, two queries on every API call and page.
    def get_all_permissions(self, obj: Any = None) -> set[str]:
        if not self.is_active or obj is not None:
            return set()
        if self.is_superuser:
            return set(super().get_all_permissions(obj))
        if mixed_duties(self.roles):
            # An account given roles of two duties before they were refused (or by a raw write) gets none
            # of them: separation of duties is not only checked when roles are given (SECURITY.md 22).
            return set()
        return {perm for role in self.roles for perm in ROLE_PERMISSIONS.get(role, ())}

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        if self.is_active and self.is_superuser:
            return True
        return perm in self.get_all_permissions(obj)

    def has_perms(self, perm_list: Any, obj: Any = None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and self.is_superuser:
            return True
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions())


class StaffSession(models.Model):
    """Which session belongs to whom, so that disabling an account can end its sessions at once."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.CharField(max_length=45, blank=True)

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.staff_id}:{self.session_key[:6]}…"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, now: dt.datetime | None = None) -> ApiTokenQuerySet:
        """Tokens that open the API at `now` (default: this moment)."""
        moment = timezone.now() if now is None else now
        return self.filter(revoked_at__isnull=True, expires_at__gt=moment, staff__is_active=True)


class ApiToken(models.Model):
    """A personal API token: acts as its staff member (same jurisdiction and roles), expires, can be revoked.
    Only a SHA-256 digest is stored; the token itself is shown once, when created."""

    staff = models.ForeignKey(
        Staff, verbose_name="工作人员", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("到期时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "已吊销"
        if self.expires_at <= timezone.now():
            return "已过期"
        return "有效"


# --- partner systems (合作系统) and their API keys ------------------------------------------------------------


class PartnerScope(models.TextChoices):
    """What a partner key may do. A fixed list: a key holds any of them, nothing else."""

    VACANCIES_WRITE = "vacancies:write", "登记、修改、撤回本系统发布的岗位"
    VACANCIES_READ = "vacancies:read", "查看本系统发布的岗位及审核结果"
    JOBS_READ = "jobs:read", "以合作系统的频率限制调用公开的找工作接口"


class PartnerQuerySet(ScopedQuerySet["Partner"]):
    pass


class Partner(models.Model):
    """A partner system (合作系统: a city's job board, a school's placement office, a fair's system) that
    posts vacancies over the API for one region. Its keys can be rotated: the vacancies belong to the
    partner, not to one key, so a new key reaches what the old one posted."""

    name = models.CharField("合作系统名称", max_length=100)
    region = models.ForeignKey(Region, verbose_name="服务区划", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("服务区划代码", max_length=12, db_index=True)
    created_by = models.ForeignKey(
        Staff, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = "合作系统"
        verbose_name_plural = verbose_name
        ordering = ["region_code", "name"]
        constraints = [models.UniqueConstraint(fields=["region_code", "name"], name="partner_region_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def jurisdiction_prefix(self) -> str:
        """The partner acts for its region's subtree, as a staff member for their jurisdiction."""
        return prefix_of(self.region_code)


class PartnerKeyQuerySet(ScopedQuerySet["PartnerKey"]):
    region_field = "partner__region_code"

    def usable(self) -> PartnerKeyQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class PartnerKey(models.Model):
    """An API key of a partner system, with its scopes. Only a SHA-256 digest is stored (the key is 256
    random bits, so a slow hash adds nothing); the key itself is shown once, when issued."""

    partner = models.ForeignKey(
        Partner, verbose_name="合作系统", on_delete=models.PROTECT, related_name="keys"
    )
    prefix = models.CharField("前缀", max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField("权限范围", default=list)
    created_by = models.ForeignKey(
        Staff, verbose_name="签发人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    expires_at = models.DateTimeField("到期时间", null=True, blank=True, help_text="空：不过期，直至吊销")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        Staff, verbose_name="吊销人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField("吊销原因", max_length=200, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    objects = PartnerKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "合作系统 API 密钥"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.partner_id}"

    digest_of = staticmethod(ApiToken.digest_of)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def scope_labels(self) -> list[str]:
        return [f"{s}（{PartnerScope(s).label}）" for s in self.scopes if s in PartnerScope.values]

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "已吊销"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "已过期"
        return "有效"

    @property
    def jurisdiction_prefix(self) -> str:
        return self.partner.jurisdiction_prefix

    @property
    def rate_limit_ident(self) -> str:
        """Each key is rate-limited as itself (core.throttling), not by the address it calls from."""
        return f"partner-key:{self.pk}"
