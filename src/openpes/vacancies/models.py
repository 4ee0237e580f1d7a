"""The vacancy pool and the staff's corrections of normalised fields.

Scoping: a vacancy is seen by the jurisdiction of its work place AND by the employer's jurisdiction
(`VacancyQuerySet.in_prefix`). `region_code` is the work place when the normaliser resolved it to a region
of this installation's division table at county level or deeper, else the employer's region (a posting
that says "全国" or names only a city still belongs somewhere: to the office that serves its employer).
`place_code` keeps whatever the normaliser resolved, at whatever depth, inside the table or not."""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from openpes.accounts.models import Partner
from openpes.core.jurisdiction import ScopedQuerySet, code_range
from openpes.core.uploads import UploadedFile
from openpes.employers.models import Employer, EmployerAccount
from openpes.vacancies.choices import Channel, VacancyStatus, WorkType

PARTNER_EXTERNAL_ID_UNIQUE = "vacancy_partner_external_id"  # one vacancy per partner and external id


class VacancyQuerySet(ScopedQuerySet["Vacancy"]):
    def in_prefix(self, prefix: str) -> Self:
        if not prefix:
            return self.none()
        span = code_range(prefix)
        return self.filter(Q(region_code__range=span) | Q(employer__region_code__range=span))


class RawPosting(models.Model):
    """A posting's text exactly as a channel sent it. A vacancy keeps its current text (what the normaliser
    reads and the public sees) and each of its sources (`VacancySource`) the text one channel sent, so both
    have these fields, defined once here. The validity is not among them: the vacancy always has one (60
    days when the posting names none), a source only what was sent."""

    title = models.CharField("职位名称", max_length=100)
    pay_text = models.CharField("薪资待遇", max_length=100, blank=True)
    place_text = models.CharField("工作地点", max_length=200, blank=True)
    education_text = models.CharField("学历要求", max_length=50, blank=True)
    experience_text = models.CharField("经验要求", max_length=50, blank=True)
    description = models.TextField("职位描述", blank=True)
    industry_text = models.CharField("行业", max_length=100, blank=True)
    contact_text = models.CharField("联系方式", max_length=200, blank=True)
    headcount = models.PositiveIntegerField("招聘人数", null=True, blank=True)

    class Meta:
        abstract = True


class Vacancy(RawPosting):
    """One vacancy as it came in (the raw fields of `RawPosting`) and as the normaliser read it (the
    normalised fields with their reasons), its screening flags and where it stands in review."""

    employer = models.ForeignKey(
        Employer, verbose_name="用人单位", on_delete=models.PROTECT, related_name="vacancies"
    )
    channel = models.CharField("来源渠道", max_length=10, choices=Channel.choices)

    # As normalised (openpes.vacancies.normalise), or as staff corrected them (VacancyCorrection).
    occupation_code = models.CharField(
        "职业", max_length=10, blank=True, help_text="职业分类大典（2022年版）"
    )
    occupation_name = models.CharField("职业名称", max_length=100, blank=True)
    occupation_candidates = models.JSONField("候选职业", default=list, blank=True)
    occupation_confidence = models.FloatField("职业把握", null=True, blank=True)
    pay_min = models.PositiveIntegerField("月薪下限（元）", null=True, blank=True)
    pay_max = models.PositiveIntegerField("月薪上限（元）", null=True, blank=True)
    pay_period = models.CharField("计薪方式", max_length=10, blank=True)
    pay_months = models.PositiveSmallIntegerField("年薪月数", null=True, blank=True)
    pay_negotiable = models.BooleanField("薪资面议", default=False)
    place_code = models.CharField("工作地点区划", max_length=12, blank=True)
    place_name = models.CharField("工作地点名称", max_length=100, blank=True)
    region_code = models.CharField("所属区划", max_length=12)
    education_min = models.CharField("最低学历", max_length=2, blank=True)
    experience_min_years = models.PositiveSmallIntegerField("最低工作年限", null=True, blank=True)
    work_type = models.CharField("工作类型", max_length=12, choices=WorkType.choices, blank=True)
    flags = models.JSONField("待核实项", default=list, blank=True)
    reasons = models.TextField("识别依据", blank=True)

    screening_flags = models.JSONField("筛查提示", default=list, blank=True)

    status = models.CharField(
        "状态", max_length=16, choices=VacancyStatus.choices, default=VacancyStatus.DRAFT
    )
    status_reason = models.CharField("审核意见", max_length=200, blank=True)
    status_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="状态变更人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="空：单位在网上操作或系统自动处理",
    )
    submitted_at = models.DateTimeField("提交审核时间", null=True, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    valid_until = models.DateField("有效期至")
    reposts = models.ForeignKey(
        "self",
        verbose_name="重新发布自",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reposted_as",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name="已合并到",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
        help_text="与另一岗位重复而合并：本岗位撤回，来源移到该岗位",
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
    )
    posted_by_account = models.ForeignKey(
        EmployerAccount,
        verbose_name="发布账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vacancies",
    )
    source = models.CharField("来源说明", max_length=250, blank=True, help_text="批量导入时：文件名与行号")
    file_import = models.ForeignKey(
        "VacancyFileImport",
        verbose_name="导入批次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vacancies",
    )
    # The partner system that posted it (channel partner) and its own id for it: the partner reaches the
    # vacancy by that id, and posting the same id again changes it instead of adding a second one.
    partner = models.ForeignKey(
        Partner,
        verbose_name="合作系统",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vacancies",
    )
    external_id = models.CharField("合作系统岗位编号", max_length=64, blank=True)

    objects = VacancyQuerySet.as_manager()

    class Meta:
        verbose_name = "岗位"
        verbose_name_plural = verbose_name
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["region_code", "status"], name="vacancy_region_status"),
            models.Index(fields=["status", "submitted_at"], name="vacancy_status_submitted"),
            models.Index(fields=["occupation_code", "status"], name="vacancy_occupation_status"),
            models.Index(fields=["valid_until"], name="vacancy_valid_until"),
            # The job search's orders (search/engine.py _ORDER) walk these and stop at the page.
            models.Index(fields=["status", "-published_at", "-id"], name="vacancy_status_published"),
            models.Index(
                F("status"),
                Coalesce("pay_max", "pay_min", Value(-1)).desc(),
                F("published_at").desc(),
                name="vacancy_status_pay",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "external_id"],
                condition=Q(partner__isnull=False),
                name=PARTNER_EXTERNAL_ID_UNIQUE,
            )
        ]
        permissions = [
            ("review_vacancy", "审核岗位"),
            ("change_served_vacancy", "登记、修改自己服务的单位的岗位"),
        ]

    def __str__(self) -> str:
        return self.title


class VacancyCorrection(models.Model):
    """A staff member's correction of one normalised field. Kept for good: the vacancy's later
    normalisations re-apply it while the text it was read from stays the same, and occupation corrections
    teach the occupation coder (`vacancies.services.normalising.current_coder`)."""

    vacancy = models.ForeignKey(
        Vacancy, verbose_name="岗位", on_delete=models.CASCADE, related_name="corrections"
    )
    field = models.CharField("字段", max_length=30)
    old_value = models.CharField("原值", max_length=100, blank=True)
    new_value = models.CharField("更正为", max_length=100, blank=True)
    title = models.CharField("更正时的职位名称", max_length=100, blank=True)
    source_text = models.TextField(
        "更正时的原文", blank=True, help_text="该字段所依据的原文；原文改动后更正不再沿用"
    )
    note = models.CharField("说明", max_length=200, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更正人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    corrected_at = models.DateTimeField("更正时间", auto_now_add=True)

    class Meta:
        verbose_name = "岗位识别更正"
        verbose_name_plural = verbose_name
        ordering = ["id"]
        indexes = [models.Index(fields=["field", "id"], name="vacancy_correction_field")]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"


class VacancySource(RawPosting):
    """One posting of a vacancy as one channel sent it: every vacancy has its first source from its
    creation, and gains one for each duplicate merged into it (at intake, or by staff), so that a merged
    vacancy keeps every channel's raw text."""

    vacancy = models.ForeignKey(
        Vacancy, verbose_name="岗位", on_delete=models.CASCADE, related_name="sources"
    )
    channel = models.CharField("来源渠道", max_length=10, choices=Channel.choices)
    external_ref = models.CharField(
        "外部编号", max_length=100, blank=True, help_text="合作系统或导入文件中该岗位的编号"
    )
    valid_until = models.DateField("有效期至", null=True, blank=True)
    received_at = models.DateTimeField("收到时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    posted_by_account = models.ForeignKey(
        EmployerAccount,
        verbose_name="发布账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_from = models.ForeignKey(
        Vacancy,
        verbose_name="合并自岗位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="由经办人员合并过来的重复岗位；空：本岗位自己的来源或收到时自动合并",
    )
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "岗位来源"
        verbose_name_plural = verbose_name
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}：{self.title}"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", "待处理"
    MERGED = "merged", "已合并"
    DISMISSED = "dismissed", "不是重复"


class DuplicateCandidate(models.Model):
    """A probable duplicate found at intake or by `openpes dedup-vacancies`: `vacancy` (the later posting)
    may be the same vacancy as `other` (the earlier one), with the score and the reasons; staff merge the
    two or dismiss the suggestion, and a dismissed pair is not suggested again."""

    vacancy = models.ForeignKey(
        Vacancy, verbose_name="岗位", on_delete=models.CASCADE, related_name="duplicate_candidates"
    )
    other = models.ForeignKey(
        Vacancy,
        verbose_name="可能重复的岗位",
        on_delete=models.CASCADE,
        related_name="duplicate_of_candidates",
    )
    score = models.FloatField("描述相似度")
    certain = models.BooleanField("文字相同", default=False)
    reasons = models.CharField("依据", max_length=300)
    status = models.CharField(
        "处理结果", max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    found_at = models.DateTimeField("发现时间", auto_now_add=True)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "疑似重复岗位"
        verbose_name_plural = verbose_name
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vacancy", "other"], name="duplicate_candidate_pair"),
        ]
        indexes = [models.Index(fields=["other", "status"], name="duplicate_candidate_other")]

    def __str__(self) -> str:
        return f"#{self.vacancy_id} ~ #{self.other_id}（{self.score:.2f}）"


class VacancyFileImport(UploadedFile):
    """One upload of a vacancy file (an office's list, a job fair's table): checked first, with each row's
    problems and what it would become, then imported on the clerk's word. The file is kept encrypted until it
    is imported (contact phones of the employers' staff are in it)."""

    region_code = models.CharField("辖区", max_length=12, help_text="上传人的辖区")
    total_rows = models.PositiveIntegerField("岗位行数", default=0)
    created = models.PositiveIntegerField("已导入", default=0)
    drafts = models.PositiveIntegerField("留作草稿", default=0, help_text="有违法内容提示，须修改后再提交")
    rows = models.JSONField(
        "检查结果", default=list, help_text="每行：行号、岗位、单位、识别结果、提示、问题"
    )

    class Meta:
        verbose_name = "岗位文件导入"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]


class ScreeningClearance(models.Model):
    """A reviewer's 核实排除 of one blocking screening flag: the flag was a mistake of the rules (a lawful
    restriction, a look-alike phrase), with the reason in writing. It holds while the flag it was made for
    comes back unchanged on every screening: the same rule, field, matched text, the clause around it and
    the vacancy's title (`vacancies.rules.clearance_key`); an edit that changes any of them lapses it for
    good and the flag blocks again. Kept after it lapses: the clearances of a rule are how the office sees
    where the rule misfires."""

    vacancy = models.ForeignKey(
        Vacancy, verbose_name="岗位", on_delete=models.CASCADE, related_name="clearances"
    )
    code = models.CharField("筛查规则", max_length=50)
    kind = models.CharField("类别", max_length=20)
    field = models.CharField("所在字段", max_length=20)
    text = models.CharField("命中的原文", max_length=200)
    clause = models.CharField("所在语句", max_length=500)
    title = models.CharField("核实时的职位名称", max_length=100)
    reason = models.TextField("核实排除理由")
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核实人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cleared_at = models.DateTimeField("核实时间", auto_now_add=True)
    lapsed_at = models.DateTimeField(
        "失效时间", null=True, blank=True, help_text="岗位修改后该提示重新出现或不再出现时失效"
    )

    class Meta:
        verbose_name = "筛查提示核实排除"
        verbose_name_plural = verbose_name
        ordering = ["-id"]
        indexes = [models.Index(fields=["code", "id"], name="vacancy_clearance_code")]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class SearchOutbox(models.Model):
    """A vacancy written since the tantivy index last took it in: the row is written in the transaction of
    the write and deleted once the index has the vacancy as it is (vacancies/search/index.py). No foreign
    key: a row must outlive a deleted vacancy, to take it out of the index."""

    vacancy_id = models.BigIntegerField("岗位")
    queued_at = models.DateTimeField("写入时间", auto_now_add=True)

    class Meta:
        verbose_name = "岗位搜索索引待更新"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"岗位 {self.vacancy_id}"
