"""What a posting asks of applicants — minimum education, minimum years of experience — and its work type.

Each reader comes in two forms: `read_*` returns the value with a Chinese reason a clerk can check, and
`parse_*` returns the value alone.

Education is the minimum as a code of `openpes.people.models.Education` (GB/T 4658 groups), so that a
vacancy's requirement compares directly with a job seeker's record. When a posting names alternatives
("高中/中专") the lowest code is kept, so that no one the employer would accept is filtered out; "初中及以下"
sets no floor above the lowest group and is read as "10".

Work types, as this module defines them (issue 9 leaves the line to us):
- internship: the posting says it is one (实习, 见习, 实训, intern) in the title or the pay text, or its
  description declares it ("岗位性质：实习", "本职位为暑期实习生岗位", "实习后有机会留任"), or it pays by the
  day and asks for students (在校生, 应届生, 校招): that is how sites list student internships. "可实习" or
  "接受实习生" only says that interns may apply to a regular job, and does not make it an internship.
- gig: work taken job by job, with no continuing schedule — 日结, 临时工, 零工, 短期工, 众包, 寒暑假工, or pay by
  the day or by the piece.
- part_time: a continuing job of fewer hours — 兼职, 小时工, 钟点工, or pay by the hour.
- full_time: everything else, and postings open to both ("全职/兼职均可").
Internship wins over everything (an intern paid by the day is still an intern); gig words win over part-time
words ("兼职日结" is paid and ended day by day); words in the title win over the pay period ("代码整理（兼职）
150元/天" is part-time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from openpes.vacancies.normalise.numerals import read_amount, to_half_width
from openpes.vacancies.normalise.pay import parse_pay

Value = TypeVar("Value")
WorkType = Literal["full_time", "part_time", "gig", "internship"]


@dataclass(frozen=True, slots=True)
class Reading(Generic[Value]):
    """A value read from a posting and the reason, in Chinese, why it was read so.

    `understood` is False when the text says something the reader could not make out (a clerk should look);
    a value of None with `understood` True means the text sets no requirement ("学历不限") or is empty.
    """

    value: Value
    reason: str
    understood: bool = True


# The codes and labels of openpes.people.models.Education, copied because this module may not import Django;
# tests/vacancies/test_requirements.py fails if the two drift apart.
EDUCATION_LEVELS: dict[str, str] = {
    "10": "小学及以下",
    "20": "初中",
    "30": "普通高中",
    "40": "中专/中技/职高",
    "50": "大学专科",
    "60": "大学本科",
    "70": "研究生",
}
LOWEST_EDUCATION = min(EDUCATION_LEVELS)

# Words employers and sites use for each level; longer words first where one contains another.
EDUCATION_WORDS: tuple[tuple[str, str], ...] = (
    ("博士后", "70"),
    ("博士", "70"),
    ("硕士", "70"),
    ("研究生", "70"),
    ("emba", "70"),
    ("mba", "70"),
    ("mpa", "70"),
    ("master", "70"),
    ("phd", "70"),
    ("本科", "60"),
    ("学士", "60"),
    ("bachelor", "60"),
    ("985", "60"),
    ("211", "60"),
    ("大专", "50"),
    ("专科", "50"),
    ("高职", "50"),
    ("中专", "40"),
    ("中技", "40"),
    ("职高", "40"),
    ("技校", "40"),
    ("中职", "40"),
    ("中师", "40"),
    ("职校", "40"),
    ("高中", "30"),
    ("初中", "20"),
    ("小学", "10"),
)
EDUCATION_PATTERN = re.compile("|".join(re.escape(word) for word, _ in EDUCATION_WORDS))
EDUCATION_BY_WORD = dict(EDUCATION_WORDS)
NO_EDUCATION_REQUIREMENT = re.compile("不限|无要求|不要求|无学历|没有要求|均可")
AT_MOST = re.compile("及以下|以下")


def read_education(text: str) -> Reading[str | None]:
    """The minimum education a posting asks for, as an Education code, or None when it sets none."""
    folded = to_half_width(text).strip()
    if not folded:
        return Reading(None, "未写学历要求")
    words = EDUCATION_PATTERN.findall(folded)
    if not words:
        if NO_EDUCATION_REQUIREMENT.search(folded):
            return Reading(None, f"“{text.strip()}”：学历不限")
        return Reading(None, f"未能识别学历要求：{text.strip()}", understood=False)
    codes = {EDUCATION_BY_WORD[word] for word in words}
    lowest = min(codes)
    if AT_MOST.search(folded):
        return Reading(
            LOWEST_EDUCATION, f"“{text.strip()}”：只有上限，最低按{EDUCATION_LEVELS[LOWEST_EDUCATION]}"
        )
    if len(codes) > 1:
        return Reading(lowest, f"“{text.strip()}”：几种学历均可，取最低的{EDUCATION_LEVELS[lowest]}")
    return Reading(lowest, f"“{text.strip()}”：{EDUCATION_LEVELS[lowest]}")


def parse_education(text: str) -> str | None:
    """The minimum education as an Education code ("50" for 大专及以上), or None when none is set."""
    return read_education(text).value


NO_EXPERIENCE_NEEDED = re.compile(
    "不限|无需|不需|无工作经验|无经验|零经验|0经验|应届|在校|毕业生|不要求|无要求|可无|小白"
)
EXPERIENCE_FIGURE = re.compile(
    r"(?P<low>[0-9.一二两三四五六七八九十]+)(?:(?:-|至|到)(?P<high>[0-9.一二两三四五六七八九十]+))?"
    r"\s*(?P<unit>年|个月|月)(?P<half>半)?(?P<rest>.{0,4})"
)
EXPERIENCE_PREFERRED = re.compile("优先|者佳|更佳|为佳")
EXPERIENCE_CEILING = re.compile("^(?:工作经验|经验)?(?:及以下|以下|以内|内)")
MONTHS_PER_YEAR = 12
LONGEST_CAREER_YEARS = 50


def read_experience(text: str) -> Reading[int | None]:
    """The minimum whole years of experience asked for; 0 when none is needed, None when the text says nothing.

    Part years round down ("半年" is 0, "一年半" is 1): the minimum must not shut out anyone the employer meant.
    """
    folded = to_half_width(text).strip()
    if not folded:
        return Reading(None, "未写经验要求")
    if re.search("半年", folded) and not re.search(r"[0-9一二两三四五六七八九十]年", folded):
        return Reading(0, f"“{text.strip()}”：不足一年，按0年计")
    for match in EXPERIENCE_FIGURE.finditer(folded):
        low = read_amount(match.group("low").strip("."))
        if low is None or low.value > LONGEST_CAREER_YEARS:
            continue  # "2024年毕业" is a year, not a length of experience
        if EXPERIENCE_CEILING.match(match.group("rest")):
            return Reading(0, f"“{text.strip()}”：只有上限，最低0年")
        months = low.value * MONTHS_PER_YEAR if match.group("unit") == "年" else low.value
        years = int(months // MONTHS_PER_YEAR)
        return Reading(years, f"“{text.strip()}”：至少{years}年")
    if NO_EXPERIENCE_NEEDED.search(folded):
        return Reading(0, f"“{text.strip()}”：不需要经验，按0年计")
    if EXPERIENCE_PREFERRED.search(folded):
        return Reading(0, f"“{text.strip()}”：有经验优先，并非必需，按0年计")
    return Reading(None, f"未能识别经验要求：{text.strip()}", understood=False)


def parse_experience(text: str) -> int | None:
    """The minimum years of experience (3 for "3-4年工作经验", 0 for "无需经验"), or None when not stated."""
    return read_experience(text).value


INTERNSHIP_WORDS = re.compile(r"实习|见习|实训|\bintern(?:ship)?s?\b")
INTERNS_ALSO_WELCOME = re.compile(
    r"(?:可|也可|亦可|接受|欢迎)(?:应届生?)?实习(?:生)?(?:也可|亦可|均可)?|实习生(?:也可|亦可|均可)"
)
DECLARED_INTERNSHIP = re.compile(
    r"(?:岗位|职位|工作|用工)(?:性质|类型)[:：]?\s*(?:为)?\s*实习"
    r"|(?:本|此|该)(?:岗位|职位)(?:属于|为|是)[^，。；,;]{0,8}实习"
    r"|实习(?:单位|地点|方式|岗位)[:：\s]"
    r"|实习(?:结束)?后[^，。；,;]{0,8}(?:转正|留任|留用)"
)
STUDENTS = re.compile("在校|应届|校招|校园招聘|学生")
GIG_WORDS = re.compile("日结|临时工|临时|零工|短期工|短期|众包|寒假工|暑假工|寒暑假工|按单结算|单结")
PART_TIME_WORDS = re.compile("兼职|小时工|钟点工|part-?time")
DECLARED_GIG = re.compile(r"(?:本|此|该)(?:岗位|职位)(?:属于|为|是)[^，。；,;]{0,8}(?:临时工|零工|日结)")
DECLARED_PART_TIME = re.compile(r"(?:岗位|职位|工作|用工)(?:性质|类型)[:：]?\s*(?:为)?\s*兼职")


def read_work_type(
    title: str, description: str, pay_text: str, experience_text: str = ""
) -> Reading[WorkType]:
    """full_time, part_time, gig or internship, by the rules in the module docstring."""
    said = INTERNS_ALSO_WELCOME.sub("", to_half_width(f"{title} {pay_text}"))
    described = INTERNS_ALSO_WELCOME.sub("", to_half_width(description))
    period = parse_pay(pay_text).period
    if INTERNSHIP_WORDS.search(said):
        return Reading("internship", "标题或薪资写明实习")
    if DECLARED_INTERNSHIP.search(described):
        return Reading("internship", "岗位描述写明实习")
    if period == "day" and STUDENTS.search(f"{title} {experience_text}"):
        return Reading("internship", "按天计酬且招在校生或应届生，按实习")
    if GIG_WORDS.search(said):
        return Reading("gig", "写明日结、临时或短期")
    if PART_TIME_WORDS.search(said):
        if "全职" in said:
            return Reading("full_time", "全职兼职均可，按全职")
        return Reading("part_time", "写明兼职或小时工")
    if DECLARED_GIG.search(described):
        return Reading("gig", "岗位描述写明临时工")
    if DECLARED_PART_TIME.search(described):
        return Reading("part_time", "岗位描述写明兼职")
    if period in ("day", "piece"):
        return Reading("gig", "按天或按件计酬")
    if period == "hour":
        return Reading("part_time", "按小时计酬")
    return Reading("full_time", "未写兼职、实习或临时，按全职")


def parse_work_type(title: str, description: str, pay_text: str, experience_text: str = "") -> WorkType:
    """The work type of a posting: "full_time", "part_time", "gig" or "internship"."""
    return read_work_type(title, description, pay_text, experience_text).value
