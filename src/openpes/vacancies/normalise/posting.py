"""One posting, every field normalised at once: occupation, pay, work place, education, experience, work type,
with the flags that tell a clerk what to check and the reasons, field by field, in Chinese.

`normalise_posting(row)` takes a posting as the job files of ../shared/data/jobs/ write it (the keys of
`INPUT_FIELDS`; missing keys count as empty) and returns a `Normalised` whose fields are the output columns of
`openpes normalise vacancies` (issue 9), in their order. It only combines the parsers of this package and the
occupation coder; each rule lives in its own module:

- occupation: `openpes.taxonomy.coder` on the title, the description and the industry;
- pay: `pay.parse_pay`; work place: `place.resolve_place` (inside `within` first, when given);
- education, experience, work type: `requirements.read_education`, `read_experience`, `read_work_type`.

Flags are short codes, one per thing a human should look at, each starting with the field it concerns
(`FIELD_FLAGS`); `FLAG_LABELS` says each one in Chinese. A field counts as *resolved* when its text is there
and it has no flag (`resolved_fields`), which is what `ResolvedShares` counts over a file.

No Django import: the web app, the bulk import, the CLI and the tests call the same function.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Literal

from openpes.taxonomy.coder import OccupationCoder, default_coder
from openpes.vacancies.normalise.pay import parse_pay
from openpes.vacancies.normalise.place import Place, resolve_place
from openpes.vacancies.normalise.requirements import (
    WorkType,
    read_education,
    read_experience,
    read_work_type,
)

INPUT_FIELDS = (
    "title",
    "pay_text",
    "place_text",
    "education_text",
    "experience_text",
    "company",
    "industry_text",
    "description",
    "source_site",
)

# From this confidence the coder's first candidate stands without review: on the hand-labelled postings it was
# right for 95 % of titles at 0.6–0.8 and 98 % above, against 79 % at 0.4–0.6 (docs/occupation-coder.md).
ACCEPTED_CONFIDENCE = 0.6

Flag = Literal[
    "occupation_uncoded",
    "occupation_low_confidence",
    "pay_unparsed",
    "place_unresolved",
    "place_abroad",
    "place_hk_macao_taiwan",
    "education_unparsed",
    "experience_unparsed",
]
FLAG_LABELS: dict[Flag, str] = {
    "occupation_uncoded": "职位名称未能对应到职业分类，请人工编码",
    "occupation_low_confidence": f"职业编码把握不足{ACCEPTED_CONFIDENCE}，请人工核对",
    "pay_unparsed": "薪资写法未能识别，请人工核对",
    "place_unresolved": "工作地点未能对应到区划代码，请人工核对",
    "place_abroad": "工作地点在境外，请核实（出境务工须经对外劳务合作渠道）",
    "place_hk_macao_taiwan": "工作地点在香港、澳门或台湾，区划代码留空，请核实",
    "education_unparsed": "学历要求未能识别，请人工核对",
    "experience_unparsed": "经验要求未能识别，请人工核对",
}

# The fields counted as resolved or not, with the input column that must be filled for them to count.
FIELD_SOURCES: dict[str, str] = {
    "occupation": "title",
    "pay": "pay_text",
    "place": "place_text",
    "education": "education_text",
    "experience": "experience_text",
}
FIELD_LABELS: dict[str, str] = {
    "occupation": "职业",
    "pay": "薪资",
    "place": "工作地点",
    "education": "学历",
    "experience": "经验",
}
FIELD_FLAGS: dict[str, tuple[Flag, ...]] = {
    name: tuple(flag for flag in FLAG_LABELS if flag.startswith(f"{name}_")) for name in FIELD_SOURCES
}

LIST_SEPARATOR = "|"


@dataclass(frozen=True, slots=True)
class Normalised:
    """The normalised fields of one posting, in the order of the output columns.

    Empty text or None where nothing was found; `occupation_candidates` holds up to three codes, best first
    (the first is `occupation_code`); `pay_*` follow the conventions of `pay.py` (integer yuan per month);
    `education_min` is a code of `people.models.Education`; `reasons` is one readable text, field by field.
    """

    occupation_code: str
    occupation_name: str
    occupation_candidates: tuple[str, ...]
    occupation_confidence: float | None
    pay_min: int | None
    pay_max: int | None
    pay_period: str
    pay_months: int | None
    pay_negotiable: bool
    region_code: str
    region_name: str
    education_min: str | None
    experience_min_years: int | None
    work_type: WorkType
    flags: tuple[Flag, ...]
    reasons: str

    def cells(self) -> dict[str, str]:
        """The output columns as text: lists joined by "|", yes/no as 1/0, nothing as an empty cell."""
        return {name: _cell(getattr(self, name)) for name in OUTPUT_FIELDS}


OUTPUT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Normalised))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, tuple):
        return LIST_SEPARATOR.join(value)
    return str(value)


def normalise_posting(
    row: Mapping[str, str | None], *, within: str = "", coder: OccupationCoder | None = None
) -> Normalised:
    """Normalise one posting; `within` is the jurisdiction prefix the place resolver reads names in first
    ("430527"), `coder` an occupation coder with staff corrections (`build_coder`), the shipped one if None.

    Raises ValueError (in Chinese) only for a `within` that is not a division code.
    """
    text = {name: (row.get(name) or "").strip() for name in INPUT_FIELDS}
    title, description = text["title"], text["description"]
    flags: list[Flag] = []
    reasons: list[tuple[str, list[str]]] = []

    # A row with a description but no title still gets candidates, with the low confidence they deserve.
    candidates = (coder or default_coder()).code(title, description, text["industry_text"])
    best = candidates[0] if candidates else None
    if best is None:
        flags.append("occupation_uncoded")
        why = "未写职位名称" if not title else f"“{title}”未能对应到职业分类大典中的职业"
        reasons.append(("职业", [why]))
    else:
        if best.confidence < ACCEPTED_CONFIDENCE:
            flags.append("occupation_low_confidence")
        heading = f"{best.name}（{best.code}，把握{best.confidence:.2f}）"
        reasons.append(("职业", [heading, *best.reasons]))

    pay = parse_pay(text["pay_text"])
    if pay.unparsed:
        flags.append("pay_unparsed")
    reasons.append(("薪资", list(pay.reasons)))

    place = _place(text["place_text"], within)
    if place.no_code == "abroad":
        flags.append("place_abroad")
    elif place.no_code == "outside_table":
        flags.append("place_hk_macao_taiwan")
    elif text["place_text"] and not place.code and place.no_code is None:
        flags.append("place_unresolved")
    reasons.append(("工作地点", place.reasons))

    education = read_education(text["education_text"])
    if not education.understood:
        flags.append("education_unparsed")
    experience = read_experience(text["experience_text"])
    if not experience.understood:
        flags.append("experience_unparsed")
    work_type = read_work_type(title, description, text["pay_text"], text["experience_text"])
    reasons += [("学历", [education.reason]), ("经验", [experience.reason]), ("工作类型", [work_type.reason])]

    return Normalised(
        occupation_code=best.code if best else "",
        occupation_name=best.name if best else "",
        occupation_candidates=tuple(candidate.code for candidate in candidates),
        occupation_confidence=best.confidence if best else None,
        pay_min=pay.minimum,
        pay_max=pay.maximum,
        pay_period=pay.period or "",
        pay_months=pay.months,
        pay_negotiable=pay.negotiable,
        region_code=place.code,
        region_name=place.name,
        education_min=education.value,
        experience_min_years=experience.value,
        work_type=work_type.value,
        flags=tuple(flags),
        reasons=_readable(reasons),
    )


@lru_cache(maxsize=8192)
def _place(text: str, within: str) -> Place:
    # A file names the same few hundred places again and again; a Place is not changed by its readers.
    return resolve_place(text, within=within)


def _readable(reasons: list[tuple[str, list[str]]]) -> str:
    """ "职业：…；…。薪资：…。" — one sentence per field, fields with nothing to say left out."""
    sentences = []
    for label, notes in reasons:
        said = [note.strip().rstrip("。；") for note in notes if note.strip()]
        if said:
            sentences.append(f"{label}：{'；'.join(said)}。")
    return "".join(sentences)


def resolved_fields(row: Mapping[str, str | None], result: Normalised) -> dict[str, bool | None]:
    """For each field of FIELD_SOURCES: None when the posting leaves its text empty, else whether it was
    resolved (no flag of that field)."""
    return {
        name: None
        if not (row.get(source) or "").strip()
        else not any(flag in result.flags for flag in FIELD_FLAGS[name])
        for name, source in FIELD_SOURCES.items()
    }


@dataclass
class ResolvedShares:
    """How many postings of a file filled each field and how many of those were resolved."""

    rows: int = 0
    filled: Counter[str] = field(default_factory=Counter)
    resolved: Counter[str] = field(default_factory=Counter)
    flagged: Counter[Flag] = field(default_factory=Counter)
    to_review: int = 0  # rows with at least one flag

    def add(self, row: Mapping[str, str | None], result: Normalised) -> None:
        self.rows += 1
        self.to_review += bool(result.flags)
        for name, outcome in resolved_fields(row, result).items():
            if outcome is not None:
                self.filled[name] += 1
                self.resolved[name] += outcome
        self.flagged.update(result.flags)

    def share_of_filled(self, name: str) -> float | None:
        return self.resolved[name] / self.filled[name] if self.filled[name] else None

    def share_of_rows(self, name: str) -> float | None:
        return self.resolved[name] / self.rows if self.rows else None
