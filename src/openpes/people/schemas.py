"""What the API takes and gives for persons and households. Only masked ID numbers and phones go out; the
ciphertext and the look-up hashes never do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Literal

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
from openpes.people.models import Education, Ethnicity, Household, Person, PoliticalStatus, Relation, Sex

SexCode = Annotated[str, one_of(Sex), enum_of(Sex)]
RelationCode = Annotated[str, one_of(Relation), enum_of(Relation)]
RequiredRelationCode = Annotated[str, one_of(Relation, blank=False), enum_of(Relation, blank=False)]
EducationCode = Annotated[str, one_of(Education), enum_of(Education)]
EthnicityCode = Annotated[str, one_of(Ethnicity), enum_of(Ethnicity)]
PoliticalStatusCode = Annotated[str, one_of(PoliticalStatus), enum_of(PoliticalStatus)]


# --- persons ----------------------------------------------------------------------------------------------


class PersonFiltersIn(Schema):
    q: str = Field(
        "", max_length=50, description="姓名、完整身份证号码、身份证号码后四位、脱敏号码或联系电话"
    )
    region: str = Field(
        "", pattern=OPTIONAL_REGION_CODE, description="只看该乡镇（街道）或村（社区），12位区划代码"
    )
    sex: SexCode = Field("", description=f"性别：{choices_text(Sex)}")
    household: int | None = Field(None, ge=1, le=MAX_ID, description="只看该家庭的成员（家庭编号）")


class PersonSearchIn(PersonFiltersIn, Strict):
    """The same filters as a JSON body (POST /persons/search); a misspelt key is refused."""


class PersonCreateIn(Strict):
    name: str = Field(..., max_length=30, description="姓名")
    id_number: str = Field(..., max_length=30, description="公民身份号码（18位）")
    phone: str = Field("", max_length=30, description="联系电话（手机或固定电话），可不填")
    region_code: str = Field(..., pattern=REGION_CODE, description="所在村（社区）的12位区划代码")
    address: str = Field("", max_length=200, description="住址")
    household: int | None = Field(None, ge=1, le=MAX_ID, description="所属家庭编号，可不填")
    relation_to_head: RelationCode = Field("", description=f"与户主关系：{choices_text(Relation)}")
    education: EducationCode = Field("", description=f"文化程度：{choices_text(Education)}")
    ethnicity: EthnicityCode = Field("", description=f"民族（GB/T 3304 代码）：{choices_text(Ethnicity)}")
    political_status: PoliticalStatusCode = Field(
        "", description=f"政治面貌：{choices_text(PoliticalStatus)}"
    )


class PersonPatchIn(Strict):
    """Only the keys present are changed; `phone: ""` removes the phone, `household: null` leaves the
    household."""

    name: str = Field("", max_length=30, description="姓名")
    id_number: str = Field("", max_length=30, description="公民身份号码（18位）")
    phone: str = Field("", max_length=30, description="联系电话；空字符串表示删除")
    region_code: str = Field("", pattern=REGION_CODE, description="所在村（社区）的12位区划代码")
    address: str = Field("", max_length=200, description="住址")
    household: int | None = Field(None, ge=1, le=MAX_ID, description="所属家庭编号；null 表示移出家庭")
    relation_to_head: RelationCode = Field("", description=f"与户主关系：{choices_text(Relation)}")
    education: EducationCode = Field("", description=f"文化程度：{choices_text(Education)}")
    ethnicity: EthnicityCode = Field("", description=f"民族（GB/T 3304 代码）：{choices_text(Ethnicity)}")
    political_status: PoliticalStatusCode = Field(
        "", description=f"政治面貌：{choices_text(PoliticalStatus)}"
    )


class PersonOut(Schema):
    id: int = Field(..., description="编号")
    name: str = Field(..., description="姓名")
    id_number_masked: str = Field(..., description="身份证号码（脱敏）")
    phone_masked: str = Field(..., description="联系电话（脱敏），未登记为空")
    age: int = Field(..., description="年龄（周岁，按出生年月计）；出生日期随完整身份证号码查看，记入日志")
    sex: str = Field(..., description=f"性别：{choices_text(Sex)}")
    region_code: str = Field(..., description="所在村（社区）区划代码")
    address: str = Field(..., description="住址")
    household: int | None = Field(None, description="所属家庭编号")
    relation_to_head: str = Field(..., description="与户主关系代码")
    education: str = Field(..., description="文化程度代码")
    ethnicity: str = Field(..., description="民族代码（GB/T 3304），未填写为空")
    political_status: str = Field(..., description="政治面貌代码")
    created_at: dt.datetime = Field(..., description="登记时间")
    updated_at: dt.datetime = Field(..., description="更新时间")

    @staticmethod
    def resolve_household(obj: Person) -> int | None:
        return obj.household_id


class RevealIn(Strict):
    field: Literal["id_number", "phone"] = Field(
        ..., description="要查看的项：id_number 身份证号码，phone 联系电话"
    )
    reason: str = Field(..., max_length=200, description="查看事由（至少2个字），记入个人信息查看日志")


class RevealOut(Schema):
    value: str = Field(..., description="完整值；请勿保存或转发")


# --- households -------------------------------------------------------------------------------------------


class HouseholdFiltersIn(Schema):
    q: str = Field("", max_length=50, description="户主姓名或身份证号码、住址")
    closed: bool = Field(False, description="true：只列已注销的家庭")
    region: str = Field(
        "", pattern=OPTIONAL_REGION_CODE, description="只看该乡镇（街道）或村（社区），12位区划代码"
    )


class HouseholdCreateIn(Strict):
    region_code: str = Field(..., pattern=REGION_CODE, description="所在村（社区）的12位区划代码")
    address: str = Field("", max_length=200, description="住址")


class HouseholdPatchIn(Strict):
    """Only the keys present are changed."""

    region_code: str = Field("", pattern=REGION_CODE, description="所在村（社区）的12位区划代码")
    address: str = Field("", max_length=200, description="住址")
    head: int | None = Field(
        None, ge=1, le=MAX_ID, description="户主的劳动者编号（须是本户成员）；null 表示不设户主"
    )


class MemberIn(Strict):
    person: int = Field(..., ge=1, le=MAX_ID, description="劳动者编号")
    relation_to_head: RequiredRelationCode = Field(..., description=f"与户主关系：{choices_text(Relation)}")
    confirm_move: bool = Field(
        False,
        description="此人已属于另一户时须为 true：确认把此人从原家庭移出；为 false 时返回 422，"
        "confirm_move 字段的提示写明原家庭",
    )


class ReasonIn(Strict):
    reason: str = Field(..., max_length=200, description="原因（至少2个字），记入操作日志")


class MemberOut(Schema):
    id: int = Field(..., description="劳动者编号")
    name: str = Field(..., description="姓名")
    id_number_masked: str = Field(..., description="身份证号码（脱敏）")
    sex: str = Field(..., description="性别")
    age: int = Field(..., description="年龄（周岁，按出生年月计）")
    relation_to_head: str = Field(..., description="与户主关系代码")


def visible_head(household: Household) -> tuple[int, str] | None:
    """The head's id and name, if the caller may see them, as the selectors annotate them (`visible_head_id`,
    `head_name`: scoped, and no query per row). A household not fetched through them shows no head."""
    head_id = getattr(household, "visible_head_id", None)
    return (head_id, getattr(household, "head_name", "")) if head_id else None


class HouseholdOut(Schema):
    id: int = Field(..., description="家庭编号")
    region_code: str = Field(..., description="所在村（社区）区划代码")
    address: str = Field(..., description="住址")
    head: int | None = Field(None, description="户主的劳动者编号")
    head_name: str = Field("", description="户主姓名")
    member_count: int = Field(0, description="成员人数（辖区内的）")
    closed_at: dt.datetime | None = Field(None, description="注销时间；未注销为 null")
    closed_reason: str = Field("", description="注销原因")
    created_at: dt.datetime = Field(..., description="创建时间")
    updated_at: dt.datetime = Field(..., description="更新时间")

    @staticmethod
    def resolve_head(obj: Household) -> int | None:
        head = visible_head(obj)
        return head[0] if head is not None else None

    @staticmethod
    def resolve_head_name(obj: Household) -> str:
        head = visible_head(obj)
        return head[1] if head is not None else ""

    @staticmethod
    def resolve_member_count(obj: Household) -> int:
        return int(getattr(obj, "member_count", 0))


class HouseholdDetailOut(HouseholdOut):
    members: list[MemberOut] = Field(..., description="成员（辖区内的）")

    @staticmethod
    def resolve_member_count(obj: Household) -> int:
        return len(obj.visible_members)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_members(obj: Household) -> list[Person]:
        return obj.visible_members  # type: ignore[attr-defined]

    @classmethod
    def build(cls, household: Household, members: Iterable[Person]) -> Household:
        """The household with only the members the actor may see: a selector's answer, never the plain
        `household.members` (a county officer may have put someone from another township in it)."""
        household.visible_members = list(members)  # type: ignore[attr-defined]
        return household
