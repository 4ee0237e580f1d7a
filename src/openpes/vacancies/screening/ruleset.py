"""The screening rules as loaded from rules.toml: checked on loading (an unknown law key, a discrimination
rule without a law, a pattern that does not compile all fail at once, not on the posting that needs them)
and compiled once per process."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal, cast

from openpes.vacancies.screening.normalise import fold

Kind = Literal["discrimination", "fraud"]
Severity = Literal["block", "review"]
Field = Literal["title", "description", "contact"]

KINDS: tuple[Kind, ...] = ("discrimination", "fraud")
SEVERITIES: tuple[Severity, ...] = ("block", "review")
FIELDS: tuple[Field, ...] = ("title", "description", "contact")
DEFAULT_FIELDS: tuple[Field, ...] = ("title", "description")


class RulesError(ValueError):
    """rules.toml says something the engine cannot use; the message names the rule."""


@dataclass(frozen=True, slots=True)
class LawArticle:
    law: str
    article: str
    gist: str

    def __str__(self) -> str:
        return f"《{self.law}》{self.article}"


@dataclass(frozen=True, slots=True)
class Exception_:
    """A job for which the law allows what the rule forbids: the hit stays, lowered to review, with the
    basis for a clerk to check."""

    name: str
    hit: re.Pattern[str] | None
    context: re.Pattern[str]
    basis: str
    explanation: str


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    kind: Kind
    severity: Severity
    laws: tuple[LawArticle, ...]
    explanation: str
    fields: tuple[Field, ...]
    # One compiled pattern per alternative, not one alternation: Python's `re` skips ahead to the possible
    # first characters of a pattern that starts with a literal, and an alternation of many such patterns
    # loses that (measured: about twice as slow on long descriptions, docs/screening.md).
    matchers: tuple[re.Pattern[str], ...]
    lawful: re.Pattern[str] | None
    requires: re.Pattern[str] | None
    unless_contact: re.Pattern[str] | None
    age_between: tuple[int, int] | None
    exceptions: tuple[Exception_, ...]


@dataclass(frozen=True, slots=True)
class PayCheck:
    code: str
    kind: Kind
    severity: Severity
    factor: float
    explanation: str


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...]
    pay_check: PayCheck
    laws: dict[str, LawArticle]


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as error:
        raise RulesError(f"{where}: 正则表达式有误（{error}）：{pattern}") from error


def _choice(value: Any, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise RulesError(f"{where}: 应为 {' / '.join(allowed)} 之一，现为 {value!r}")
    return cast(str, value)


def _required_text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RulesError(f"{where}: 缺少 {key}")
    return value


def _exception(data: dict[str, Any], where: str) -> Exception_:
    hit = data.get("hit")
    return Exception_(
        name=_required_text(data, "name", where),
        hit=_compile(hit, f"{where} hit") if hit else None,
        context=_compile(_required_text(data, "context", where), f"{where} context"),
        basis=_required_text(data, "basis", where),
        explanation=_required_text(data, "explanation", where),
    )


def _rule(data: dict[str, Any], laws: dict[str, LawArticle]) -> Rule:
    code = _required_text(data, "code", "rule")
    where = f"规则 {code}"
    kind = cast(Kind, _choice(data.get("kind"), KINDS, f"{where} kind"))
    severity = cast(Severity, _choice(data.get("severity"), SEVERITIES, f"{where} severity"))
    law_keys = data.get("laws", [])
    unknown = [key for key in law_keys if key not in laws]
    if unknown:
        raise RulesError(f"{where}: 未定义的法律条文 {unknown}")
    if kind == "discrimination" and not law_keys:
        raise RulesError(f"{where}: 歧视规则必须写明所违反的法律条文（laws）")
    fields = tuple(_choice(field, FIELDS, f"{where} fields") for field in data.get("fields", DEFAULT_FIELDS))

    # Terms are literal and folded like the text; patterns are written folded already. Longer terms
    # first, so that a term is not cut short by a shorter one it starts with.
    terms = sorted({fold(term).text for term in data.get("terms", []) if term}, key=len, reverse=True)
    matchers = tuple(_compile(pattern, where) for pattern in data.get("patterns", []))
    if terms:
        matchers = (_compile("|".join(re.escape(term) for term in terms), where), *matchers)
    if not matchers:
        raise RulesError(f"{where}: 至少要有一个 terms 或 patterns")
    age_between = data.get("age_between")
    if age_between is not None:
        if not any("n" in matcher.groupindex for matcher in matchers):
            raise RulesError(f"{where}: age_between 需要模式中有命名分组 (?P<n>…)")
        age_between = (int(age_between[0]), int(age_between[1]))

    lawful = data.get("lawful", [])
    return Rule(
        code=code,
        kind=kind,
        severity=severity,
        laws=tuple(laws[key] for key in law_keys),
        explanation=_required_text(data, "explanation", where),
        fields=cast(tuple[Field, ...], fields),
        matchers=matchers,
        lawful=_compile("|".join(f"(?:{pattern})" for pattern in lawful), f"{where} lawful")
        if lawful
        else None,
        requires=_compile(data["requires"], f"{where} requires") if data.get("requires") else None,
        unless_contact=(
            _compile(data["unless_contact"], f"{where} unless_contact")
            if data.get("unless_contact")
            else None
        ),
        age_between=age_between,
        exceptions=tuple(
            _exception(exception, f"{where} 例外 {index + 1}")
            for index, exception in enumerate(data.get("exceptions", []))
        ),
    )


def parse_rules(source: str) -> RuleSet:
    """The rule set a TOML text describes (rules.toml, or a test's own)."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise RulesError(f"规则文件格式有误：{error}") from error
    laws = {
        key: LawArticle(
            law=_required_text(entry, "law", f"法律 {key}"),
            article=_required_text(entry, "article", f"法律 {key}"),
            gist=_required_text(entry, "gist", f"法律 {key}"),
        )
        for key, entry in data.get("laws", {}).items()
    }
    rules = tuple(_rule(entry, laws) for entry in data.get("rule", []))
    codes = [rule.code for rule in rules]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise RulesError(f"规则代码重复：{duplicates}")

    pay = data.get("pay_check")
    if not isinstance(pay, dict):
        raise RulesError("缺少 [pay_check]")
    pay_check = PayCheck(
        code=_required_text(pay, "code", "pay_check"),
        kind=cast(Kind, _choice(pay.get("kind"), KINDS, "pay_check kind")),
        severity=cast(Severity, _choice(pay.get("severity"), SEVERITIES, "pay_check severity")),
        factor=float(pay["factor"]),
        explanation=_required_text(pay, "explanation", "pay_check"),
    )
    return RuleSet(rules=rules, pay_check=pay_check, laws=laws)


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    return parse_rules(files(__package__).joinpath("rules.toml").read_text(encoding="utf-8"))
