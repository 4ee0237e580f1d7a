"""Chinese text for the job search, without Django: segmentation with rjieba and the synonyms of common
titles. Documents are indexed in search mode (each long word also as its parts, "软件工程师" → 软件 工程
工程师 软件工程师), queries are segmented in the same mode, and each query word of a synonym group
(data/synonyms.csv) also finds the other words of the group.

A query is a `QueryPlan`: every term must match (AND); a term matches when any of its alternatives does
(OR); an alternative is one or more tokens that must all occur (a synonym that segments into several words,
"开发工程师" → 开发 工程师). The backends turn a plan into FTS5 or tsquery syntax."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import rjieba

# A token worth indexing holds at least one letter, digit or CJK character.
_WORDY = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")
MAX_QUERY_TERMS = 12

Alternative = tuple[str, ...]
Term = tuple[Alternative, ...]


@dataclass(frozen=True)
class QueryPlan:
    terms: tuple[Term, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)


@cache
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    text = resources.files("openpes.vacancies.search").joinpath("data/synonyms.csv").read_text("utf-8")
    rows = csv.reader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return tuple(tuple(word.strip() for word in row if word.strip()) for row in rows)


@cache
def _segmenter() -> rjieba.Jieba:
    # Its own dictionary, so that the synonyms stay whole words without changing the occupation coder's.
    segmenter = rjieba.Jieba()
    for group in synonym_groups():
        for word in group:
            segmenter.add_word(word, None, None)
    return segmenter


@cache
def _synonyms_of() -> dict[str, tuple[str, ...]]:
    return {word: group for group in synonym_groups() for word in group}


def _clean(tokens: Iterable[str]) -> list[str]:
    return [token.lower() for token in (t.strip() for t in tokens) if token and _WORDY.search(token)]


def index_tokens(text: str) -> list[str]:
    """The tokens of a document, space-joined into the index by the backends."""
    return _clean(_segmenter().cut_for_search(text or ""))


def index_text(text: str) -> str:
    return " ".join(index_tokens(text))


def plan_query(text: str) -> QueryPlan:
    """The query a job seeker typed, as terms to match (see the module docstring)."""
    synonyms = _synonyms_of()
    terms: list[Term] = []
    seen: set[str] = set()
    for word in _clean(_segmenter().cut(text or "")):
        if word in seen:
            continue
        seen.add(word)
        group = synonyms.get(word, (word,))
        alternatives: list[Alternative] = []
        for alternative in group:
            tokens = tuple(dict.fromkeys(_clean(_segmenter().cut(alternative))))
            if tokens and tokens not in alternatives:
                alternatives.append(tokens)
        terms.append(tuple(alternatives))
    return QueryPlan(tuple(terms[:MAX_QUERY_TERMS]))
