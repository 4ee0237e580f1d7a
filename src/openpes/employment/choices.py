"""The employment vocabulary: what a survey, a registration and a status change can say. Values are
stable English codes (stored), labels are the words offices use (shown). The survey reader maps the many
ways offices write each value onto these."""

from __future__ import annotations

from django.db import models


class LabourStatus(models.TextChoices):
    """就业状态 as collected door to door (就失业信息采集) and kept as a person's current status."""

    EMPLOYED = "employed", "已就业"
    UNEMPLOYED = "unemployed", "失业"
    STUDENT = "student", "在校学生"
    RETIRED = "retired", "退休"
    ENLISTED = "enlisted", "服兵役"
    UNABLE = "unable", "丧失劳动能力"
    NOT_SEEKING = "not_seeking", "无就业意愿"


class EmploymentForm(models.TextChoices):
    """就业形式 of an employed person."""

    UNIT = "unit", "单位就业"
    FLEXIBLE = "flexible", "灵活就业"
    SELF_EMPLOYED = "self_employed", "自主创业"
    FARMING = "farming", "务农"
    PUBLIC_WELFARE = "public_welfare", "公益性岗位"


class UnemploymentReason(models.TextChoices):
    """失业原因."""

    GRADUATED = "graduated", "毕业后未就业"
    DISMISSED = "dismissed", "单位解除或终止劳动合同"
    CONTRACT_ENDED = "contract_ended", "劳动合同期满"
    RESIGNED = "resigned", "个人原因辞职"
    BUSINESS_CLOSED = "business_closed", "个体经营停业"
    LAND_REQUISITIONED = "land_requisitioned", "承包土地被征用"
    DISCHARGED = "discharged", "退役后未就业"
    RETURNED = "returned", "返乡后未就业"
    OTHER = "other", "其他"


class Basis(models.TextChoices):
    """Where a registration is made (登记地): seed 001 allows any of the four."""

    RESIDENCE = "residence", "常住地"
    HUKOU = "hukou", "户籍地"
    INSURED = "insured", "参保地"
    WORKPLACE = "workplace", "就业地"
