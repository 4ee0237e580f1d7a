"""Pure rules of employment registration: ages, who may register, key groups, tiers, zero-employment
households. No Django and no ORM: services gather the facts, these functions decide and say why in Chinese.

Status and group values are the stored codes of `employment.choices`; tests/employment/test_rules.py checks
that the two agree."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

MIN_WORKING_AGE = 16

EMPLOYED = "employed"
UNEMPLOYED = "unemployed"
STUDENT = "student"
RETIRED = "retired"
ENLISTED = "enlisted"
UNABLE = "unable"
NOT_SEEKING = "not_seeking"

GRADUATE = "graduate"
HARD_TO_EMPLOY = "hard_to_employ"
VETERAN = "veteran"
RETURNED_MIGRANT = "returned_migrant"
ZERO_EMPLOYMENT_HOUSEHOLD = "zero_household"


# --- Ages -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetirementScheme:
    """One line of the 2024 NPC Standing Committee decision on raising the statutory retirement age (in
    force from 2025-01-01): from the first reformed birth cohort on, every `months_per_step` months of birth
    delay retirement by one more month, up to `max_delay_months`."""

    label: str
    original_years: int
    first_cohort: dt.date
    months_per_step: int
    max_delay_months: int


RETIREMENT_SCHEMES: dict[str, RetirementScheme] = {
    "male": RetirementScheme("男职工（原60周岁）", 60, dt.date(1965, 1, 1), 4, 36),
    "female_55": RetirementScheme("女职工（原55周岁）", 55, dt.date(1970, 1, 1), 4, 36),
    "female_50": RetirementScheme("女职工（原50周岁）", 50, dt.date(1975, 1, 1), 2, 60),
}


def _months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def retirement_age(birth: dt.date, category: str) -> tuple[int, int]:
    """The statutory retirement age (years, months) of a person born in `birth`'s month.

    Men born 1965-01..04 retire at 60 years 1 month, men born 1976-09 or later at 63; women whose original
    age was 50 are delayed one month every two months of birth, reaching 55 for those born 1984-11 on."""
    try:
        scheme = RETIREMENT_SCHEMES[category]
    except KeyError:
        raise ValueError(f"未知的退休年龄类别：{category}（可选：{'、'.join(RETIREMENT_SCHEMES)}）") from None
    cohort = _months_between(scheme.first_cohort, birth)
    delay = 0 if cohort < 0 else min(cohort // scheme.months_per_step + 1, scheme.max_delay_months)
    years, months = divmod(scheme.original_years * 12 + delay, 12)
    return years, months


@functools.lru_cache(maxsize=8192)  # a survey asks it of every member; birth months × categories are few
def retirement_month(birth_month: dt.date, category: str) -> dt.date:
    """The first day of the month in which the person reaches the statutory retirement age."""
    years, months = retirement_age(birth_month, category)
    return _add_months(birth_month.replace(day=1), years * 12 + months)


def default_retirement_category(sex: str) -> str:
    """Without a recorded category, women count with the original age of 55: the working-age bound that
    labour statistics use (劳动年龄人口: women 16–54), and the age of flexible workers insured as
    individuals. An office records `female_50` for women in worker posts."""
    return "male" if sex == "M" else "female_55"


def age_in_years(birth_month: dt.date, on: dt.date) -> int:
    return on.year - birth_month.year - (on.month < birth_month.month)


def reached_age(birth_month: dt.date, years: int) -> dt.date:
    return _add_months(birth_month.replace(day=1), years * 12)


def is_working_age(birth_month: dt.date, category: str, on: dt.date) -> bool:
    return reached_age(birth_month, MIN_WORKING_AGE) <= on < retirement_month(birth_month, category)


# --- Facts and parameters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    """What the rules know of one person on one day. Gathered by the services from the registry, the
    employment profile and the registrations."""

    birth_month: dt.date
    sex: str
    retirement_category: str = ""
    labour_status: str = ""
    able_to_work: bool = True
    deceased: bool = False
    unemployed_since: dt.date | None = None
    disabled: bool = False
    low_income: bool = False
    poverty_alleviated: bool = False
    veteran_discharged_on: dt.date | None = None
    graduated_on: dt.date | None = None
    returned_home_on: dt.date | None = None
    in_zero_employment_household: bool = False
    open_unemployment_certificate: str = ""  # the number of an open unemployment registration, if any
    open_employment: bool = False

    @property
    def category(self) -> str:
        return self.retirement_category or default_retirement_category(self.sex)


HARD_TO_EMPLOY_CATEGORIES = {
    "older": "大龄（女40周岁、男50周岁以上）",
    "long_term": "长期失业",
    "disabled": "残疾人",
    "zero_household": "零就业家庭成员",
    "low_income": "城乡低保家庭成员",
    "poverty_alleviated": "脱贫人口",
}


@dataclass(frozen=True)
class Parameters:
    """The rule parameters an office may set for its region (employment.RuleParameters); these are the
    defaults. Each comes from the seeds or national practice, as its comment says."""

    # 毕业年度及离校2年内 (seed 001 on graduates' services).
    graduate_window_years: int = 2
    # 4050 人员: women from 40, men from 50.
    older_female_age: int = 40
    older_male_age: int = 50
    # 连续失业一年以上 counts as long-term unemployment.
    long_term_unemployed_days: int = 365
    # Which categories this office counts as 就业困难人员 (defined locally, seed 001).
    hard_to_employ: tuple[str, ...] = tuple(HARD_TO_EMPLOY_CATEGORIES)
    # Veterans stay a key group this many years after discharge; 0 means for as long as they are of age.
    veteran_window_years: int = 0
    returned_migrant_window_years: int = 1
    # 分级分类服务: days between contacts per tier.
    contact_interval_days: Mapping[str, int] = field(default_factory=lambda: {"A": 15, "B": 30, "C": 90})
    # 就业创业证 number: county code, year, serial.
    certificate_format: str = "{county}{year}{serial:06d}"

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Parameters:
        """Defaults overlaid with an office's stored values; unknown keys are refused, not ignored."""
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"未知的规则参数：{'、'.join(sorted(unknown))}")
        values = dict(data)
        if "hard_to_employ" in values:
            values["hard_to_employ"] = tuple(values["hard_to_employ"])
        return replace(cls(), **values)


def validate_parameters(params: Parameters) -> list[tuple[str, str]]:
    """Problems of an office's parameters as (field, Chinese message); empty when usable."""
    problems: list[tuple[str, str]] = []
    for name in ("graduate_window_years", "long_term_unemployed_days", "returned_migrant_window_years"):
        if getattr(params, name) < 1:
            problems.append((name, "必须是正整数"))
    if params.veteran_window_years < 0:
        problems.append(("veteran_window_years", "不能为负数（0 表示不限）"))
    for name in ("older_female_age", "older_male_age"):
        if not MIN_WORKING_AGE <= getattr(params, name) <= 65:
            problems.append((name, f"应在{MIN_WORKING_AGE}到65岁之间"))
    unknown = [c for c in params.hard_to_employ if c not in HARD_TO_EMPLOY_CATEGORIES]
    if unknown:
        problems.append(("hard_to_employ", f"未知类别：{'、'.join(unknown)}"))
    if set(params.contact_interval_days) != set(TIERS) or any(
        not 1 <= days <= 366 for days in params.contact_interval_days.values()
    ):
        problems.append(("contact_interval_days", "A、B、C 三级都要设联系间隔，每级1到366天"))
    try:
        certificate_number(params.certificate_format, county="430527", year=2026, serial=1)
    except (KeyError, ValueError, IndexError):
        problems.append(("certificate_format", "证号格式只能使用 {county}、{year}、{serial}"))
    return problems


# --- Registration -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reasons: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return "；".join(self.reasons)


def _age_problems(facts: PersonFacts, on: dt.date) -> list[str]:
    problems = []
    if facts.deceased:
        problems.append("已登记死亡")
    age = age_in_years(facts.birth_month, on)
    if age < MIN_WORKING_AGE:
        problems.append(f"未满{MIN_WORKING_AGE}周岁（现{age}岁）")
    elif on >= retirement_month(facts.birth_month, facts.category):
        years, months = retirement_age(facts.birth_month, facts.category)
        problems.append(f"已达到法定退休年龄（{_age_text(years, months)}）")
    return problems


def _age_text(years: int, months: int) -> str:
    return f"{years}周岁{months}个月" if months else f"{years}周岁"


def may_register_unemployed(facts: PersonFacts, on: dt.date) -> Decision:
    """失业登记: open to those of working age who can and want to work and have no job (seed 004), once at a
    time: a second open registration anywhere in the installation is refused."""
    problems = _age_problems(facts, on)
    if facts.labour_status == STUDENT:
        problems.append("在校学生不能办理失业登记")
    if facts.labour_status == ENLISTED:
        problems.append("正在服兵役")
    if not facts.able_to_work or facts.labour_status == UNABLE:
        problems.append("已丧失劳动能力")
    if facts.open_unemployment_certificate:
        problems.append(
            f"已有未注销的失业登记（就业创业证 {facts.open_unemployment_certificate}），不能重复登记"
        )
    return Decision(not problems, tuple(problems))


def may_register_employed(facts: PersonFacts, on: dt.date) -> Decision:
    """就业登记 (including flexible employment under 承诺制): working age, alive. An open employment
    registration is closed by the new one (a change of job), so it is no reason to refuse."""
    problems = _age_problems(facts, on)
    if facts.labour_status == STUDENT:
        problems.append("在校学生不能办理就业登记（勤工助学不属于就业）")
    return Decision(not problems, tuple(problems))


def certificate_number(template: str, *, county: str, year: int, serial: int) -> str:
    """The 就业创业证 number in the office's format (data: `Parameters.certificate_format`)."""
    return template.format(county=county, year=year, serial=serial)


# --- Key groups -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyGroupFinding:
    """One reason why a person belongs to a key group: the rule, the facts it used, and the period."""

    group: str
    rule: str
    evidence: str
    since: dt.date
    until: dt.date | None = None


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def key_groups(facts: PersonFacts, on: dt.date, params: Parameters | None = None) -> list[KeyGroupFinding]:
    """Every key group (重点群体) the person belongs to on `on`, each with its evidence. Derived only:
    nobody ticks a group by hand, so a group changes as soon as the facts do."""
    params = params or Parameters()
    if facts.deceased:
        return []
    retire = retirement_month(facts.birth_month, facts.category)
    if on >= retire or age_in_years(facts.birth_month, on) < MIN_WORKING_AGE:
        return []
    found: list[KeyGroupFinding] = []
    if facts.graduated_on:
        until = _add_years(facts.graduated_on, params.graduate_window_years)
        start = facts.graduated_on.replace(month=1, day=1)
        if start <= on < until:
            found.append(
                KeyGroupFinding(
                    GRADUATE,
                    "graduate.window",
                    f"{facts.graduated_on:%Y年%m月}毕业，毕业年度及离校{params.graduate_window_years}年内",
                    start,
                    until,
                )
            )
    if facts.veteran_discharged_on and facts.veteran_discharged_on <= on:
        window = params.veteran_window_years
        until = _add_years(facts.veteran_discharged_on, window) if window else retire
        if on < until:
            found.append(
                KeyGroupFinding(
                    VETERAN,
                    "veteran.discharged",
                    f"{facts.veteran_discharged_on:%Y年%m月}退役",
                    facts.veteran_discharged_on,
                    until,
                )
            )
    if facts.returned_home_on and facts.returned_home_on <= on:
        until = _add_years(facts.returned_home_on, params.returned_migrant_window_years)
        if on < until:
            found.append(
                KeyGroupFinding(
                    RETURNED_MIGRANT,
                    "returned_migrant.window",
                    f"{facts.returned_home_on:%Y年%m月}返乡，{params.returned_migrant_window_years}年内",
                    facts.returned_home_on,
                    until,
                )
            )
    if facts.labour_status == UNEMPLOYED and (facts.unemployed_since or on) <= on:
        found.extend(_hard_to_employ(facts, on, params, retire))
    return found


def _hard_to_employ(
    facts: PersonFacts, on: dt.date, params: Parameters, retire: dt.date
) -> Iterable[KeyGroupFinding]:
    """就业困难人员: unemployed persons in one of the office's categories. They stop being one when they
    find work (the status changes) or retire."""
    unemployed_since = facts.unemployed_since or on
    enabled = set(params.hard_to_employ)

    def finding(category: str, evidence: str, since: dt.date) -> KeyGroupFinding:
        label = HARD_TO_EMPLOY_CATEGORIES[category]
        return KeyGroupFinding(
            HARD_TO_EMPLOY, f"hard_to_employ.{category}", f"{label}：{evidence}", since, retire
        )

    if "older" in enabled:
        threshold = params.older_male_age if facts.sex == "M" else params.older_female_age
        reached = reached_age(facts.birth_month, threshold)
        if reached <= on:
            sex = "男" if facts.sex == "M" else "女"
            yield finding(
                "older",
                f"{sex}，{facts.birth_month:%Y年%m月}出生，{reached:%Y年%m月}年满{threshold}周岁",
                max(reached, unemployed_since),
            )
    if "long_term" in enabled and facts.unemployed_since:
        since = facts.unemployed_since + dt.timedelta(days=params.long_term_unemployed_days)
        if since <= on:
            yield finding(
                "long_term",
                f"自{facts.unemployed_since:%Y年%m月%d日}起失业，满{params.long_term_unemployed_days}天",
                since,
            )
    flags = {
        "disabled": (facts.disabled, "持有残疾人证"),
        "zero_household": (facts.in_zero_employment_household, "所在家庭为零就业家庭"),
        "low_income": (facts.low_income, "享受城乡居民最低生活保障"),
        "poverty_alleviated": (facts.poverty_alleviated, "属于脱贫人口（含防止返贫监测对象）"),
    }
    for category, (holds, evidence) in flags.items():
        if holds and category in enabled:
            yield finding(category, evidence, unemployed_since)


# --- Tiered service ---------------------------------------------------------------------------------------

TIERS = ("A", "B", "C")


def service_tier(findings: Iterable[KeyGroupFinding]) -> tuple[str, str]:
    """分级分类服务 tier of a registered unemployed person, with the reason: A for the hard to employ (the
    most frequent contact), B for the other key groups, C for everyone else."""
    groups = {f.group for f in findings}
    if HARD_TO_EMPLOY in groups:
        return "A", "就业困难人员"
    if groups:
        names = "、".join(sorted(KEY_GROUP_NAMES[g] for g in groups))
        return "B", f"重点群体（{names}）"
    return "C", "一般失业人员"


KEY_GROUP_NAMES = {
    GRADUATE: "高校毕业生",
    HARD_TO_EMPLOY: "就业困难人员",
    VETERAN: "退役军人",
    RETURNED_MIGRANT: "返乡农民工",
}


def next_contact_due(last_contact: dt.date, tier: str, params: Parameters | None = None) -> dt.date:
    params = params or Parameters()
    return last_contact + dt.timedelta(days=params.contact_interval_days[tier])


# --- Zero-employment households ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberFacts:
    person_id: int
    name: str
    birth_month: dt.date
    sex: str
    labour_status: str
    retirement_category: str = ""
    able_to_work: bool = True
    deceased: bool = False

    @property
    def category(self) -> str:
        return self.retirement_category or default_retirement_category(self.sex)


@dataclass(frozen=True)
class ZeroEmploymentFinding:
    is_zero_employment: bool
    counted: tuple[int, ...]  # the members of working age, able and willing to work
    evidence: str


def zero_employment(members: Iterable[MemberFacts], on: dt.date) -> ZeroEmploymentFinding:
    """零就业家庭: a household whose members of working age who can and want to work are all unemployed
    (seed 003). A household with nobody in that position (pensioners, students, the disabled) is not one:
    there is nobody to place in a job. A member whose status is unknown keeps the household undecided."""
    counted = [
        m
        for m in members
        if not m.deceased
        and m.able_to_work
        and m.labour_status not in (STUDENT, RETIRED, ENLISTED, UNABLE, NOT_SEEKING)
        and is_working_age(m.birth_month, m.category, on)
    ]
    ids = tuple(m.person_id for m in counted)
    if not counted:
        return ZeroEmploymentFinding(False, ids, "家庭中没有法定劳动年龄内有劳动能力和就业意愿的成员")
    employed = [m.name for m in counted if m.labour_status == EMPLOYED]
    if employed:
        return ZeroEmploymentFinding(False, ids, f"{'、'.join(employed)}已就业")
    unknown = [m.name for m in counted if m.labour_status != UNEMPLOYED]
    if unknown:
        return ZeroEmploymentFinding(False, ids, f"{'、'.join(unknown)}的就业状态未采集")
    names = "、".join(m.name for m in counted)
    return ZeroEmploymentFinding(
        True, ids, f"劳动年龄内有劳动能力和就业意愿的{len(counted)}人（{names}）均处于失业状态"
    )
