"""Duplicate postings, without Django: is a new posting the same vacancy as one already in the pool (a
duplicate, from another channel or posted twice), a re-post of one that has closed, or a different vacancy?

The rules (docs/vacancies-pool.md, "Duplicates and re-posts"):
- the same employer is required (the caller compares only within one employer);
- the same job: the same title after normalisation, a synonym of it (the job search's synonym groups), or
  the same occupation code;
- no conflict: work places resolved to regions that do not contain one another (two counties, two
  townships), pay bands more than `PAY_TOLERANCE` apart, or two different work types make two vacancies;
- near-same text: the character-bigram Jaccard similarity of the two descriptions, each folded for
  comparison, at least `PROBABLE_SIMILARITY`.

Folding for comparison (`sentences`): the screening's fold (full-width to half-width, lower case,
traditional to simplified, fillers dropped), list markers ("1、" "2." "（3）" "①") and headcount phrases
("招聘3人") removed, the text cut into sentences at clause punctuation. The similarity is over the set of
the sentences' bigrams, so that the order of the sentences, the punctuation, the whitespace and the
numbering do not count. Headcount and validity are not compared at all: a posting that differs only by them
is the same vacancy.

A pair is `certain` when nothing but those differs: the same title, the same set of sentences, the same pay
and the same work place. The intake merges a certain duplicate that came through another channel on its
own; every other duplicate is only suggested to staff."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources

from openpes.vacancies.screening.normalise import CLAUSE_BREAKS, fold

# Two postings of one job at one employer share the employer's boilerplate (company introduction,
# benefits), so a low bar would pair every two jobs with the same title. On the crafted pairs of
# tests/vacancies/test_dedup.py, re-worded copies of one posting (a sentence added, dropped or re-worded)
# score 0.88–1.00; two postings sharing a long company introduction and benefits but with other duties 0.70,
# other look-alikes 0.26 or less. 0.80 sits between with a margin on both sides; a probable duplicate is only
# suggested to staff, so a doubtful pair costs a look, not a wrong merge.
PROBABLE_SIMILARITY = 0.80
# Pay written as "4500-6000" and "4500-6500" can be one vacancy (a rounding, a raise on re-posting); a band
# moved by more than a tenth at either end is another offer.
PAY_TOLERANCE = 0.10
# Characters per shingle: Chinese words are mostly two characters, so bigrams catch a changed word without
# letting a shared single character count.
SHINGLE = 2

# Numbering of list items, in the written text: "1、" "2." "3）" "(4)" "（5）" "①" "一、". A digit followed by
# another digit or a decimal point with a digit ("1.5万") is a figure, not a marker.
_LIST_MARKER = re.compile(
    r"[（(]\s*[0-9０-９一二三四五六七八九十]{1,2}\s*[)）]"
    r"|(?<![0-9０-９.．])[0-9０-９]{1,2}\s*[、.．)）](?![0-9０-９])"
    r"|[①-⑳]"
    r"|(?<![\u4e00-\u9fff])[一二三四五六七八九十]{1,2}、"
)
# How many are wanted, in the text: not a difference between two postings of one vacancy.
_HEADCOUNT = re.compile(r"(?:招聘|招|急招|诚聘|需要|需|共|计)?[0-9]{1,5}(?:名|人|位)|若干名?")
_TITLE_DECORATION = re.compile(r"^(?:高薪诚聘|高薪招聘|高薪急聘|诚聘|急聘|急招|直招|诚招|招聘|高薪)+")
_BREAKS = re.compile("[" + re.escape("".join(sorted(CLAUSE_BREAKS))) + "]+")
_NOT_WORDY = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


class Verdict(StrEnum):
    DUPLICATE = "duplicate"  # the same vacancy, still open: merge it, or suggest merging
    REPOST = "repost"  # the same vacancy as one that has closed (expired or withdrawn): link it
    DIFFERENT = "different"


@dataclass(frozen=True, slots=True)
class Posting:
    """What the comparison reads of a vacancy: the raw title and description, and the normalised fields."""

    employer: int | str
    title: str
    description: str = ""
    occupation_code: str = ""
    place_code: str = ""
    pay_min: int | None = None
    pay_max: int | None = None
    pay_negotiable: bool = False
    work_type: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    score: float  # the similarity of the descriptions, 0–1 (0 when not compared)
    certain: bool  # nothing differs but punctuation, spacing, order, headcount or validity
    reasons: tuple[str, ...]

    @property
    def text(self) -> str:
        """The reasons in one line, as staff read them: "同一单位、职位名称相同、描述相似度 0.93"."""
        return "、".join(self.reasons)

    @property
    def is_match(self) -> bool:
        return self.verdict != Verdict.DIFFERENT


# --- text ------------------------------------------------------------------------------------------------


def sentences(text: str) -> tuple[str, ...]:
    """The sentences of a text, folded for comparison (see the module docstring), in their order."""
    unmarked = _LIST_MARKER.sub("\n", text or "")
    folded = fold(unmarked).text
    pieces = (_NOT_WORDY.sub("", _HEADCOUNT.sub("", piece)) for piece in _BREAKS.split(folded))
    return tuple(piece for piece in pieces if piece)


def normalise_text(text: str) -> str:
    """The text folded for comparison: its sentences, one a line, in their order."""
    return "\n".join(sentences(text))


def shingles(text: str) -> frozenset[str]:
    """The character bigrams of each sentence (a one-character sentence is its own shingle)."""
    return _shingles_of(sentences(text))


def _shingles_of(parts: tuple[str, ...]) -> frozenset[str]:
    found: set[str] = set()
    for part in parts:
        if len(part) <= SHINGLE:
            found.add(part)
        else:
            found.update(part[i : i + SHINGLE] for i in range(len(part) - SHINGLE + 1))
    return frozenset(found)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0–1: symmetric, 1 for texts that fold to the same sentences."""
    return jaccard(shingles(a), shingles(b))


# --- titles ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """The job search's synonym groups of common titles (search/data/synonyms.csv), read here rather than
    through `search.text`, whose package loads the search engine and with it Django."""
    path = resources.files("openpes.vacancies").joinpath("search/data/synonyms.csv")
    lines = [
        line for line in path.read_text("utf-8").splitlines() if line.strip() and not line.startswith("#")
    ]
    return tuple(tuple(word.strip() for word in row if word.strip()) for row in csv.reader(lines))


@lru_cache(maxsize=1)
def _synonym_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    canonical: dict[str, str] = {}
    for group in synonym_groups():
        for word in group:
            canonical.setdefault(fold(word).text, fold(group[0]).text)
    # Longest first, so that 叉车司机 is read as itself and not as 叉车 + 司机.
    words = sorted(canonical, key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in words)), canonical


@lru_cache(maxsize=8192)
def folded_title(title: str) -> str:
    """A title as compared: folded, without "急招"/"诚聘" and the like, headcounts and punctuation."""
    folded = _NOT_WORDY.sub("", _HEADCOUNT.sub("", fold(title or "").text))
    return _TITLE_DECORATION.sub("", folded) or folded


@lru_cache(maxsize=8192)
def title_key(title: str) -> str:
    """A title with every word of a synonym group replaced by the group's first word (驾驶员 → 司机)."""
    pattern, canonical = _synonym_pattern()
    return pattern.sub(lambda match: canonical[match.group(0)], folded_title(title))


# --- the decision ----------------------------------------------------------------------------------------


def _significant(code: str) -> str:
    """A 12-digit region code without the zeros of the levels it does not name."""
    for cut, tail in ((2, 10), (4, 8), (6, 6), (9, 3)):
        if code[cut:] == "0" * tail:
            return code[:cut]
    return code


def place_conflict(a: str, b: str) -> bool:
    """Two work places that cannot be one: both resolved, neither inside the other."""
    if not a or not b:
        return False
    first, second = _significant(a), _significant(b)
    return not (first.startswith(second) or second.startswith(first))


def _pay_shown(posting: Posting) -> str:
    if posting.pay_min is None and posting.pay_max is None:
        return "面议" if posting.pay_negotiable else "未写"
    low = "" if posting.pay_min is None else str(posting.pay_min)
    high = "" if posting.pay_max is None else str(posting.pay_max)
    return f"{low}–{high}元" if low != high else f"{low}元"


def _apart(a: int | None, b: int | None) -> bool:
    if a is None or b is None:
        return False
    return abs(a - b) > PAY_TOLERANCE * max(a, b)


def pay_conflict(a: Posting, b: Posting) -> bool:
    """Two pay bands more than `PAY_TOLERANCE` apart at either end; pay not written (or 面议) on one side
    is no conflict."""
    return _apart(a.pay_min, b.pay_min) or _apart(a.pay_max, b.pay_max)


@dataclass(frozen=True, slots=True)
class _Prepared:
    title: str
    key: str
    sentences: frozenset[str]
    shingles: frozenset[str]


@lru_cache(maxsize=4096)
def _prepare(posting: Posting) -> _Prepared:
    parts = sentences(posting.description)
    return _Prepared(
        folded_title(posting.title), title_key(posting.title), frozenset(parts), _shingles_of(parts)
    )


def decide(new: Posting, old: Posting, *, old_closed: bool = False) -> Decision:
    """Whether `new` is a duplicate of `old` (a re-post when `old` has closed: `old_closed`), with the
    reasons in Chinese."""
    if new.employer != old.employer:
        return Decision(Verdict.DIFFERENT, 0.0, False, ("不是同一单位",))
    a, b = _prepare(new), _prepare(old)
    reasons = ["同一单位"]
    if a.title and a.title == b.title:
        reasons.append("职位名称相同")
    elif a.key and a.key == b.key:
        reasons.append(f"职位名称为同义词（{new.title}／{old.title}）")
    elif new.occupation_code and new.occupation_code == old.occupation_code:
        reasons.append(f"职业相同（{new.occupation_code}）")
    else:
        return Decision(Verdict.DIFFERENT, 0.0, False, (*reasons, "职位不同"))
    conflicts = []
    if place_conflict(new.place_code, old.place_code):
        conflicts.append(f"工作地点不同（{new.place_code}／{old.place_code}）")
    if pay_conflict(new, old):
        conflicts.append(f"薪资不同（{_pay_shown(new)}／{_pay_shown(old)}）")
    if new.work_type and old.work_type and new.work_type != old.work_type:
        conflicts.append("工作类型不同")
    if conflicts:
        return Decision(Verdict.DIFFERENT, 0.0, False, (*reasons, *conflicts))
    if bool(a.sentences) != bool(b.sentences):
        return Decision(Verdict.DIFFERENT, 0.0, False, (*reasons, "只有一方有职位描述，无法比较"))
    score = round(jaccard(a.shingles, b.shingles), 2)
    if not a.sentences:
        reasons.append("均无职位描述")
    else:
        reasons.append(f"描述相似度 {score:.2f}")
    if score < PROBABLE_SIMILARITY:
        reasons[-1] += f"（低于 {PROBABLE_SIMILARITY:.2f}）"
        return Decision(Verdict.DIFFERENT, score, False, tuple(reasons))
    certain = (
        a.title == b.title
        and a.sentences == b.sentences
        and (new.pay_min, new.pay_max, new.pay_negotiable) == (old.pay_min, old.pay_max, old.pay_negotiable)
        and new.place_code == old.place_code
        and new.work_type == old.work_type
    )
    if certain:
        reasons.append("文字相同（仅标点、空格、语序、全半角或人数、有效期不同）")
    return Decision(Verdict.REPOST if old_closed else Verdict.DUPLICATE, score, certain, tuple(reasons))


def best_match(new: Posting, olds: list[tuple[Posting, bool]]) -> list[tuple[int, Decision]]:
    """The matches of `new` among `olds` (each with whether it has closed), as (index, decision), the
    certain ones first, then by score."""
    found = [(index, decide(new, old, old_closed=closed)) for index, (old, closed) in enumerate(olds)]
    matches = [(index, decision) for index, decision in found if decision.is_match]
    return sorted(matches, key=lambda item: (not item[1].certain, -item[1].score, item[0]))
