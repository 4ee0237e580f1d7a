"""Fold the ways an employer can disguise a term into one canonical text, remembering where each character
came from, so that a match in the folded text points back at the characters the employer wrote.

Folding, one written character at a time:
- NFKC: full-width letters, digits and punctuation become ASCII (`ＶＸ` → `vx`, `１８` → `18`), compatibility
  ideographs become the unified ones;
- lower case, so that `QQ`, `Vx` and `HIV` match one spelling;
- traditional characters become simplified (`男性優先` → `男性优先`), by OpenCC's character table
  (TSCharacters.txt beside this file, Apache-2.0): the first simplified candidate of each character;
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


def fold(written: str) -> FoldedText:
    table = traditional_to_simplified()
    pieces: list[tuple[str, int, bool]] = []  # (folded character, written index, is a filler)
    for index, character in enumerate(written):
        if character.isascii() and character.isalnum():
            pieces.append((character.lower(), index, False))
            continue
        for folded in unicodedata.normalize("NFKC", character).lower():
            folded = table.get(folded, folded)
            pieces.append((folded, index, _is_filler(folded)))

    # Whether the next character that is not a filler is a digit, for every position (one pass backwards).
    digit_follows = [False] * len(pieces)
    following_is_digit = False
    for position in range(len(pieces) - 1, -1, -1):
        digit_follows[position] = following_is_digit
        folded, _index, filler = pieces[position]
        if not filler:
            following_is_digit = folded.isdigit()

    characters: list[str] = []
    origin: list[int] = []
    previous_kept = ""
    for position, (folded, index, filler) in enumerate(pieces):
        if filler and not (previous_kept.isdigit() and digit_follows[position]):
            continue
        characters.append(folded)
        origin.append(index)
        if not filler:
            previous_kept = folded
    return FoldedText("".join(characters), tuple(origin), len(written))
