"""Numbers as Chinese postings write them: Arabic, full-width, Chinese numerals, and mixes of the two.

"1.5万", "8千", "15K", "一万五" (15,000), "1万5" (15,000), "三千五" (3,500), "两万", "十年" — one reader for
the pay parser and the experience parser, so that a figure means the same everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
# 十 and 百 are place values inside a number; 千/K and 万/W are also the scale units that employers write after a
# figure ("8千", "15K", "1.5万"), which is why they are told apart in `Amount.scale`.
MULTIPLIERS = {"十": 10, "百": 100, "千": 1_000, "k": 1_000, "万": 10_000, "w": 10_000}
SCALE_UNITS = frozenset({1_000, 10_000})

NUMERAL_CHARS = "0-9." + "".join(CHINESE_DIGITS) + "".join(MULTIPLIERS)
ARABIC = re.compile(r"\d+(?:\.\d+)?|\.\d+")
DASHES = "-‐‑‒–—―−﹣－~～〜"
DASHES_TO_HYPHEN = str.maketrans(dict.fromkeys(DASHES, "-"))


def to_half_width(text: str) -> str:
    """Full-width digits, letters and signs to their ASCII forms, lower case, dashes and tildes to "-".

    NFKC turns "１５Ｋ" into "15K" and "￥" into "¥"; the many dashes and tildes that employers type for a range
    all become "-" so that one pattern reads them.
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    return folded.translate(DASHES_TO_HYPHEN)


@dataclass(frozen=True, slots=True)
class Amount:
    """A figure as written: its value, and the scale unit (1,000 or 10,000) written last, if any."""

    value: Decimal
    scale: int | None


def read_amount(token: str) -> Amount | None:
    """Read one figure such as "1.5万", "8千", "15k", "一万五", "1万5", "三千五", "二十"; None if it is not one.

    A lone digit after a scale unit is the next place down, as people say it: "1万5" is 15,000, "三千五" is 3,500.
    """
    items = _split(token)
    if not items:
        return None
    total = Decimal(0)  # completed 万 groups
    section = Decimal(0)  # the part below 万
    pending: Decimal | None = None  # a number not yet given its place
    last_multiplier: int | None = None
    for kind, value in items:
        if kind == "number":
            if pending is not None:
                return None  # two numbers in a row ("1.5.2", "3 4"): not one figure
            pending = value
            continue
        multiplier = int(value)
        if multiplier == 10_000:
            total = (
                total + section + (pending if pending is not None else (0 if section else 1))
            ) * multiplier
            section = Decimal(0)
        else:
            section += (pending if pending is not None else Decimal(1)) * multiplier
        pending = None
        last_multiplier = multiplier
    if pending is not None:
        if (
            last_multiplier is not None
            and last_multiplier >= 100
            and pending == pending.to_integral()
            and pending < 10
        ):
            section += pending * last_multiplier / 10
        else:
            section += pending
    # "1万5" keeps 万 as its unit even though a digit follows it.
    scale = last_multiplier if last_multiplier in SCALE_UNITS else None
    return Amount(value=total + section, scale=scale)


def _split(token: str) -> list[tuple[str, Decimal]]:
    items: list[tuple[str, Decimal]] = []
    position = 0
    while position < len(token):
        char = token[position]
        arabic = ARABIC.match(token, position)
        if arabic:
            try:
                items.append(("number", Decimal(arabic.group())))
            except InvalidOperation:  # pragma: no cover - the pattern only matches valid decimals
                return []
            position = arabic.end()
        elif char in CHINESE_DIGITS:
            items.append(("number", Decimal(CHINESE_DIGITS[char])))
            position += 1
        elif char in MULTIPLIERS:
            items.append(("multiplier", Decimal(MULTIPLIERS[char])))
            position += 1
        else:
            return []
    return items
