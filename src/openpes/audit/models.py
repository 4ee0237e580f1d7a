"""Append-only audit tables: the change log, the personal-data access log and the sign-in log.

The application cannot change a row once written: `save()` of an existing row, `delete()` and queryset
`update()`/`delete()` raise, and database triggers (SQLite and PostgreSQL, see the migrations) refuse
UPDATE always, DELETE of rows younger than the retention period, and an INSERT that would take the id of an
existing row (SQLite's REPLACE and upserts), so a bug or a raw query cannot rewrite history either. Old rows leave only through `audit.services.purge`.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone

from openpes.core.jurisdiction import ScopedQuerySet


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(ScopedQuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit rows cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit rows cannot be deleted; old rows leave through audit.services.purge")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit rows cannot be changed")


class AppendOnlyBase(models.Model):
    """Rows that are written once and never changed; the database triggers need the `at` column."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit rows cannot be deleted")


class AppendOnlyModel(AppendOnlyBase):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField("操作人账号", max_length=150)
    channel = models.CharField("渠道", max_length=10)
    ip_address = models.CharField("地址", max_length=45, blank=True)
    target_type = models.CharField("对象类型", max_length=50)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    region_code = models.CharField("区划代码", max_length=12, blank=True, db_index=True)

    class Meta:
        abstract = True


class ChangeLog(AppendOnlyModel):
    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        BULK_CREATE = "bulk_create", "批量新增"
        BULK_UPDATE = "bulk_update", "批量修改"
        ACCOUNT = "account", "账号操作"

    action = models.CharField("操作", max_length=20, choices=Action.choices)
    summary = models.CharField("摘要", max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    row_count = models.PositiveIntegerField("涉及记录数", default=1)

    class Meta:
        verbose_name = "变更日志"
        verbose_name_plural = verbose_name
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.target_type}#{self.target_id}"


class AccessLog(AppendOnlyModel):
    """Every reveal of a masked personal value: who, when, from where, which record and field, and why."""

    field = models.CharField("字段", max_length=50)
    reason = models.CharField("查看事由", max_length=200)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)

    class Meta:
        verbose_name = "个人信息查看日志"
        verbose_name_plural = verbose_name
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} 查看 {self.target_type}#{self.target_id}.{self.field}"


class LoginLog(AppendOnlyBase):
    """Every sign-in attempt on the login page: who was tried, from where, with which browser, and how it
    ended. Our own record beside django-axes's tables, which are working state and may be edited or reset."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", "登录成功"
        FAILURE = "failure", "密码错误"
        LOCKED = "locked", "失败次数过多，账号锁定"
        REFUSED_LOCKED = "refused_locked", "账号锁定期间被拒绝"
        REFUSED_ADDRESS = "refused_address", "该地址失败过多被拒绝"

    # Outcomes where a wrong password was actually checked: these count towards lockouts and throttling.
    WRONG_PASSWORD = (Outcome.FAILURE, Outcome.LOCKED)

    username = models.CharField("尝试的登录名", max_length=150)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="工作人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ip_address = models.CharField("地址", max_length=45, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    outcome = models.CharField("结果", max_length=20, choices=Outcome.choices)
    # the staff member's jurisdiction, so that auditors see the sign-ins of their own area; blank when the
    # name tried belongs to nobody (shown to every auditor: it is an attack on the installation, not a place)
    region_code = models.CharField("区划代码", max_length=12, blank=True, db_index=True)

    class Meta:
        verbose_name = "登录日志"
        verbose_name_plural = verbose_name
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["ip_address", "at"]),
            models.Index(fields=["username", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_outcome_display()}"
