from __future__ import annotations

import functools

from django.conf import settings
from django.db import models
from django.utils import timezone

from openpes.core.crypto import provider
from openpes.core.fields import BlindIndexField
from openpes.core.identifiers import mask_id_number
from openpes.core.jurisdiction import ScopedQuerySet
from openpes.people import rules

# Associated data bound into each ciphertext and keyed hash, so that one field's value cannot be passed off
# as another's.
ID_CONTEXT = "people.person.id_number"
ID_TAIL_CONTEXT = "people.person.id_tail"
PHONE_CONTEXT = "people.person.phone"


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Education(models.TextChoices):
    """Highest education attained, grouped after GB/T 4658-2006 学历代码."""

    PRIMARY_OR_LESS = "10", "小学及以下"
    JUNIOR_SECONDARY = "20", "初中"
    SENIOR_SECONDARY = "30", "普通高中"
    VOCATIONAL_SECONDARY = "40", "中专/中技/职高"
    JUNIOR_COLLEGE = "50", "大学专科"
    BACHELOR = "60", "大学本科"
    POSTGRADUATE = "70", "研究生"


class PoliticalStatus(models.TextChoices):
    """GB/T 4762 政治面貌, grouped."""

    PARTY_MEMBER = "01", "中共党员"
    PROBATIONARY_MEMBER = "02", "中共预备党员"
    LEAGUE_MEMBER = "03", "共青团员"
    DEMOCRATIC_PARTY = "04", "民主党派成员"
    INDEPENDENT = "12", "无党派人士"
    MASSES = "13", "群众"


class Ethnicity(models.TextChoices):
    """民族, with the two-digit codes of GB/T 3304-1991 (中国各民族名称的罗马字母拼写法和代码): the 56 groups in
    the standard's order, then 97 其他 and 98 外国血统中国籍人士. Stored as the code, shown as the name."""

    HAN = "01", "汉族"
    MONGOL = "02", "蒙古族"
    HUI = "03", "回族"
    TIBETAN = "04", "藏族"
    UYGHUR = "05", "维吾尔族"
    MIAO = "06", "苗族"
    YI = "07", "彝族"
    ZHUANG = "08", "壮族"
    BOUYEI = "09", "布依族"
    KOREAN = "10", "朝鲜族"
    MANCHU = "11", "满族"
    DONG = "12", "侗族"
    YAO = "13", "瑶族"
    BAI = "14", "白族"
    TUJIA = "15", "土家族"
    HANI = "16", "哈尼族"
    KAZAKH = "17", "哈萨克族"
    DAI = "18", "傣族"
    LI = "19", "黎族"
    LISU = "20", "傈僳族"
    VA = "21", "佤族"
    SHE = "22", "畲族"
    GAOSHAN = "23", "高山族"
    LAHU = "24", "拉祜族"
    SUI = "25", "水族"
    DONGXIANG = "26", "东乡族"
    NAXI = "27", "纳西族"
    JINGPO = "28", "景颇族"
    KIRGIZ = "29", "柯尔克孜族"
    TU = "30", "土族"
    DAUR = "31", "达斡尔族"
    MULAO = "32", "仫佬族"
    QIANG = "33", "羌族"
    BLANG = "34", "布朗族"
    SALAR = "35", "撒拉族"
    MAONAN = "36", "毛南族"
    GELAO = "37", "仡佬族"
    XIBE = "38", "锡伯族"
    ACHANG = "39", "阿昌族"
    PUMI = "40", "普米族"
    TAJIK = "41", "塔吉克族"
    NU = "42", "怒族"
    UZBEK = "43", "乌孜别克族"
    RUSSIAN = "44", "俄罗斯族"
    EWENKI = "45", "鄂温克族"
    DEANG = "46", "德昂族"
    BONAN = "47", "保安族"
    YUGUR = "48", "裕固族"
    GIN = "49", "京族"
    TATAR = "50", "塔塔尔族"
    DERUNG = "51", "独龙族"
    OROQEN = "52", "鄂伦春族"
    HEZHEN = "53", "赫哲族"
    MONBA = "54", "门巴族"
    LHOBA = "55", "珞巴族"
    JINO = "56", "基诺族"
    OTHER = "97", "其他"
    FOREIGN_ORIGIN = "98", "外国血统中国籍人士"


class Relation(models.TextChoices):
    """Relation to the head of household (GB/T 4761, grouped)."""

    HEAD = "01", "户主"
    SPOUSE = "10", "配偶"
    CHILD = "20", "子女"
    PARENT = "50", "父母"
    GRANDCHILD = "30", "孙子女"
    SIBLING = "70", "兄弟姐妹"
    OTHER = "99", "其他"


class Household(models.Model):
    """A household (户) in one village or community. Every member lives in the household's village: moving
    the household moves them all (people.services.household_update). A household is never deleted: once
    empty it is closed with a reason and kept."""

    region_code = models.CharField("所在村（社区）", max_length=12)
    address = models.CharField("住址", max_length=200, blank=True)
    head = models.OneToOneField(
        "Person", verbose_name="户主", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    closed_at = models.DateTimeField("注销时间", null=True, blank=True)
    closed_reason = models.CharField("注销原因", max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "家庭"
        verbose_name_plural = verbose_name
        ordering = ["region_code", "id"]
        # Declared here rather than with db_index=True, which on PostgreSQL adds a second, pattern-matching
        # index on every CharField that nothing here uses.
        indexes = [models.Index(fields=["region_code"], name="household_region")]

    def __str__(self) -> str:
        return f"户 {self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


ID_NUMBER_UNIQUE = "person_id_number_unique"  # one person per ID number; services translate its violation


def id_number_masked(ciphertext: str) -> str:
    """The masked ID number (430527********123X) of a person's `id_number_encrypted`, for lists read as
    plain rows as much as for `Person.id_number_masked`."""
    if not ciphertext:
        return ""
    return mask_id_number(provider().decrypt(ciphertext, context=ID_CONTEXT))


class Person(models.Model):
    """A worker in the real-name labour-force registry (城乡劳动力实名制登记).

    The ID number and phone are stored encrypted (see core.crypto) with keyed hashes beside them for exact
    look-up and de-duplication. Nothing stored in plain text rebuilds the ID number (SECURITY.md 21,
    docs/architecture.md "Personal data"): of the birth date only the year and month are kept, for age
    rules, and the last four characters live only inside the ciphertext and a keyed hash; the mask shown on
    lists is derived from the ciphertext as the row is shown. The plain value is only ever given out by
    `people.services.person_reveal`, which logs the access."""

    name = models.CharField("姓名", max_length=30)
    id_number_encrypted = models.TextField("身份证号码（密文）")
    id_number_index = BlindIndexField("身份证号码索引")
    id_tail_index = BlindIndexField("身份证号码后四位索引")
    birth_month = models.DateField("出生年月", help_text="出生年月的第一天；具体日期只在身份证号码密文中")
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    phone_encrypted = models.TextField("联系电话（密文）", blank=True)
    phone_index = BlindIndexField("联系电话索引", blank=True)
    phone_masked = models.CharField("联系电话", max_length=20, blank=True)
    region_code = models.CharField("所在村（社区）", max_length=12)
    address = models.CharField("住址", max_length=200, blank=True)
    household = models.ForeignKey(
        Household,
        verbose_name="家庭",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    relation_to_head = models.CharField("与户主关系", max_length=2, choices=Relation.choices, blank=True)
    education = models.CharField("文化程度", max_length=2, choices=Education.choices, blank=True)
    ethnicity = models.CharField("民族", max_length=2, choices=Ethnicity.choices, blank=True)
    political_status = models.CharField("政治面貌", max_length=2, choices=PoliticalStatus.choices, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # shown, never searched: not worth an index write per person of a bulk load
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "劳动者"
        verbose_name_plural = verbose_name
        ordering = ["region_code", "name", "id"]
        # The keyed hashes are only ever matched exactly: a plain B-tree each. unique=True / db_index=True
        # would add a pattern-matching (varchar_pattern_ops) index on PostgreSQL too, a third of the write
        # cost of a bulk registration there for nothing (benchmarks/registry.py).
        constraints = [models.UniqueConstraint(fields=["id_number_index"], name=ID_NUMBER_UNIQUE)]
        indexes = [
            models.Index(fields=["region_code", "name"], name="person_region_name"),
            models.Index(fields=["phone_index"], name="person_phone"),
            models.Index(fields=["id_tail_index"], name="person_id_tail"),
        ]
        permissions = [("reveal_personal_data", "查看完整的身份证号码和联系电话")]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_masked}）"

    @functools.cached_property
    def id_number_masked(self) -> str:
        """430527********123X, from the ciphertext: the tail is stored nowhere in plain text."""
        return id_number_masked(self.id_number_encrypted)

    @property
    def age(self) -> int:
        """Age in whole years, counted from the birth month: all that is stored in plain text."""
        return rules.age_from_month(self.birth_month, timezone.localdate())
