from __future__ import annotations

from django.db import models


class Occupation(models.Model):
    """《职业分类大典（2022年版）》 (GB/T 6565): 大类 / 中类 / 小类 / 细类. A retired code keeps its row and
    points to its replacement, so that old records stay valid and countable."""

    class Level(models.TextChoices):
        MAJOR = "major", "大类"
        SUB_MAJOR = "sub_major", "中类"
        MINOR = "minor", "小类"
        UNIT = "unit", "细类"

    code = models.CharField("职业代码", max_length=10, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent_code = models.CharField("上级代码", max_length=10, blank=True, db_index=True)
    digital = models.BooleanField("数字职业", default=False)
    green = models.BooleanField("绿色职业", default=False)
    definition = models.TextField("定义", blank=True)
    tasks = models.TextField("主要工作任务", blank=True)
    edition = models.CharField("版本", max_length=10, default="2022")
    replaced_by = models.CharField("替代代码", max_length=10, blank=True)

    class Meta:
        verbose_name = "职业"
        verbose_name_plural = verbose_name
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Industry(models.Model):
    """GB/T 4754-2017 《国民经济行业分类》 with Amendment No. 1: 门类 / 大类 / 中类 / 小类."""

    class Level(models.TextChoices):
        SECTION = "section", "门类"
        DIVISION = "division", "大类"
        GROUP = "group", "中类"
        CLASS = "class", "小类"

    code = models.CharField("行业代码", max_length=5, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent_code = models.CharField("上级代码", max_length=5, blank=True, db_index=True)

    class Meta:
        verbose_name = "行业"
        verbose_name_plural = verbose_name
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
