"""Coded values of employers, shared by the models and the pure rules."""

from __future__ import annotations

from django.db import models

from openpes.employers import rules


class EmployerSize(models.TextChoices):
    """企业规模, with the codes of the national statistics (国家统计局《统计上大中小微型企业划分办法（2017）》:
    1 大型 … 4 微型). Which one applies depends on the industry's thresholds of employees, revenue or assets."""

    LARGE = "1", "大型"
    MEDIUM = "2", "中型"
    SMALL = "3", "小型"
    MICRO = "4", "微型"


class Verification(models.TextChoices):
    PENDING = rules.PENDING, "待审核"
    VERIFIED = rules.VERIFIED, "已审核"
    REJECTED = rules.REJECTED, "未通过"
