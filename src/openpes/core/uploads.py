"""What every import of an office's file shares: the mode chosen, where the import stands, and the upload record
(an abstract model, so each import keeps its own table beside its own data)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from openpes.core.jurisdiction import ScopedQuerySet


class ImportMode(models.TextChoices):
    ALL = "all", "全部无误才导入"
    VALID = "valid", "只导入无误的行"


class ImportStatus(models.TextChoices):
    CHECKED = "checked", "已检查，待导入"
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导入中"
    DONE = "done", "已导入"
    REFUSED = "refused", "未导入（有问题行）"
    FAILED = "failed", "导入失败"


class UploadedFile(models.Model):
    """What every import of an office's file keeps of one upload: the file (encrypted) until it is imported,
    the chosen mode, where it stands, the counts and who uploaded it. Survey workbooks in
    `employment.models.SurveyImport`, vacancy files in `vacancies.models.VacancyFileImport`."""

    filename = models.CharField("文件名", max_length=200)
    content_encrypted = models.TextField("文件（密文）", blank=True)
    mode = models.CharField("导入方式", max_length=8, choices=ImportMode.choices, default=ImportMode.VALID)
    status = models.CharField(
        "状态", max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKED
    )
    problem_rows = models.PositiveIntegerField("有问题的行", default=0)
    refused = models.PositiveIntegerField("未导入", default=0)
    message = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED)
