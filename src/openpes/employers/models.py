"""Employers, their demand surveys and their portal accounts. An employer is seen through its region code
like every place-bound record; a demand survey through its employer.

Portal accounts are not staff (`settings.AUTH_USER_MODEL` is `accounts.Staff`): they hold no role, reach
no staff page and are signed in by their own session key (employers/portal.py)."""

from __future__ import annotations

from typing import TypeVar

from django.conf import settings
from django.db import models

from openpes.core.fields import BlindIndexField
from openpes.core.jurisdiction import ScopedQuerySet
from openpes.employers.choices import EmployerSize, Verification

# Associated data bound into the contact phone's ciphertext and keyed hash (core.crypto).
CONTACT_PHONE_CONTEXT = "employers.employer.contact_phone"
ACCOUNT_PHONE_CONTEXT = "employers.account.phone"

_M = TypeVar("_M", bound=models.Model)


class EmployerScopedQuerySet(ScopedQuerySet[_M]):
    region_field = "employer__region_code"


USCC_UNIQUE = "employer_uscc_unique"  # one employer per credit code; services translate its violation


class Employer(models.Model):
    """A 用人单位 identified by its unified social credit code (GB 32100-2015). Its vacancies can be
    published only once staff have verified it (`employers.rules.employer_can_publish`).

    The contact phone (often the contact's own mobile) is kept like a person's: encrypted, a keyed hash for
    the exact search, a mask for pages; `employers.services.employer_contact_reveal` is the only code that
    decrypts it, and it logs the access."""

    uscc = models.CharField("统一社会信用代码", max_length=18)
    name = models.CharField("单位名称", max_length=100)
    industry_code = models.CharField("所属行业", max_length=5, blank=True, help_text="GB/T 4754-2017")
    size = models.CharField("企业规模", max_length=1, choices=EmployerSize.choices, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    region_code = models.CharField("所在地", max_length=12)
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone_encrypted = models.TextField("联系电话（密文）", blank=True)
    contact_phone_index = BlindIndexField("联系电话索引", blank=True)
    contact_phone_masked = models.CharField("联系电话", max_length=20, blank=True)
    verification = models.CharField(
        "审核状态", max_length=10, choices=Verification.choices, default=Verification.PENDING
    )
    verification_reason = models.CharField("审核意见", max_length=200, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField("审核时间", null=True, blank=True)
    is_key_enterprise = models.BooleanField("重点企业", default=False)
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="就业服务专员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="served_employers",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="空：单位在网上自行注册",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "用人单位"
        verbose_name_plural = verbose_name
        ordering = ["region_code", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["uscc"], name=USCC_UNIQUE)]
        indexes = [
            models.Index(fields=["region_code", "name"], name="employer_region_name"),
            models.Index(fields=["verification"], name="employer_verification"),
            models.Index(fields=["contact_phone_index"], name="employer_contact_phone"),
        ]
        permissions = [
            ("verify_employer", "审核用人单位"),
            ("manage_key_enterprise", "认定重点企业、指派就业服务专员"),
            ("change_assigned_employer", "修改自己服务的用人单位"),
        ]

    def __str__(self) -> str:
        return self.name


class DemandSurvey(models.Model):
    """用工需求调查: what an employer said, on one day, it will need; one line per occupation."""

    employer = models.ForeignKey(
        Employer, verbose_name="用人单位", on_delete=models.PROTECT, related_name="demand_surveys"
    )
    surveyed_on = models.DateField("调查日期")
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="调查人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = EmployerScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "用工需求调查"
        verbose_name_plural = verbose_name
        ordering = ["-surveyed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.employer.name} {self.surveyed_on:%Y-%m-%d}"


class DemandLine(models.Model):
    survey = models.ForeignKey(
        DemandSurvey, verbose_name="调查", on_delete=models.CASCADE, related_name="lines"
    )
    occupation_code = models.CharField("职业", max_length=10, help_text="职业分类大典（2022年版）")
    headcount = models.PositiveIntegerField("需求人数")
    wanted_by = models.DateField("需要到岗日期", null=True, blank=True)
    note = models.CharField("要求", max_length=200, blank=True)

    class Meta:
        verbose_name = "用工需求"
        verbose_name_plural = verbose_name
        ordering = ["survey_id", "id"]

    def __str__(self) -> str:
        return f"{self.occupation_code} × {self.headcount}"


class EmployerAccount(models.Model):
    """An employer's sign-in on the public portal: the credit code as login name and a password (Django's
    hashers). Never a staff member. An account that claims an employer staff had already registered stays
    unconfirmed until staff confirm it, so that knowing a company's public credit code opens nothing."""

    employer = models.ForeignKey(
        Employer, verbose_name="用人单位", on_delete=models.PROTECT, related_name="accounts"
    )
    login_name = models.CharField("登录名", max_length=50, unique=True)
    password = models.CharField("密码", max_length=128)
    claimed_name = models.CharField("注册时填写的单位名称", max_length=100)
    claimed_existing = models.BooleanField(
        "认领已登记的单位", default=False, help_text="注册时该单位已由经办机构登记：须经办人员确认账号"
    )
    phone_encrypted = models.TextField("注册时的联系电话（密文）", blank=True)
    phone_masked = models.CharField("注册时的联系电话", max_length=20, blank=True)
    is_active = models.BooleanField("启用", default=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_login = models.DateTimeField("上次登录", null=True, blank=True)
    created_at = models.DateTimeField("注册时间", auto_now_add=True)
    signup_address = models.CharField("注册地址", max_length=45, blank=True)

    objects = EmployerScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "单位账号"
        verbose_name_plural = verbose_name
        ordering = ["employer_id", "id"]
        indexes = [models.Index(fields=["signup_address", "created_at"], name="employer_account_signup")]

    def __str__(self) -> str:
        return self.login_name

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class PortalLoginAttempt(models.Model):
    """Every sign-in attempt on the portal, kept for throttling (employers/throttle.py) and for the
    office to see who tried which code."""

    login_name = models.CharField("登录名", max_length=50)
    ip_address = models.CharField("地址", max_length=45)
    succeeded = models.BooleanField("成功")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "单位登录记录"
        verbose_name_plural = verbose_name
        indexes = [
            models.Index(fields=["login_name", "at"], name="portal_attempt_login"),
            models.Index(fields=["ip_address", "at"], name="portal_attempt_address"),
        ]

    def __str__(self) -> str:
        return f"{self.login_name} {'成功' if self.succeeded else '失败'}"
