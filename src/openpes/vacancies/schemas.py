"""What the API takes and gives for vacancies: the raw fields as received, the normalised fields with their
reasons, the screening flags with their explanations and the law, and the review state."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema

from openpes.core.schemas import MAX_ID, OPTIONAL_REGION_CODE, Strict, choices_text, enum_of, one_of
from openpes.people.models import Education
from openpes.vacancies.choices import Channel, VacancyStatus, WorkType
from openpes.vacancies.models import DuplicateStatus, Vacancy, VacancySource
from openpes.vacancies.search import SearchQuery, Sort
from openpes.vacancies.search.engine import MAX_COUNT, MAX_PAGE_SIZE
from openpes.vacancies.services import CORRECTABLE

StatusCode = Annotated[str, one_of(VacancyStatus), enum_of(VacancyStatus)]
ChannelCode = Annotated[str, one_of(Channel), enum_of(Channel)]
STAFF_CHANNELS = "staff（经办人员录入，默认）、file（批量导入）、partner（合作系统）"


class VacancyFiltersIn(Schema):
    q: str = Field("", max_length=50, description="职位名称或单位名称（部分）")
    status: StatusCode = Field("", description=f"状态：{choices_text(VacancyStatus)}")
    region: str = Field("", pattern=OPTIONAL_REGION_CODE, description="只看该区划内的岗位，12位区划代码")
    employer: int | None = Field(None, ge=1, le=MAX_ID, description="只看该用人单位（编号）的岗位")
    channel: ChannelCode = Field("", description=f"来源渠道：{choices_text(Channel)}")
    occupation: str = Field("", max_length=10, description="职业代码或其开头（如 4-03）")
    flagged: bool | None = Field(None, description="true 只看有筛查提示的，false 只看没有的")


class _RawFields(Strict):
    pay_text: str = Field("", max_length=100, description="薪资待遇，照原文（如“8千-1.2万/月”“面议”）")
    place_text: str = Field("", max_length=200, description="工作地点，照原文")
    education_text: str = Field("", max_length=50, description="学历要求，照原文")
    experience_text: str = Field("", max_length=50, description="经验要求，照原文")
    description: str = Field("", max_length=5000, description="职位描述")
    industry_text: str = Field("", max_length=100, description="行业，照原文")
    contact_text: str = Field("", max_length=200, description="联系方式")
    headcount: int | None = Field(None, ge=1, le=100_000, description="招聘人数")
    valid_until: dt.date | None = Field(None, description="有效期至；不填为60天，最长365天")


class VacancyCreateIn(_RawFields):
    employer: int = Field(..., ge=1, le=MAX_ID, description="用人单位编号（辖区内的）")
    title: str = Field(..., max_length=100, description="职位名称")
    channel: str = Field("staff", pattern="^(staff|file|partner)$", description=f"来源渠道：{STAFF_CHANNELS}")


class VacancyPatchIn(_RawFields):
    """Only the keys present are changed; the vacancy is normalised and screened again, and a published one
    goes back to review."""

    title: str = Field("", max_length=100, description="职位名称")


EXTERNAL_ID = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
EXTERNAL_ID_TEXT = (
    "合作系统自己的岗位编号：1–64位字母、数字或 . _ : -，以字母或数字开头；同一编号再次提交即修改该岗位"
)
CREDIT_CODE_TEXT = "用人单位的统一社会信用代码（18位）；该单位须已在贵系统服务的区划内登记"


class PartnerVacancyIn(_RawFields):
    external_id: str = Field(..., pattern=EXTERNAL_ID, description=EXTERNAL_ID_TEXT)
    employer_credit_code: str = Field(..., max_length=30, description=CREDIT_CODE_TEXT)
    title: str = Field(..., max_length=100, description="职位名称")


class PartnerVacancyPutIn(_RawFields):
    """Every field at once: a field left out is emptied (valid_until back to 60 days from today)."""

    employer_credit_code: str = Field(..., max_length=30, description=CREDIT_CODE_TEXT + "，须与原岗位相同")
    title: str = Field(..., max_length=100, description="职位名称")


class PartnerVacancyFiltersIn(Schema):
    status: StatusCode = Field("", description=f"只看该状态的岗位：{choices_text(VacancyStatus)}")


class ReviewIn(Strict):
    approve: bool = Field(..., description="true 通过并发布；false 不通过（须写明原因，单位将看到）")
    reason: str = Field("", max_length=200, description="审核意见；不通过时必填")


class WithdrawIn(Strict):
    reason: str = Field("", max_length=200, description="撤回原因（如“已招满”）")


class CorrectionIn(Strict):
    field: str = Field(..., pattern="^(" + "|".join(CORRECTABLE) + ")$", description="更正的字段")
    value: str = Field("", max_length=100, description="更正为（职业填大典代码，工作地点填12位区划代码）")
    note: str = Field("", max_length=200, description="说明")


class LawOut(Schema):
    law: str = Field(..., description="法律法规名称")
    article: str = Field(..., description="条款")
    gist: str = Field("", description="条款要点")


class ClearedOut(Schema):
    at: dt.datetime = Field(..., description="核实排除的时间")
    reason: str = Field(..., description="审核人员写明的核实排除理由")


class ScreeningFlagOut(Schema):
    kind: str = Field(..., description="discrimination 就业歧视；fraud 虚假招聘风险")
    code: str = Field(..., description="规则编号")
    severity: str = Field(..., description="block 须修改（不能发布）；review 需人工核实")
    field: str = Field(..., description="所在字段：title、description、contact 或 pay")
    start: int | None = Field(None, description="在该字段原文中的起始位置")
    end: int | None = Field(None, description="结束位置")
    text: str = Field(..., description="原文中的相关文字")
    explanation: str = Field(..., description="原因")
    laws: list[LawOut] = Field(..., description="违反的法律法规条款")
    exception: str | None = Field(None, description="可能的例外及其依据")
    cleared: ClearedOut | None = Field(
        None, description="须修改的提示经审核人员核实排除（不再阻止提交和发布）时的时间和理由；原文改动后失效"
    )


class RawPostingOut(Schema):
    """A posting's text as a channel sent it (models.RawPosting): the vacancy's current text and each of
    its sources."""

    title: str = Field(..., description="职位名称（原文）")
    pay_text: str = Field(..., description="薪资待遇（原文）")
    place_text: str = Field(..., description="工作地点（原文）")
    education_text: str = Field(..., description="学历要求（原文）")
    experience_text: str = Field(..., description="经验要求（原文）")
    description: str = Field(..., description="职位描述（原文）")
    industry_text: str = Field(..., description="行业（原文）")
    contact_text: str = Field(..., description="联系方式（原文）")
    headcount: int | None = Field(None, description="招聘人数")


# Pydantic lists a schema's fields from its last base to its first, then its own. The fields a schema shows
# before the raw text come from a second base listed after RawPostingOut, so that answers and the API
# document keep their order: the vacancy's id first, the channel before the text.


class _VacancyHead(Schema):
    id: int = Field(..., description="编号")
    employer: int = Field(..., description="用人单位编号")
    employer_name: str = Field(..., description="单位名称")
    channel: str = Field(..., description=f"来源渠道：{choices_text(Channel)}")


class VacancyOut(RawPostingOut, _VacancyHead):
    occupation_code: str = Field(..., description="职业代码（职业分类大典2022）")
    occupation_name: str = Field(..., description="职业名称")
    occupation_candidates: list[str] = Field(..., description="候选职业代码，最可能的在前")
    occupation_confidence: float | None = Field(None, description="职业识别的把握（0–1；更正后为1）")
    pay_min: int | None = Field(None, description="月薪下限（元）")
    pay_max: int | None = Field(None, description="月薪上限（元）")
    pay_period: str = Field(..., description="原文的计薪方式：month、year、day、hour、week、piece")
    pay_months: int | None = Field(None, description="每年发薪月数（如13薪）")
    pay_negotiable: bool = Field(..., description="薪资面议")
    place_code: str = Field(..., description="识别出的工作地点区划代码（可能在本地区划表之外）")
    place_name: str = Field(..., description="识别出的工作地点名称")
    region_code: str = Field(
        ..., description="所属区划：工作地点在本系统区划表内（县级或更细）时为工作地点，否则为单位所在地"
    )
    education_min: str = Field(..., description="最低学历代码（GB/T 4658 分组）")
    experience_min_years: int | None = Field(None, description="最低工作年限")
    work_type: str = Field(..., description="full_time、part_time、gig、internship")
    flags: list[str] = Field(..., description="识别时需人工核实的项")
    reasons: str = Field(..., description="识别依据")
    screening_flags: list[ScreeningFlagOut] = Field(..., description="筛查提示")
    status: str = Field(..., description=f"状态：{choices_text(VacancyStatus)}")
    status_reason: str = Field(..., description="审核意见或撤回原因")
    submitted_at: dt.datetime | None = Field(None, description="提交审核时间")
    reviewed_at: dt.datetime | None = Field(None, description="审核时间")
    published_at: dt.datetime | None = Field(None, description="发布时间")
    valid_until: dt.date = Field(..., description="有效期至")
    reposts: int | None = Field(None, description="重新发布自（岗位编号）")
    merged_into: int | None = Field(None, description="与该岗位重复，已合并到该岗位（编号）；本岗位已撤回")
    created_at: dt.datetime = Field(..., description="登记时间")
    updated_at: dt.datetime = Field(..., description="更新时间")

    @staticmethod
    def resolve_employer(obj: Vacancy) -> int:
        return obj.employer_id

    @staticmethod
    def resolve_employer_name(obj: Vacancy) -> str:
        return obj.employer.name

    @staticmethod
    def resolve_reposts(obj: Vacancy) -> int | None:
        return obj.reposts_id

    @staticmethod
    def resolve_merged_into(obj: Vacancy) -> int | None:
        return obj.merged_into_id

    @staticmethod
    def resolve_screening_flags(obj: Vacancy) -> list[dict[str, Any]]:
        return list(obj.screening_flags)


class _SourceHead(Schema):
    channel: str = Field(..., description=f"来源渠道：{choices_text(Channel)}")
    external_ref: str = Field(..., description="合作系统或导入文件中的编号")


class SourceOut(RawPostingOut, _SourceHead):
    """One posting of the vacancy as a channel sent it (the first at creation, one more per duplicate
    merged into it)."""

    valid_until: dt.date | None = Field(None, description="有效期至")
    received_at: dt.datetime = Field(..., description="收到时间")
    merged_from: int | None = Field(None, description="由经办人员从该岗位（编号）合并过来")
    note: str = Field(..., description="说明（如收到时自动合并的依据）")

    @staticmethod
    def resolve_merged_from(obj: VacancySource) -> int | None:
        return obj.merged_from_id


class DuplicateOut(Schema):
    """A probable duplicate: the other vacancy of the pair and why, and what staff decided."""

    id: int = Field(..., description="提示编号")
    vacancy: int = Field(..., description="可能重复的另一个岗位（编号）")
    title: str = Field(..., description="该岗位的职位名称")
    vacancy_status: str = Field(..., description=f"该岗位的状态：{choices_text(VacancyStatus)}")
    score: float = Field(..., description="描述相似度（0–1）")
    certain: bool = Field(..., description="文字相同（仅标点、空格、语序、全半角或人数、有效期不同）")
    reasons: str = Field(..., description="依据")
    decision: str = Field(..., description=f"处理结果：{choices_text(DuplicateStatus)}")
    decided_at: dt.datetime | None = Field(None, description="处理时间")
    note: str = Field(..., description="处理说明")


class VacancyDetailOut(VacancyOut):
    sources: list[SourceOut] = Field(..., description="来源：每个渠道收到的原文")
    duplicates: list[DuplicateOut] = Field(..., description="疑似重复的岗位（本人辖区内可见的）")
    reposted_as: list[int] = Field(..., description="重新发布为（后来的岗位编号）")
    intake: str = Field(
        "", description="登记时的查重结果说明（如“该岗位与已有岗位#N重复，已合并为同一岗位的来源”）"
    )

    # The handler puts these on the vacancy (vacancies.api._detailed): they depend on who asks.
    @staticmethod
    def resolve_sources(obj: Any) -> list[VacancySource]:
        return list(obj.detail_sources)

    @staticmethod
    def resolve_duplicates(obj: Any) -> list[dict[str, Any]]:
        return [
            {
                "id": row.candidate.pk,
                "vacancy": row.other.pk,
                "title": row.other.title,
                "vacancy_status": row.other.status,
                "score": row.candidate.score,
                "certain": row.candidate.certain,
                "reasons": row.candidate.reasons,
                "decision": row.candidate.status,
                "decided_at": row.candidate.decided_at,
                "note": row.candidate.note,
            }
            for row in obj.detail_duplicates
        ]

    @staticmethod
    def resolve_reposted_as(obj: Any) -> list[int]:
        return list(obj.detail_reposted_as)

    @staticmethod
    def resolve_intake(obj: Any) -> str:
        return str(getattr(obj, "intake", ""))


class PartnerVacancyOut(VacancyOut):
    """A partner's vacancy: what it sent, how it was read, the screening flags and the review state with
    the reviewer's reason."""

    external_id: str = Field(..., description="合作系统自己的岗位编号")
    employer_credit_code: str = Field(..., description="用人单位统一社会信用代码")

    @staticmethod
    def resolve_employer_credit_code(obj: Vacancy) -> str:
        return obj.employer.uscc


EducationCode = Annotated[str, one_of(Education), enum_of(Education)]
WorkTypeCode = Annotated[str, one_of(WorkType), enum_of(WorkType)]
SORTS = "、".join(f"{code}（{label}）" for code, label in Sort.CHOICES)


class JobSearchIn(Schema):
    q: str = Field(
        "",
        max_length=50,
        description="关键词：职位名称、职业、单位、描述；常见职位名称的同义词一并查找（如 司机/驾驶员）",
    )
    region: str = Field("", pattern=OPTIONAL_REGION_CODE, description="工作地点在该区划内，12位区划代码")
    occupation: str = Field(
        "", max_length=10, pattern=r"^[0-9-]*$", description="职业代码或其开头（如 4-03）"
    )
    industry: str = Field(
        "", max_length=5, pattern=r"^[A-T0-9]*$", description="单位行业代码或其开头（GB/T 4754，如 C、C13）"
    )
    pay_min: int | None = Field(
        None, ge=0, le=1_000_000, description="月薪不低于（元）：岗位薪资范围与所填范围有交集"
    )
    pay_max: int | None = Field(None, ge=0, le=1_000_000, description="月薪不高于（元）")
    education_max: EducationCode = Field(
        "", description=f"求职者学历：只看要求不高于该学历或不限学历的岗位；{choices_text(Education)}"
    )
    work_type: WorkTypeCode = Field("", description=f"工作类型：{choices_text(WorkType)}")
    posted_within_days: int | None = Field(None, ge=1, le=365, description="最近几天内发布")
    sort: str = Field(
        Sort.RELEVANCE,
        pattern=f"^({'|'.join(code for code, _ in Sort.CHOICES)})$",
        description=f"排序：{SORTS}",
    )
    page: int = Field(1, ge=1, le=500, description="第几页")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数（1–{MAX_PAGE_SIZE}）")

    def query(self, **overrides: Any) -> SearchQuery:
        return SearchQuery(**(self.model_dump() | overrides))


class JobOut(Schema):
    """A published vacancy as the public sees it: the posting and the employer's name, nothing internal."""

    id: int = Field(..., description="岗位编号")
    title: str = Field(..., description="职位名称")
    employer_name: str = Field(..., description="单位名称")
    description: str = Field(..., description="职位描述")
    pay_min: int | None = Field(None, description="月薪下限（元）")
    pay_max: int | None = Field(None, description="月薪上限（元）")
    pay_negotiable: bool = Field(..., description="薪资面议")
    pay_text: str = Field(..., description="薪资待遇（原文）")
    region_code: str = Field(..., description="工作地点区划代码")
    place_text: str = Field(..., description="工作地点（原文）")
    occupation_code: str = Field(..., description="职业代码（职业分类大典2022）")
    occupation_name: str = Field(..., description="职业名称")
    education_min: str = Field(..., description="最低学历代码")
    experience_min_years: int | None = Field(None, description="最低工作年限")
    work_type: str = Field(..., description="full_time、part_time、gig、internship")
    headcount: int | None = Field(None, description="招聘人数")
    published_at: dt.datetime | None = Field(None, description="发布时间")
    valid_until: dt.date = Field(..., description="有效期至")

    @staticmethod
    def resolve_employer_name(obj: Vacancy) -> str:
        return obj.employer.name


class JobPageOut(Schema):
    items: list[JobOut]
    count: int = Field(..., description=f"符合条件的岗位数，最多计到{MAX_COUNT}")
    more: bool = Field(..., description=f"符合条件的岗位超过{MAX_COUNT}个")
    page: int = Field(..., description="第几页")
    pages: int = Field(..., description="总页数")


class VacancySearchPageOut(Schema):
    items: list[VacancyOut]
    count: int = Field(..., description=f"符合条件的岗位数，最多计到{MAX_COUNT}")
    more: bool = Field(..., description=f"符合条件的岗位超过{MAX_COUNT}个")
    page: int = Field(..., description="第几页")
    pages: int = Field(..., description="总页数")
