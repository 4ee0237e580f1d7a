"""What the API takes and gives for employers and demand surveys. The contact phone goes out masked; the
whole number only through POST /employers/{id}/reveal-contact, which is logged."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from openpes.core.schemas import (
    MAX_ID,
    OPTIONAL_REGION_CODE,
    REGION_CODE,
    Strict,
    choices_text,
    enum_of,
    one_of,
)
from openpes.employers.models import DemandSurvey, Employer, EmployerSize, Verification
from openpes.employers.rules import employer_can_publish

SizeCode = Annotated[str, one_of(EmployerSize), enum_of(EmployerSize)]
VerificationCode = Annotated[str, one_of(Verification), enum_of(Verification)]


class EmployerFiltersIn(Schema):
    q: str = Field(
        "", max_length=50, description="单位名称（部分）、统一社会信用代码（或其前几位）或完整的联系电话"
    )
    region: str = Field("", pattern=OPTIONAL_REGION_CODE, description="只看该区划内的单位，12位区划代码")
    verification: VerificationCode = Field("", description=f"审核状态：{choices_text(Verification)}")
    key_enterprise: bool | None = Field(None, description="true 只看重点企业，false 只看非重点企业")
    specialist: int | None = Field(
        None, ge=1, le=MAX_ID, description="只看该就业服务专员（工作人员编号）服务的单位"
    )


class EmployerCreateIn(Strict):
    uscc: str = Field(..., max_length=30, description="统一社会信用代码（18位，GB 32100-2015）")
    name: str = Field(..., max_length=100, description="单位名称")
    industry_code: str = Field("", max_length=5, description="所属行业代码（GB/T 4754-2017，如 C18 的 1811）")
    size: SizeCode = Field("", description=f"企业规模：{choices_text(EmployerSize)}")
    address: str = Field("", max_length=200, description="地址")
    region_code: str = Field(..., pattern=REGION_CODE, description="所在地的12位区划代码（县、乡镇或村）")
    contact_name: str = Field("", max_length=30, description="联系人")
    contact_phone: str = Field("", max_length=30, description="联系电话（手机或固定电话）")


class EmployerPatchIn(Strict):
    """Only the keys present are changed; `contact_phone: ""` removes the phone."""

    uscc: str = Field("", max_length=30, description="统一社会信用代码")
    name: str = Field("", max_length=100, description="单位名称")
    industry_code: str = Field("", max_length=5, description="所属行业代码（GB/T 4754-2017）")
    size: SizeCode = Field("", description=f"企业规模：{choices_text(EmployerSize)}")
    address: str = Field("", max_length=200, description="地址")
    region_code: str = Field("", pattern=REGION_CODE, description="所在地的12位区划代码")
    contact_name: str = Field("", max_length=30, description="联系人")
    contact_phone: str = Field("", max_length=30, description="联系电话；空字符串表示删除")


class VerifyIn(Strict):
    approve: bool = Field(..., description="true 审核通过；false 未通过（须写明原因，单位将看到）")
    reason: str = Field("", max_length=200, description="审核意见；未通过时必填")


class KeyEnterpriseIn(Strict):
    is_key_enterprise: bool = Field(..., description="是否重点企业")
    specialist: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="就业服务专员（工作人员编号），辖区须包括单位所在地；null 表示不指派",
    )


class EmployerOut(Schema):
    id: int = Field(..., description="编号")
    uscc: str = Field(..., description="统一社会信用代码")
    name: str = Field(..., description="单位名称")
    industry_code: str = Field(..., description="所属行业代码（GB/T 4754-2017）")
    size: str = Field(..., description=f"企业规模代码：{choices_text(EmployerSize)}")
    address: str = Field(..., description="地址")
    region_code: str = Field(..., description="所在地区划代码")
    contact_name: str = Field(..., description="联系人")
    contact_phone_masked: str = Field(..., description="联系电话（脱敏）")
    verification: str = Field(..., description=f"审核状态：{choices_text(Verification)}")
    verification_reason: str = Field(..., description="审核意见")
    verified_at: dt.datetime | None = Field(None, description="审核时间")
    can_publish: bool = Field(..., description="其岗位能否发布（已审核通过）")
    is_key_enterprise: bool = Field(..., description="是否重点企业")
    specialist: int | None = Field(None, description="就业服务专员的工作人员编号")
    specialist_name: str = Field("", description="就业服务专员姓名")
    created_at: dt.datetime = Field(..., description="登记时间")
    updated_at: dt.datetime = Field(..., description="更新时间")

    @staticmethod
    def resolve_can_publish(obj: Employer) -> bool:
        return employer_can_publish(obj)

    @staticmethod
    def resolve_specialist(obj: Employer) -> int | None:
        return obj.specialist_id

    @staticmethod
    def resolve_specialist_name(obj: Employer) -> str:
        return obj.specialist.full_name if obj.specialist_id and obj.specialist else ""


class RevealIn(Strict):
    reason: str = Field(..., max_length=200, description="查看事由（至少2个字），记入个人信息查看日志")


class RevealOut(Schema):
    value: str = Field(..., description="完整的联系电话；请勿保存或转发")


class DemandLineIn(Strict):
    occupation_code: str = Field(
        ..., max_length=10, description="职业代码（职业分类大典2022，如 6-18-01-01）"
    )
    headcount: int = Field(..., ge=1, le=100_000, description="需求人数")
    wanted_by: dt.date | None = Field(None, description="需要到岗日期")
    note: str = Field("", max_length=200, description="要求（学历、技能、待遇等）")


class DemandSurveyIn(Strict):
    surveyed_on: dt.date = Field(..., description="调查日期，不晚于今天")
    note: str = Field("", max_length=200, description="备注")
    lines: list[DemandLineIn] = Field(..., min_length=1, max_length=50, description="各职业的需求")


class DemandLineOut(Schema):
    occupation_code: str = Field(..., description="职业代码")
    headcount: int = Field(..., description="需求人数")
    wanted_by: dt.date | None = Field(None, description="需要到岗日期")
    note: str = Field(..., description="要求")


class DemandSurveyOut(Schema):
    id: int = Field(..., description="编号")
    employer: int = Field(..., description="用人单位编号")
    employer_name: str = Field(..., description="单位名称")
    surveyed_on: dt.date = Field(..., description="调查日期")
    note: str = Field(..., description="备注")
    total_headcount: int = Field(0, description="需求总人数")
    lines: list[DemandLineOut] = Field(..., description="各职业的需求")
    created_at: dt.datetime = Field(..., description="录入时间")

    @staticmethod
    def resolve_employer(obj: DemandSurvey) -> int:
        return obj.employer_id

    @staticmethod
    def resolve_employer_name(obj: DemandSurvey) -> str:
        return obj.employer.name

    @staticmethod
    def resolve_total_headcount(obj: DemandSurvey) -> int:
        return int(getattr(obj, "total_headcount", None) or sum(line.headcount for line in obj.lines.all()))

    @staticmethod
    def resolve_lines(obj: DemandSurvey) -> list[object]:
        return list(obj.lines.all())


class DemandSurveyFiltersIn(Schema):
    region: str = Field("", pattern=OPTIONAL_REGION_CODE, description="只看该区划内单位的调查，12位区划代码")
