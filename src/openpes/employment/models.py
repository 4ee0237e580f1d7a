"""Employment records of the persons in the registry. Every row belongs to a person (or a household) and
is seen through that person's village: scoping follows the person when they move, so an office always sees
the whole history of the people it serves, and nobody else's."""

from __future__ import annotations

from typing import TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from openpes.core.jurisdiction import ScopedQuerySet
from openpes.core.uploads import UploadedFile
from openpes.employment import rules
from openpes.employment.choices import Basis, EmploymentForm, LabourStatus, UnemploymentReason
from openpes.people.models import Household, Person

_M = TypeVar("_M", bound=models.Model)


class PersonScopedQuerySet(ScopedQuerySet[_M]):
    region_field = "person__region_code"


class HouseholdScopedQuerySet(ScopedQuerySet[_M]):
    region_field = "household__region_code"


class RetirementCategory(models.TextChoices):
    MALE = "male", "男职工（原60周岁）"
    FEMALE_55 = "female_55", "女职工（原55周岁）"
    FEMALE_50 = "female_50", "女职工（原50周岁）"


class KeyGroup(models.TextChoices):
    GRADUATE = rules.GRADUATE, rules.KEY_GROUP_NAMES[rules.GRADUATE]
    HARD_TO_EMPLOY = rules.HARD_TO_EMPLOY, rules.KEY_GROUP_NAMES[rules.HARD_TO_EMPLOY]
    VETERAN = rules.VETERAN, rules.KEY_GROUP_NAMES[rules.VETERAN]
    RETURNED_MIGRANT = rules.RETURNED_MIGRANT, rules.KEY_GROUP_NAMES[rules.RETURNED_MIGRANT]


class Tier(models.TextChoices):
    A = "A", "A类（重点帮扶）"
    B = "B", "B类（重点关注）"
    C = "C", "C类（一般服务）"


class EventKind(models.TextChoices):
    """What can happen to a person's employment status (the timeline)."""

    SURVEYED = "surveyed", "就失业信息采集"
    UNEMPLOYMENT_REGISTERED = "unemployment_registered", "失业登记"
    EMPLOYMENT_REGISTERED = "employment_registered", "就业登记"
    FOUND_JOB = "found_job", "实现就业"
    STARTED_BUSINESS = "started_business", "自主创业"
    ENTERED_SCHOOL = "entered_school", "升学"
    ENLISTED = "enlisted", "应征入伍"
    RETIRED = "retired", "退休"
    MOVED_AWAY = "moved_away", "迁出"
    DIED = "died", "死亡"
    REGISTERED_ELSEWHERE = "registered_elsewhere", "在异地登记"
    LOST_JOB = "lost_job", "失业"
    CANCELLED = "cancelled", "注销登记"
    DECLARATION_OVERTURNED = "declaration_overturned", "承诺核查不实"
    FACTS_CHANGED = "facts_changed", "认定信息变更"


class RegistrationKind(models.TextChoices):
    UNEMPLOYMENT = "unemployment", "失业登记"
    EMPLOYMENT = "employment", "就业登记"


class ContactChannel(models.TextChoices):
    PHONE = "phone", "电话"
    VISIT = "visit", "上门走访"
    OFFICE = "office", "来窗口"
    MESSAGE = "message", "短信/微信"


class EmploymentProfile(models.Model):
    """A person's current employment status and the facts the key-group rules read. One per person,
    kept by the services from surveys, registrations and status changes; the timeline says how it came
    to be."""

    person = models.OneToOneField(
        Person, verbose_name="劳动者", on_delete=models.CASCADE, related_name="employment"
    )
    labour_status = models.CharField("就业状态", max_length=16, choices=LabourStatus.choices, blank=True)
    employment_form = models.CharField("就业形式", max_length=16, choices=EmploymentForm.choices, blank=True)
    employer_name = models.CharField("就业单位", max_length=100, blank=True)
    work_place = models.CharField("就业地点", max_length=100, blank=True)
    monthly_income = models.PositiveIntegerField("月收入（元）", null=True, blank=True)
    unemployment_reason = models.CharField(
        "失业原因", max_length=24, choices=UnemploymentReason.choices, blank=True
    )
    unemployed_since = models.DateField("失业时间", null=True, blank=True)
    wants_job = models.BooleanField("就业意愿", null=True, blank=True)
    job_wish = models.CharField("意向工作", max_length=100, blank=True)
    wants_training = models.BooleanField("培训意愿", null=True, blank=True)
    training_wish = models.CharField("意向培训", max_length=100, blank=True)
    retirement_category = models.CharField(
        "退休年龄类别",
        max_length=10,
        choices=RetirementCategory.choices,
        blank=True,
        help_text="不填时男性按原60周岁、女性按原55周岁计算",
    )
    able_to_work = models.BooleanField("有劳动能力", default=True)
    disabled = models.BooleanField("持有残疾人证", default=False)
    low_income = models.BooleanField("城乡低保家庭成员", default=False)
    poverty_alleviated = models.BooleanField("脱贫人口", default=False)
    graduated_on = models.DateField("高校毕业时间", null=True, blank=True)
    veteran_discharged_on = models.DateField("退役时间", null=True, blank=True)
    returned_home_on = models.DateField("返乡时间", null=True, blank=True)
    deceased_on = models.DateField("死亡日期", null=True, blank=True)
    certificate_no = models.CharField("就业创业证编号", max_length=32, null=True, blank=True)
    surveyed_on = models.DateField("采集日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = PersonScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "就失业状态"
        verbose_name_plural = verbose_name
        # Unique among the profiles that have one: most never do, and a partial index is not written for
        # them (a survey creates a hundred thousand profiles at a time).
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_no"],
                condition=Q(certificate_no__isnull=False),
                name="profile_certificate_unique",
            )
        ]
        indexes = [models.Index(fields=["labour_status"], name="employment_profile_status")]

    def __str__(self) -> str:
        return f"{self.person.name}：{self.get_labour_status_display() or '未采集'}"


class Registration(models.Model):
    """一次就业登记或失业登记. Closed (never deleted) when the status changes or it is cancelled."""

    person = models.ForeignKey(
        Person, verbose_name="劳动者", on_delete=models.PROTECT, related_name="registrations"
    )
    kind = models.CharField("登记类型", max_length=12, choices=RegistrationKind.choices)
    basis = models.CharField("登记地", max_length=10, choices=Basis.choices)
    region_code = models.CharField("登记时所在村（社区）", max_length=12)
    registered_on = models.DateField("登记日期")
    certificate_no = models.CharField("就业创业证编号", max_length=32)
    by_declaration = models.BooleanField("承诺制登记", default=False)
    employment_form = models.CharField("就业形式", max_length=16, choices=EmploymentForm.choices, blank=True)
    employer_name = models.CharField("就业单位", max_length=100, blank=True)
    unemployment_reason = models.CharField(
        "失业原因", max_length=24, choices=UnemploymentReason.choices, blank=True
    )
    tier = models.CharField("服务分级", max_length=1, choices=Tier.choices, blank=True)
    tier_reason = models.CharField("分级依据", max_length=100, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_contact_on = models.DateField("最近联系", null=True, blank=True)
    next_contact_due = models.DateField("下次联系", null=True, blank=True)
    closed_on = models.DateField("结束日期", null=True, blank=True)
    close_kind = models.CharField("结束原因", max_length=24, choices=EventKind.choices, blank=True)
    close_note = models.CharField("结束说明", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PersonScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "就业失业登记"
        verbose_name_plural = verbose_name
        ordering = ["-registered_on", "-id"]
        constraints = [
            # One open registration of each kind per person, and a person is one ID number across the
            # whole installation (people.Person's unique index): the database holds the rule under races.
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(closed_on__isnull=True),
                name="one_open_registration_per_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "closed_on", "next_contact_due"], name="registration_contacts"),
            models.Index(fields=["officer", "next_contact_due"], name="registration_officer_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.certificate_no}（{self.registered_on:%Y-%m-%d}）"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class StatusEvent(models.Model):
    """One entry of a person's employment-status timeline: what happened, when, who recorded it."""

    # Indexes: a survey writes one entry per person, so each costs a hundred thousand index writes. The
    # person's is the (person, on) index below; the registration's is partial (most entries have none);
    # who recorded an entry is shown, never searched (a deleted account's entries are found by a scan).
    person = models.ForeignKey(
        Person, verbose_name="劳动者", on_delete=models.CASCADE, related_name="status_events", db_index=False
    )
    kind = models.CharField("事项", max_length=24, choices=EventKind.choices)
    on = models.DateField("日期")
    registration = models.ForeignKey(
        Registration,
        verbose_name="登记",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        db_index=False,
    )
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    objects = PersonScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "就业状态变化"
        verbose_name_plural = verbose_name
        ordering = ["-on", "-id"]
        indexes = [
            models.Index(fields=["person", "on"], name="status_event_person_on"),
            models.Index(
                fields=["registration"],
                condition=Q(registration__isnull=False),
                name="status_event_registration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.get_kind_display()}"


class Contact(models.Model):
    """定期联系: one contact with a registered unemployed person."""

    registration = models.ForeignKey(
        Registration, verbose_name="登记", on_delete=models.CASCADE, related_name="contacts"
    )
    on = models.DateField("联系日期")
    channel = models.CharField("方式", max_length=10, choices=ContactChannel.choices)
    note = models.CharField("情况", max_length=200, blank=True)
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="联系人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "定期联系"
        verbose_name_plural = verbose_name
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.get_channel_display()}"


class KeyGroupMembership(models.Model):
    """A person's membership of a key group under one rule, with the evidence and the period. Derived by
    `rules.key_groups`; an ended membership stays as history."""

    person = models.ForeignKey(
        Person, verbose_name="劳动者", on_delete=models.CASCADE, related_name="key_groups"
    )
    group = models.CharField("重点群体", max_length=20, choices=KeyGroup.choices)
    rule = models.CharField("认定规则", max_length=40)
    evidence = models.CharField("依据", max_length=200)
    since = models.DateField("起始日期")
    until = models.DateField("预计结束", null=True, blank=True)
    ended_on = models.DateField("结束日期", null=True, blank=True)
    found_at = models.DateTimeField("认定时间", auto_now_add=True)

    objects = PersonScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "重点群体认定"
        verbose_name_plural = verbose_name
        ordering = ["group", "since"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "rule"],
                condition=Q(ended_on__isnull=True),
                name="one_current_membership_per_rule",
            )
        ]
        indexes = [models.Index(fields=["group", "ended_on"], name="key_group_current")]

    def __str__(self) -> str:
        return f"{self.get_group_display()}：{self.evidence}"


class ZeroEmploymentHousehold(models.Model):
    """零就业家庭: found from the registry, cleared (never deleted) when a member is employed."""

    household = models.ForeignKey(
        Household, verbose_name="家庭", on_delete=models.CASCADE, related_name="zero_employment"
    )
    found_on = models.DateField("认定日期")
    evidence = models.CharField("认定依据", max_length=300)
    cleared_on = models.DateField("清零日期", null=True, blank=True)
    cleared_evidence = models.CharField("清零依据", max_length=300, blank=True)

    objects = HouseholdScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "零就业家庭"
        verbose_name_plural = verbose_name
        ordering = ["found_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(cleared_on__isnull=True),
                name="one_open_zero_employment_case",
            )
        ]

    def __str__(self) -> str:
        return f"零就业家庭（{self.found_on:%Y-%m-%d}）"


class RuleParameters(models.Model):
    """An office's rule parameters (see `rules.Parameters` for their meaning and defaults). The most
    specific prefix covering a person's village applies; a key absent here keeps the national default."""

    region_prefix = models.CharField("适用地区", max_length=12, unique=True)
    data = models.JSONField("参数", default=dict)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "认定规则参数"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.region_prefix


class CertificateCounter(models.Model):
    """The last serial issued for 就业创业证 numbers, per county and year."""

    county_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county_code", "year"], name="one_counter_per_county_year")
        ]

    def __str__(self) -> str:
        return f"{self.county_code}/{self.year}: {self.last_serial}"


class SurveyImport(UploadedFile):
    """One upload of a labour-force survey workbook for one village: checked first, imported on the clerk's
    word, in the background when big. The file is kept encrypted until it is imported (it holds whole ID
    numbers), then only the counts and the problems stay."""

    region_code = models.CharField("村（社区）", max_length=12)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    progress = models.PositiveIntegerField("已处理行数", default=0)
    created = models.PositiveIntegerField("新登记", default=0)
    updated = models.PositiveIntegerField("已更新", default=0)
    unchanged = models.PositiveIntegerField("无变化", default=0)
    problems = models.JSONField("问题", default=list, help_text="[[行号, 问题], …]，已脱敏")

    class Meta:
        verbose_name = "采集表导入"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
