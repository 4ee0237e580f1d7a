"""What the API takes and gives for registrations, status changes, key groups and zero-employment
households. Persons appear by id, name and masked ID number only."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.utils import timezone
from ninja import Field, Schema

from openpes.core.schemas import MAX_ID, OPTIONAL_REGION_CODE, Strict, choices_text, enum_of, one_of
from openpes.employment.choices import Basis, EmploymentForm, LabourStatus, UnemploymentReason
from openpes.employment.models import (
    ContactChannel,
    EventKind,
    KeyGroup,
    Registration,
    RegistrationKind,
    RetirementCategory,
    StatusEvent,
    Tier,
    ZeroEmploymentHousehold,
)

BasisCode = Annotated[str, one_of(Basis, blank=False), enum_of(Basis, blank=False)]
FormCode = Annotated[str, one_of(EmploymentForm, blank=False), enum_of(EmploymentForm, blank=False)]
ReasonCode = Annotated[str, one_of(UnemploymentReason, blank=False), enum_of(UnemploymentReason, blank=False)]
ChannelCode = Annotated[str, one_of(ContactChannel, blank=False), enum_of(ContactChannel, blank=False)]
KindCode = Annotated[str, one_of(RegistrationKind), enum_of(RegistrationKind)]
TierCode = Annotated[str, one_of(Tier), enum_of(Tier)]
GroupCode = Annotated[str, one_of(KeyGroup), enum_of(KeyGroup)]
CategoryCode = Annotated[str, one_of(RetirementCategory), enum_of(RetirementCategory)]
PersonId = Annotated[int, Field(ge=1, le=MAX_ID, description="劳动者编号")]


class PersonRef(Schema):
    id: int = Field(..., description="劳动者编号")
    name: str = Field(..., description="姓名")
    id_number_masked: str = Field(..., description="身份证号码（脱敏）")
    age: int = Field(..., description="年龄（周岁）")
    region_code: str = Field(..., description="所在村（社区）区划代码")


class RegistrationOut(Schema):
    id: int = Field(..., description="登记编号")
    person: PersonRef
    kind: str = Field(..., description=f"登记类型：{choices_text(RegistrationKind)}")
    basis: str = Field(..., description=f"登记地：{choices_text(Basis)}")
    registered_on: dt.date = Field(..., description="登记日期")
    certificate_no: str = Field(..., description="就业创业证编号")
    by_declaration: bool = Field(..., description="是否承诺制登记")
    employment_form: str = Field(..., description=f"就业形式：{choices_text(EmploymentForm)}")
    employer_name: str = Field(..., description="就业单位")
    unemployment_reason: str = Field(..., description=f"失业原因：{choices_text(UnemploymentReason)}")
    tier: str = Field(..., description=f"服务分级：{choices_text(Tier)}；就业登记为空")
    tier_reason: str = Field(..., description="分级依据")
    officer: str = Field("", description="责任人（用户名）")
    last_contact_on: dt.date | None = Field(None, description="最近联系日期")
    next_contact_due: dt.date | None = Field(None, description="下次应联系日期")
    closed_on: dt.date | None = Field(None, description="结束日期；未结束为 null")
    close_kind: str = Field("", description=f"结束原因：{choices_text(EventKind)}")
    close_note: str = Field("", description="结束说明")

    @staticmethod
    def resolve_officer(obj: Registration) -> str:
        return obj.officer.username if obj.officer else ""


class RegistrationFiltersIn(Schema):
    kind: KindCode = Field("", description=f"登记类型：{choices_text(RegistrationKind)}")
    open: bool | None = Field(True, description="true 只看未结束的（默认），false 只看已结束的")
    tier: TierCode = Field("", description=f"服务分级：{choices_text(Tier)}")
    region: str = Field("", pattern=OPTIONAL_REGION_CODE, description="只看该乡镇（街道）或村（社区）")
    overdue: bool = Field(False, description="只看超期未联系的失业登记")


class UnemploymentIn(Strict):
    person: PersonId
    basis: BasisCode = Field(..., description=f"登记地：{choices_text(Basis)}")
    reason: ReasonCode = Field(..., description=f"失业原因：{choices_text(UnemploymentReason)}")
    unemployed_since: dt.date | None = Field(None, description="失业时间，不填为登记日期")
    on: dt.date | None = Field(None, description="登记日期，不填为今天")


class EmploymentIn(Strict):
    person: PersonId
    basis: BasisCode = Field(..., description=f"登记地：{choices_text(Basis)}")
    form: FormCode = Field(..., description=f"就业形式：{choices_text(EmploymentForm)}")
    employer_name: str = Field("", max_length=100, description="就业单位；单位就业必填")
    by_declaration: bool = Field(
        False, description="承诺制登记（灵活就业、自主创业凭本人承诺登记，事后核查）"
    )
    on: dt.date | None = Field(None, description="登记日期，不填为今天")


class CancelIn(Strict):
    reason: str = Field(..., max_length=200, description="注销原因")


class OverturnIn(Strict):
    finding: str = Field(..., max_length=200, description="核查情况")


class ContactIn(Strict):
    channel: ChannelCode = Field(..., description=f"联系方式：{choices_text(ContactChannel)}")
    note: str = Field("", max_length=200, description="联系情况")
    on: dt.date | None = Field(None, description="联系日期，不填为今天")


class ContactOut(Schema):
    id: int
    on: dt.date
    channel: str
    note: str


class StatusChangeIn(Strict):
    kind: str = Field(
        ...,
        max_length=30,
        description="变更事项：started_business 自主创业，entered_school 升学，enlisted 应征入伍，retired 退休，"
        "moved_away 迁出，died 死亡，registered_elsewhere 在异地登记（实现就业请办理就业登记）",
    )
    on: dt.date | None = Field(None, description="日期，不填为今天")
    note: str = Field("", max_length=200, description="说明")


class StatusEventOut(Schema):
    id: int
    kind: str = Field(..., description=f"事项：{choices_text(EventKind)}")
    kind_label: str
    on: dt.date
    note: str
    registration: int | None = None
    recorded_by: str = ""

    @staticmethod
    def resolve_kind_label(obj: StatusEvent) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_registration(obj: StatusEvent) -> int | None:
        return obj.registration_id

    @staticmethod
    def resolve_recorded_by(obj: StatusEvent) -> str:
        return obj.recorded_by.get_username() if obj.recorded_by else ""


class FactsIn(Strict):
    """Only the keys present are changed."""

    retirement_category: CategoryCode = Field(
        "", description=f"退休年龄类别：{choices_text(RetirementCategory)}"
    )
    able_to_work: bool = Field(True, description="有劳动能力")
    disabled: bool = Field(False, description="持有残疾人证")
    low_income: bool = Field(False, description="城乡低保家庭成员")
    poverty_alleviated: bool = Field(False, description="脱贫人口")
    graduated_on: dt.date | None = Field(None, description="高校毕业时间")
    veteran_discharged_on: dt.date | None = Field(None, description="退役时间")
    returned_home_on: dt.date | None = Field(None, description="返乡时间")


class KeyGroupOut(Schema):
    id: int
    person: PersonRef
    group: str = Field(..., description=f"重点群体：{choices_text(KeyGroup)}")
    rule: str = Field(..., description="认定规则")
    evidence: str = Field(..., description="依据")
    since: dt.date
    until: dt.date | None = None
    ended_on: dt.date | None = None


class KeyGroupFiltersIn(Schema):
    group: GroupCode = Field("", description=f"重点群体：{choices_text(KeyGroup)}")
    region: str = Field("", pattern=OPTIONAL_REGION_CODE, description="只看该乡镇（街道）或村（社区）")


class ProfileOut(Schema):
    labour_status: str = Field(..., description=f"就业状态：{choices_text(LabourStatus)}；未采集为空")
    employment_form: str
    employer_name: str
    work_place: str
    unemployment_reason: str
    unemployed_since: dt.date | None
    retirement_category: str
    able_to_work: bool
    disabled: bool
    low_income: bool
    poverty_alleviated: bool
    graduated_on: dt.date | None
    veteran_discharged_on: dt.date | None
    returned_home_on: dt.date | None
    deceased_on: dt.date | None
    certificate_no: str | None


class PersonEmploymentOut(Schema):
    profile: ProfileOut | None
    registrations: list[RegistrationOut]
    key_groups: list[KeyGroupOut]
    timeline: list[StatusEventOut]


class ZeroHouseholdOut(Schema):
    id: int
    household: int
    region_code: str
    head_name: str
    found_on: dt.date
    days_since_found: int
    evidence: str
    cleared_on: dt.date | None
    cleared_evidence: str

    @staticmethod
    def resolve_household(obj: ZeroEmploymentHousehold) -> int:
        return obj.household_id

    @staticmethod
    def resolve_region_code(obj: ZeroEmploymentHousehold) -> str:
        return obj.household.region_code

    @staticmethod
    def resolve_head_name(obj: ZeroEmploymentHousehold) -> str:
        head = obj.household.head
        return head.name if head is not None and head.region_code == obj.household.region_code else ""

    @staticmethod
    def resolve_days_since_found(obj: ZeroEmploymentHousehold) -> int:
        end = obj.cleared_on or timezone.localdate()
        return (end - obj.found_on).days


class ZeroFiltersIn(Schema):
    cleared: bool = Field(False, description="true 看已清零的，默认看未清零的")
    region: str = Field("", pattern=OPTIONAL_REGION_CODE, description="只看该乡镇（街道）或村（社区）")


class SummaryOut(Schema):
    registered_unemployed: int = Field(..., description="登记失业人数（未结束的失业登记）")
    overdue_contacts: int = Field(..., description="超期未联系")
    newly_employed_this_month: int = Field(..., description="本月就业登记")
    zero_households_open: int = Field(..., description="零就业家庭（未清零）")
    zero_households_found_this_month: int
    zero_households_cleared_this_month: int
    key_group_graduate: int
    key_group_hard_to_employ: int
    key_group_veteran: int
    key_group_returned_migrant: int
