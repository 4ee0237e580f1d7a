"""Run the rules of rules.toml over one posting and explain every hit."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from openpes.vacancies.screening.normalise import CLAUSE_BREAKS, FoldedText, fold
from openpes.vacancies.screening.ruleset import (
    Field,
    Kind,
    LawArticle,
    Rule,
    RuleSet,
    Severity,
    default_rules,
)

FlagField = Literal["title", "description", "contact", "pay"]

# How far around a hit a lawful look-alike is looked for; the look-alike must overlap the hit itself.
_LAWFUL_REACH = 24
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CLAUSE_BREAK = re.compile("[" + re.escape("".join(sorted(CLAUSE_BREAKS))) + "]")


@dataclass(frozen=True, slots=True)
class Flag:
    """One problem found in a posting.

    `field`, `start` and `end` say where: `text` is `posting[field][start:end]`, as the employer wrote it
    (spaces or symbols the employer put inside the term included). The pay check points at no text: its
    field is "pay" and its start and end are None. `laws` lists the articles a discrimination breaks (and the
    article a fee or pyramid scheme breaks, where one does). `exception` is set when the job may be one the
    law allows the requirement for: the flag is then lowered to review, with the basis for the clerk."""

    kind: Kind
    code: str
    severity: Severity
    field: FlagField
    start: int | None
    end: int | None
    text: str
    explanation: str
    laws: tuple[LawArticle, ...] = ()
    exception: str | None = None

    @property
    def law(self) -> str:
        """The articles in one line, as a clerk cites them, each law once:
        《中华人民共和国就业促进法（2015年修正）》第三条、第二十六条；《人力资源市场暂行条例（2018年）》第二十四条"""
        articles_by_law: dict[str, list[str]] = {}
        for article in self.laws:
            articles_by_law.setdefault(article.law, []).append(article.article)
        return "；".join(f"《{law}》{'、'.join(articles)}" for law, articles in articles_by_law.items())

    @property
    def message(self) -> str:
        """The whole reason in one paragraph, for the review queue and for the employer's form."""
        parts = [f"“{self.text}”：{self.explanation}" if self.field != "pay" else self.explanation]
        if self.laws:
            parts.append(f"依据：{self.law}。")
        if self.exception:
            parts.append(f"可能的例外——{self.exception}")
        return "".join(parts)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready, for storing the flags of a vacancy and for the API."""
        return {
            "kind": self.kind,
            "code": self.code,
            "severity": self.severity,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "explanation": self.explanation,
            "laws": [
                {"law": article.law, "article": article.article, "gist": article.gist}
                for article in self.laws
            ],
            "exception": self.exception,
        }


def screen(
    title: str,
    description: str,
    pay_min: int | None = None,
    pay_max: int | None = None,
    going_rate: tuple[int, int] | None = None,
    contact_text: str = "",
    *,
    rules: RuleSet | None = None,
) -> list[Flag]:
    """The discrimination and fraud flags of a posting, in the order of the fields and of the text.

    `pay_min`/`pay_max` are the parsed monthly pay; `going_rate` is (low, high) monthly pay for the same
    occupation in the region, when known; `contact_text` is the contact the employer gave. Pure: reads
    nothing but its arguments and the rules."""
    ruleset = rules or default_rules()
    written: dict[Field, str] = {
        "title": title or "",
        "description": description or "",
        "contact": contact_text or "",
    }
    folded: dict[Field, FoldedText] = {field: fold(text) for field, text in written.items()}
    posting = folded["title"].text + "\n" + folded["description"].text
    contact_plain = unicodedata.normalize("NFKC", written["contact"]).lower()

    flags: list[Flag] = []
    for field, text in folded.items():
        if not text.text:
            continue
        for rule in ruleset.rules:
            if field in rule.fields:
                flags.extend(_rule_flags(rule, field, text, written[field], posting, contact_plain))
    pay_flag = _pay_flag(ruleset, pay_min, going_rate)
    if pay_flag is not None:
        flags.append(pay_flag)
    return flags


def _rule_flags(
    rule: Rule, field: Field, text: FoldedText, written: str, posting: str, contact_plain: str
) -> list[Flag]:
    flags: list[Flag] = []
    matches = sorted(
        (match for matcher in rule.matchers for match in matcher.finditer(text.text)),
        key=lambda match: (match.start(), -match.end()),
    )
    taken_until = 0  # two patterns of one rule matching the same words make one flag
    for match in matches:
        start, end = match.span()
        if start == end or start < taken_until:
            continue
        if rule.age_between is not None:
            age_text = match.groupdict().get("n")
            age = chinese_or_arabic_number(age_text) if age_text else None
            # An alternative without an age (超龄勿扰) counts as it is; one with an age only in the range.
            if age_text and (age is None or not rule.age_between[0] <= age <= rule.age_between[1]):
                continue
        if rule.lawful is not None and _is_lawful(rule.lawful, text.text, start, end):
            continue
        if rule.requires is not None and not rule.requires.search(posting):
            continue
        if rule.unless_contact is not None and rule.unless_contact.search(contact_plain):
            continue
        exception = next(
            (
                candidate
                for candidate in rule.exceptions
                if (candidate.hit is None or candidate.hit.search(match.group()))
                and candidate.context.search(posting)
            ),
            None,
        )
        taken_until = end
        written_start, written_end = text.written_span(start, end)
        note = f"{exception.name}：{exception.explanation}依据：{exception.basis}" if exception else None
        flags.append(
            Flag(
                kind=rule.kind,
                code=rule.code,
                severity="review" if exception else rule.severity,
                field=field,
                start=written_start,
                end=written_end,
                text=written[written_start:written_end],
                explanation=rule.explanation,
                laws=rule.laws,
                exception=note,
            )
        )
    return flags


def _is_lawful(lawful: re.Pattern[str], text: str, start: int, end: int) -> bool:
    """Whether a lawful look-alike in the hit's clause overlaps the hit (`免押金`, `男女不限`)."""
    window_start = max(0, start - _LAWFUL_REACH)
    window_end = min(len(text), end + _LAWFUL_REACH)
    for breaker in _CLAUSE_BREAK.finditer(text, window_start, start):
        window_start = breaker.end()
    following_break = _CLAUSE_BREAK.search(text, end, window_end)
    if following_break is not None:
        window_end = following_break.start()
    return any(
        candidate.start() < end and start < candidate.end()
        for candidate in lawful.finditer(text, window_start, window_end)
    )


def chinese_or_arabic_number(text: str) -> int | None:
    """35, 三十五, 四十 → the number; anything else → None."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return None
    tens_text, _, units_text = text.partition("十")
    tens = _CHINESE_DIGITS.get(tens_text, 0) if tens_text else 1
    units = _CHINESE_DIGITS.get(units_text, 0) if units_text else 0
    if (tens_text and not tens) or (units_text and not units):
        return None
    return tens * 10 + units


def _pay_flag(ruleset: RuleSet, pay_min: int | None, going_rate: tuple[int, int] | None) -> Flag | None:
    check = ruleset.pay_check
    if pay_min is None or going_rate is None:
        return None
    rate_max = max(going_rate)
    if rate_max <= 0 or pay_min <= check.factor * rate_max:
        return None
    return Flag(
        kind=check.kind,
        code=check.code,
        severity=check.severity,
        field="pay",
        start=None,
        end=None,
        text=str(pay_min),
        explanation=check.explanation.format(
            pay_min=pay_min, rate_max=rate_max, ratio=f"{pay_min / rate_max:.1f}", factor=f"{check.factor:g}"
        ),
    )
