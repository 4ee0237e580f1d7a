"""Coded values of vacancies, shared by the models, forms and schemas."""

from __future__ import annotations

from django.db import models

from openpes.vacancies import rules


class Channel(models.TextChoices):
    """Where a vacancy came in; kept with its raw text so that every source can be traced."""

    STAFF = "staff", "经办人员录入"
    PORTAL = "portal", "单位网上发布"
    FILE = "file", "批量导入"
    PARTNER = "partner", "合作系统"


class VacancyStatus(models.TextChoices):
    DRAFT = rules.DRAFT, "草稿"
    PENDING_REVIEW = rules.PENDING_REVIEW, "待审核"
    PUBLISHED = rules.PUBLISHED, "已发布"
    REJECTED = rules.REJECTED, "未通过"
    WITHDRAWN = rules.WITHDRAWN, "已撤回"
    EXPIRED = rules.EXPIRED, "已过期"


class WorkType(models.TextChoices):
    FULL_TIME = "full_time", "全职"
    PART_TIME = "part_time", "兼职"
    GIG = "gig", "零工"
    INTERNSHIP = "internship", "实习"


class PayPeriod(models.TextChoices):
    MONTH = "month", "月薪"
    YEAR = "year", "年薪"
    DAY = "day", "日薪"
    HOUR = "hour", "时薪"
    WEEK = "week", "周薪"
    PIECE = "piece", "计件"
