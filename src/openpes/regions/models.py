from __future__ import annotations

from django.db import models

from openpes.core.jurisdiction import PREFIX_LENGTHS, ScopedQuerySet


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, "省"
    CITY = 2, "市"
    COUNTY = 3, "县"
    TOWNSHIP = 4, "乡镇（街道）"
    VILLAGE = 5, "村（社区）"

    @property
    def prefix_length(self) -> int:
        return PREFIX_LENGTHS[self.value - 1]


class RegionSource(models.TextChoices):
    NATIONAL = "national", "国家统计用区划代码"
    LOCAL = "local", "本地更正"


class RegionQuerySet(ScopedQuerySet["Region"]):
    region_field = "code"

    def current(self) -> RegionQuerySet:
        return self.filter(retired=False)


class Region(models.Model):
    """One division of the five-level tree. National rows come from the shipped statistical codes; local
    corrections (see RegionCorrection) rename, add or retire rows without touching the national table."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("层级", choices=RegionLevel.choices)
    parent_code = models.CharField("上级区划代码", max_length=12, blank=True, db_index=True)
    source = models.CharField(
        "来源", max_length=10, choices=RegionSource.choices, default=RegionSource.NATIONAL
    )
    national_name = models.CharField("国家发布名称", max_length=100, blank=True)
    retired = models.BooleanField("已撤销", default=False)
    replaced_by = models.CharField("合并至", max_length=12, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = verbose_name
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: RegionLevel(self.level).prefix_length]


class RegionCorrection(models.Model):
    """A local correction, kept apart from the national table so that reloading national data never loses it
    and so that each correction says who made it and why."""

    class Kind(models.TextChoices):
        RENAME = "rename", "更名"
        ADD = "add", "新增"
        RETIRE = "retire", "撤销"

    code = models.CharField("区划代码", max_length=12, db_index=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=100, blank=True)
    parent_code = models.CharField("上级区划代码", max_length=12, blank=True)
    replaced_by = models.CharField("合并至", max_length=12, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    imported_by = models.CharField("导入人", max_length=150)

    class Meta:
        verbose_name = "区划本地更正"
        verbose_name_plural = verbose_name
        ordering = ["imported_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code} {self.name}"
