"""Work place of a job posting → the 12-digit statistical region code, as deep as the text names.

`resolve_place("湖北省武汉洪山区")` gives 420111000000 湖北省武汉市洪山区 with the reasons in Chinese. Postings
write places in many ways, all handled here from the national division table (2023, the gzip CSVs of
`openpes/regions/data/2023/`, read without Django):

* separators or none: "深圳-宝安区", "上海·浦东新区", "湖北省武汉洪山区", full addresses;
* names without their suffix ("武汉", "宝安", "陵水", "黔东南"), crawler repetitions ("北京北京",
  "陕西省陕西省"), a leading one-letter province abbreviation ("粤深圳");
* development zones by their short names ("合肥高新区", "郑州-经开区", "苏州-工业园区");
* business areas that are the name of a township (街道/镇/乡) inside the city or county already named
  ("北京海淀区中关村", "上海浦东新区张江"), only when that name is unique there;
* villages and communities, looked up (lazily, one county at a time) inside the county or township named;
* renamed or merged districts and functional areas, from `data/place_aliases.csv` (each with its source);
* places with no code: "全国", "异地招聘", places abroad (`data/place_abroad.csv`), Hong Kong, Macao and
  Taiwan, which the statistical table does not cover.

How a text is read: names are found left to right, each one inside the place found before it (so a county
name that exists in many provinces is taken in the city or province named first). Where the text stays
ambiguous, the result is the deepest place common to every reading, and a reason says why. A suffix-less
township name must end the text or be followed by a separator or a word such as 地区, so that "福田区"
or "福田保税区" are not read as 福田街道.

`within` (a jurisdiction prefix such as "430527") resolves names inside that jurisdiction first, as a
county office does for "长铺镇" or "六王村", unless the text names a place elsewhere.
"""

from __future__ import annotations

import csv
import gzip
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

Level = Literal["province", "city", "county", "township", "village"]
LEVELS: tuple[Level, ...] = ("province", "city", "county", "township", "village")
LEVEL_LABELS = {
    "province": "省级",
    "city": "地市级",
    "county": "区县级",
    "township": "乡镇街道级",
    "village": "村社区级",
}
CODE_LENGTH = 12
SEGMENT_ENDS = (2, 4, 6, 9, 12)  # where each level's segment of the code ends
MUNICIPALITIES = ("11", "12", "31", "50")  # a province-level city: its districts sit right under it

NATIONAL_DIR = "data/2023"  # inside the openpes.regions package
DATA_DIR = Path(__file__).with_name("data")

# Rows of the table that stand for no place of their own; they never appear in a name or as a match.
PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

# Words that say the job has no single place (the code stays empty).
NO_PLACE_WORDS = ("全国", "异地", "不限", "多地", "各地", "远程", "居家", "在家办公", "待定")
ABROAD_WORDS = ("海外", "境外", "国外", "出国", "外派")
OUTSIDE_TABLE = ("香港", "澳门", "台湾", "台北", "高雄")  # in GB/T 2260 but not in the statistical table

# A work place is a name or an address; past this length a text is a description, whose stray names would
# only cost time (the reading grows with the square of the length).
MAX_LENGTH = 200
SEPARATOR = "|"
SEPARATORS = re.compile(r"[\s\-–—_·•・/\\|,，、;；:：()（）\[\]【】<>《》\"'“”‘’.。+＋~～]+")

# Endings that a name may drop in a posting, longest first, by level (1 province … 5 village).
SUFFIXES: dict[int, tuple[str, ...]] = {
    1: ("特别行政区", "省", "市"),
    2: ("地区", "市", "盟"),
    3: ("新区", "林区", "特区", "管理区", "区", "县", "市", "旗"),
    4: ("街道办事处", "地区办事处", "办事处", "街道", "苏木", "镇", "乡"),
    5: ("村民委员会", "居民委员会", "社区居委会", "村委会", "居委会", "社区", "村"),
}
# After a suffix-less township or village name, what may follow it ("张江地区", "龙岗 一带"); not 村 or
# 社区, which make a village's name ("长铺社区" is not 长铺镇).
FOLLOWERS = ("街道", "地区", "片区", "一带", "附近", "周边", "商圈", "区域", "镇", "乡")
# Common short names of development zones ("合肥高新区" for 合肥高新技术产业开发区).
ZONE_SHORT_FORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("高新技术产业开发区", ("高新区", "高新技术开发区", "高新开发区")),
    ("高新技术产业园区", ("高新区", "高新园区")),
    ("高新技术开发区", ("高新区",)),
    ("经济技术开发区", ("经开区", "经济开发区", "开发区")),
    ("经济开发区", ("开发区",)),
)

# How a key was derived from a name; lower is surer. A tie between readings prefers the surer key.
FULL, SHORT, GUESSED, ABBREVIATION = 0, 1, 2, 3


@dataclass(frozen=True)
class Place:
    code: str  # 12 digits, or "" when the text names no place in the table
    name: str  # full name from the province down, e.g. 广东省深圳市宝安区
    level: Level | None
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: int  # 1 province … 5 village
    parent: str


@dataclass(frozen=True, slots=True)
class Key:
    code: str
    rank: int
    note: str = ""  # the alias table's explanation, shown as a reason


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    text: str
    region: Region
    key: Key


@dataclass(frozen=True, slots=True)
class Reading:
    """One way of reading the text: the chain of names matched, from the general to the particular."""

    matches: tuple[Match, ...]
    final: Region | None

    @property
    def depth(self) -> int:
        return self.final.level if self.final else 0

    @property
    def score(self) -> tuple[int, int, int]:
        # More of the text explained first ("三门峡" is the city, not 三门县 and a stray 峡; "青岛市北区" is
        # 青岛 + 市北区, not 青岛市 + 北区), then the deeper place, then the surer keys.
        covered = sum(m.end - m.start for m in self.matches)
        return (covered, self.depth, -sum(m.key.rank for m in self.matches))


@cache
def significant(code: str) -> str:
    """The prefix that identifies a code at its own level: 440306000000 → 440306."""
    digits = code.rstrip("0")
    for end in SEGMENT_ENDS:
        if len(digits) <= end:
            return code[:end]
    return code


def is_inside(code: str, ancestor: str) -> bool:
    return code != ancestor and code.startswith(significant(ancestor))


def common_ancestor(codes: list[str], regions: dict[str, Region]) -> str:
    """The deepest region whose subtree holds every one of `codes` ("" when they lie in different provinces)."""
    best = ""
    for end in SEGMENT_ENDS:
        prefixes = {c[:end] for c in codes}
        if len(prefixes) != 1:
            break
        code = prefixes.pop().ljust(CODE_LENGTH, "0")
        region = regions.get(code)
        if region is not None and region.name not in PLACEHOLDER_NAMES:
            best = code
    return best


# ---------------------------------------------------------------------------------------------- the table


def ethnic_stems(name: str, before: int) -> list[str]:
    """Guesses of the place name in front of the ethnic names of an autonomous unit or ethnic township.

    "黔东南苗族侗族自治州" → 黔东, 黔东南; "巴音郭楞蒙古自治州" → 巴音, 巴音郭, 巴音郭楞. An ethnic name has
    one to four characters before 族 (or is written without 族: 蒙古, 哈萨克, 柯尔克孜), so the stem ends one
    to five characters before the first 族. The wrong guesses are prefixes of the right one and rank below
    every real name, so they only decide when nothing else matches.
    """
    head = name[:before]
    first_zu = head.find("族")
    if first_zu > 0:
        low, high = first_zu - 4, first_zu - 1
    else:
        low, high = len(head) - 4, len(head) - 2
    return [head[:k] for k in range(max(2, low), high + 1)]


def strip_suffix(name: str, level: int) -> list[str]:
    """Names without their ending: 洪山区 → 洪山, 石湾镇街道 → 石湾镇, 石湾."""
    stems: list[str] = []
    current = name
    suffixes = SUFFIXES.get(level, ())
    for _ in range(2):  # 石湾镇街道: 街道, then 镇
        if not current.endswith(suffixes):
            break
        for suffix in suffixes:
            if current.endswith(suffix) and len(current) - len(suffix) >= 2:
                current = current[: -len(suffix)]
                stems.append(current)
                break
        else:
            break
    return stems


def name_keys(region: Region, parents: list[Region]) -> Iterator[tuple[str, int]]:
    """Every way a posting may write this region's name, with how sure the key is."""
    name = region.name
    yield name, FULL
    autonomous = name.find("自治")
    if autonomous > 0:
        ending = name[autonomous + 2 :]  # 州, 县, 旗, 区
        for stem in ethnic_stems(name, autonomous):
            yield stem, GUESSED
            if ending in ("州", "县", "旗"):
                yield stem + ending, GUESSED  # 黔东南州, 城步县
        yield name[:autonomous], GUESSED
    elif region.level == 4 and "族" in name and re.search(r"族(乡|镇|苏木)$", name):
        ending = name[-1] if not name.endswith("苏木") else "苏木"
        for stem in ethnic_stems(name, len(name) - len(ending)):
            yield stem, GUESSED
            yield stem + ending, GUESSED  # 东山侗族乡 → 东山乡
    for stem in strip_suffix(name, region.level):
        if region.level == 3 and stem.startswith("市"):
            continue  # 市中区 → 市中 would read "济南市中心" as a district
        yield stem, SHORT
    if region.level == 4 and name.endswith("街道") and len(region.parent.rstrip("0")) <= 4:
        # Cities without counties (东莞, 中山) are written "东莞-南城区" for 南城街道.
        yield name[: -len("街道")] + "区", SHORT
    if region.level == 3:
        yield from zone_keys(name, parents)


def zone_keys(name: str, parents: list[Region]) -> Iterator[tuple[str, int]]:
    """Development zones are named after their city: 合肥高新技术产业开发区 → 高新区, 合肥高新区, 高新技术产业开发区."""
    prefixes = {p.name for p in parents} | {s for p in parents for s in strip_suffix(p.name, p.level)}
    bare = name
    for _ in range(2):  # 河北唐山芦台经济开发区: the province, then the city
        for prefix in sorted(prefixes, key=len, reverse=True):
            if bare.startswith(prefix) and len(bare) - len(prefix) >= 3:
                bare = bare[len(prefix) :]
                break
    forms = {bare, name} if bare != name else {name}
    if bare != name:
        yield bare, SHORT
    for long, shorts in ZONE_SHORT_FORMS:
        for form in forms:
            if form.endswith(long):
                head = form[: -len(long)]
                for short in shorts:
                    yield head + short, SHORT
        if bare.endswith(long) or name.endswith(long):
            break


@dataclass
class Table:
    regions: dict[str, Region]
    keys: dict[str, list[Key]]
    longest_key: int
    abroad: frozenset[str]
    villages: dict[str, tuple[dict[str, Region], dict[str, list[Key]]]] = field(default_factory=dict)
    village_rows: dict[str, dict[str, list[Region]]] = field(default_factory=dict)

    def ancestors(self, code: str) -> list[Region]:
        """The region and those above it, from the province down, without the placeholder rows."""
        chain: list[Region] = []
        region = self.regions.get(code) or self.village(code)
        while region is not None:
            if region.name not in PLACEHOLDER_NAMES:
                chain.append(region)
            region = self.regions.get(region.parent) if region.parent != region.code else None
        return chain[::-1]

    def full_name(self, code: str) -> str:
        return "".join(r.name for r in self.ancestors(code))

    def village(self, code: str) -> Region | None:
        if len(code) != CODE_LENGTH or code.endswith("000"):
            return None
        return self.village_index(code[:6])[0].get(code)

    def village_index(self, county: str) -> tuple[dict[str, Region], dict[str, list[Key]]]:
        """The villages and communities of one county, indexed on first use (their province's file is read
        once, on the first use of any of its counties)."""
        with _LOCK:
            if county not in self.villages:
                province = county[:2]
                if province not in self.village_rows:
                    self.village_rows[province] = read_villages(province)
                self.villages[county] = index_villages(self.village_rows[province].get(county, []))
            return self.villages[county]


_LOCK = threading.Lock()


def national_files() -> list[Path]:
    directory = resources.files("openpes.regions").joinpath(NATIONAL_DIR)
    return sorted(Path(str(directory)).glob("*.csv.gz"))


def read_regions() -> dict[str, Region]:
    """Provinces down to townships. Each province file lists its levels in order, so reading stops at the
    first village: the 620,000 villages are read only for the county that needs them."""
    regions: dict[str, Region] = {}
    for path in national_files():
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            next(rows, None)
            for code, name, level, parent in rows:
                if level == "5":
                    break
                # 东莞, 中山, 儋州 and 金门 are listed twice (as city and as county): keep the first.
                regions.setdefault(code, Region(code, name, int(level), parent))
    return regions


def read_villages(province: str) -> dict[str, list[Region]]:
    """The villages and communities of one province, by county."""
    by_county: dict[str, list[Region]] = {}
    path = next((p for p in national_files() if p.name == f"{province}.csv.gz"), None)
    if path is None:
        return by_county
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows, None)
        for code, name, level, parent in rows:
            if level == "5":
                by_county.setdefault(code[:6], []).append(Region(code, name, 5, parent))
    return by_county


def index_villages(villages: list[Region]) -> tuple[dict[str, Region], dict[str, list[Key]]]:
    keys: dict[str, list[Key]] = {}
    for village in villages:
        for written, rank in name_keys(village, []):
            keys.setdefault(written, []).append(Key(village.code, rank))
    return {v.code: v for v in villages}, keys


def read_aliases() -> dict[str, Key]:
    with (DATA_DIR / "place_aliases.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["alias"]: Key(row["code"], ABBREVIATION if len(row["alias"]) == 1 else SHORT, row["note"])
            for row in csv.DictReader(handle)
        }


def read_abroad() -> frozenset[str]:
    with (DATA_DIR / "place_abroad.csv").open(encoding="utf-8", newline="") as handle:
        return frozenset({*(row["name"] for row in csv.DictReader(handle)), *ABROAD_WORDS})


def first_of(words: frozenset[str], text: str) -> tuple[int, str]:
    """Where the first of `words` occurs in `text` (the longest one there), or (len(text), "")."""
    longest = max(map(len, words))
    for start in range(len(text)):
        for end in range(min(len(text), start + longest), start, -1):
            if text[start:end] in words:
                return start, text[start:end]
    return len(text), ""


@cache
def table() -> Table:
    """The index, built once per process (about 0.3 s) on first use."""
    regions = read_regions()
    keys: dict[str, list[Key]] = {}
    for region in regions.values():
        if region.name in PLACEHOLDER_NAMES:
            continue
        # Only a development zone (a county-level row) is named after the places above it.
        parents = (
            [regions[p] for p in ancestor_codes(region.code) if p in regions] if region.level == 3 else []
        )
        seen: set[str] = set()
        for written, rank in name_keys(region, parents):
            if len(written) >= 2 and written not in seen:
                seen.add(written)
                keys.setdefault(written, []).append(Key(region.code, rank))
    for alias, alias_key in read_aliases().items():
        if alias_key.code in regions:
            keys.setdefault(alias, []).append(alias_key)
    return Table(
        regions=regions,
        keys=keys,
        longest_key=max(len(k) for k in keys),
        abroad=read_abroad(),
    )


def ancestor_codes(code: str) -> list[str]:
    digits = significant(code)
    return [code[:end].ljust(CODE_LENGTH, "0") for end in SEGMENT_ENDS if end < len(digits)]


# ------------------------------------------------------------------------------------------- the reading


def clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = SEPARATORS.sub(SEPARATOR, text).strip(SEPARATOR)
    for country in ("中华人民共和国", "中国"):
        if text.startswith(country) and len(text) > len(country):
            text = text[len(country) :].lstrip(SEPARATOR)
    return text


def followed_well(text: str, end: int) -> bool:
    return end == len(text) or text[end] == SEPARATOR or text.startswith(FOLLOWERS, end)


def needs_ending(key: Key, written: str, level: int) -> bool:
    """A township or village written without its suffix must end where a name may end ("张江", "张江地区"),
    not run on into other words ("福田保税区" is not 福田街道). "南城区" for 东莞's 南城街道 has its own."""
    return key.rank != FULL and level >= 4 and not written.endswith("区")


def find_matches(text: str, tab: Table) -> list[Match]:
    """Every name of the table found in the text (villages excepted)."""
    matches: list[Match] = []
    for start in range(len(text)):
        for end in range(min(len(text), start + tab.longest_key), start, -1):
            found = tab.keys.get(text[start:end])
            if not found:
                continue
            for key in found:
                region = tab.regions[key.code]
                if key.rank == ABBREVIATION and start != 0:
                    continue
                if needs_ending(key, text[start:end], region.level) and not followed_well(text, end):
                    continue
                matches.append(Match(start, end, text[start:end], region, key))
    # "黑龙江", "湘潭": a longer name at the start wins over a one-letter abbreviation.
    if any(m.key.rank == ABBREVIATION for m in matches) and any(m.start == 0 and m.end > 1 for m in matches):
        matches = [m for m in matches if m.key.rank != ABBREVIATION]
    return matches


def may_follow(match: Match, context: Region | None) -> bool:
    """May this name come next, inside `context`?"""
    region = match.region
    if context is None:
        # A township by its short name alone could be anywhere: it needs a city or county named first.
        return not (region.level >= 4 and match.key.rank != FULL)
    if not is_inside(region.code, context.code):
        return False
    if region.level >= 4 and match.key.rank != FULL:
        return context.level >= 2 or context.code[:2] in MUNICIPALITIES
    return True


def readings(text: str, matches: list[Match], root: Region | None, tab: Table) -> list[Reading]:
    """The best readings of the text (more than one when it is ambiguous).

    A name that skips a level ("北京" → 中关村, "湖北省" → a county) must come right after the name before
    it or after a separator: inside other words ("东湖新技术产业开发区", "雄安新区") such names are chance
    look-alikes of a township called 开发区 or of 安新县."""
    memo: dict[tuple[int, str, str], list[Reading]] = {}

    def best_from(position: int, context: Region | None, last_text: str) -> list[Reading]:
        state = (position, context.code if context else "", last_text)
        if state in memo:
            return memo[state]
        options: list[tuple[Match, bool]] = []  # (match, is a repetition of the context or above it)
        for match in matches:
            if match.start < position:
                continue
            repeats = context is not None and (
                match.region.code == context.code or is_inside(context.code, match.region.code)
            )
            if repeats:
                options.append((match, True))
            elif match.text != last_text and may_follow(match, context):
                at_boundary = match.start == position or text[match.start - 1] == SEPARATOR
                if at_boundary or context is None or parent_of(match.region, tab) is context:
                    options.append((match, False))
        if not options:
            memo[state] = [Reading((), context)]
            return memo[state]
        first = min(m.start for m, _ in options)
        options = [(m, r) for m, r in options if m.start == first]
        options = shallowest_per_span(options)
        results: list[Reading] = []
        for match, repeats in options:
            if repeats:
                tail = best_from(match.end, context, match.text)
                results.extend(Reading((match, *t.matches), t.final) for t in tail)
            else:
                tail = best_from(match.end, match.region, match.text)
                for t in tail:
                    if match.key.rank == ABBREVIATION and t.final is match.region:
                        continue  # "粤" alone is not a place; only "粤深圳" is
                    results.append(Reading((match, *t.matches), t.final))
        if not results:
            results = [Reading((), context)]
        top = max(r.score for r in results)
        memo[state] = unique_finals([r for r in results if r.score == top])
        return memo[state]

    return best_from(0, root, "")


def parent_of(region: Region, tab: Table) -> Region | None:
    """The region right above, skipping the placeholder rows (北京市 for 海淀区, not 市辖区)."""
    parent = tab.regions.get(region.parent)
    while parent is not None and parent.name in PLACEHOLDER_NAMES:
        parent = tab.regions.get(parent.parent)
    return parent


def shallowest_per_span(options: list[tuple[Match, bool]]) -> list[tuple[Match, bool]]:
    """Where one stretch of text names places at different levels ("长沙": the city and 长沙县), the
    higher level is meant; a repetition of what is already known is always kept as a reading."""
    by_span: dict[tuple[int, int], int] = {}
    for match, repeats in options:
        if not repeats:
            span = (match.start, match.end)
            by_span[span] = min(by_span.get(span, 9), match.region.level)
    return [(m, r) for m, r in options if r or m.region.level == by_span[(m.start, m.end)]]


def unique_finals(results: list[Reading]) -> list[Reading]:
    seen: dict[str, Reading] = {}
    for reading in results:
        seen.setdefault(reading.final.code if reading.final else "", reading)
    return list(seen.values())


def match_village(text: str, start: int, place: Region, tab: Table) -> tuple[Region | None, list[str], int]:
    """A village or community named after the county or township already found, with the reasons and how
    many characters its name took."""
    villages, keys = tab.village_index(place.code[:6])
    found: dict[str, tuple[Region, str]] = {}
    for begin in range(start, len(text)):
        if begin != start and text[begin - 1] != SEPARATOR:
            continue  # a village name inside other words ("石碑岭街道口") is a chance look-alike
        for end in range(len(text), begin + 1, -1):
            for key in keys.get(text[begin:end], ()):
                village = villages[key.code]
                if not is_inside(village.code, place.code):
                    continue
                if key.rank != FULL and place.level < 4:
                    continue  # by its short name, a village is looked for only inside the township named
                if needs_ending(key, text[begin:end], 5) and not followed_well(text, end):
                    continue
                found.setdefault(village.code, (village, text[begin:end]))
        if found:
            break
    if len(found) == 1:
        village, written = next(iter(found.values()))
        return village, [f"“{written}”是{tab.full_name(village.code)}"], len(written)
    if len(found) > 1:
        names = "、".join(tab.full_name(c) for c in sorted(found)[:5])
        written = next(iter(found.values()))[1]
        where = tab.full_name(place.code)
        return None, [f"“{written}”在{where}有{len(found)}处同名村（社区）：{names}，只确定到{where}"], 0
    return None, [], 0


VILLAGE_WORDS = ("村", "社区", "居委", "委员会", "生活区")


def may_name_village(rest: str, place: Region, root: Region | None) -> bool:
    """Whether the rest of the text may name a village, so that its county's villages are worth reading:
    inside a township a village may go by its short name, inside a county only by its full name, which
    outside the county's own office ends in one of the usual words."""
    if not rest.strip(SEPARATOR) or place.level not in (3, 4):
        return False
    return place.level == 4 or root is not None or any(word in rest for word in VILLAGE_WORDS)


@dataclass(frozen=True)
class Outcome:
    place: Region | None
    reasons: list[str]
    start: int  # where the first name used begins in the cleaned text
    end: int  # where the last name used ends
    covered: int  # how many characters of the text the names used explain
    several: bool = False  # the text lists several work places


def outcome(text: str, tab: Table, root: Region | None, *, listing: bool = True) -> Outcome:
    """The place a cleaned text names (inside `root` when given) and why; `listing`: look for several
    places listed one after the other."""
    matches = find_matches(text, tab)
    if listing and root is None and SEPARATOR in text:
        several = listed_places(text, matches, tab)
        if several is not None:
            return several
    found = readings(text, matches, root, tab)
    if len(found) > 1:
        return ambiguous(text, found, root, tab)
    reading = found[0]
    reasons: list[str] = []
    for match in reading.matches:
        if match.key.note:
            reasons.append(f"“{match.text}”：{match.key.note}")
        elif match.key.rank == GUESSED:
            reasons.append(f"“{match.text}”按{match.region.name}的简称识别")
    start = reading.matches[0].start if reading.matches else len(text)
    end = reading.matches[-1].end if reading.matches else 0
    covered = reading.score[0]
    place = reading.final
    if place is not None and may_name_village(text[end:], place, root):
        # From where the place was first named: "长铺镇长铺社区" repeats 长铺 inside the village's name.
        named_at = next((m.end for m in reading.matches if m.region is place), end)
        village, village_reasons, village_length = match_village(text, named_at, place, tab)
        reasons.extend(village_reasons)
        if village is not None:
            place, end, covered = village, len(text), covered + village_length
            start = min(start, named_at)
    if reading.matches:
        names = "".join(f"“{m.text}”" for m in reading.matches)
        reasons.insert(0, f"识别出{names}")
    return Outcome(place, reasons, start, end, covered)


def listed_places(text: str, matches: list[Match], tab: Table) -> Outcome | None:
    """Several work places listed one after the other: "北京/上海", "深圳南山区、深圳福田区". A new place
    opens behind a separator with a province or city that is not inside the place read so far ("广东省-深圳"
    is one place; a district or zone does not open one, so "合肥-滨湖新区" is not read as 衡水滨湖新区).
    Only the region holding all of them is certain."""
    openings = sorted(
        {
            m.start
            for m in matches
            if m.start > 0 and text[m.start - 1] == SEPARATOR and m.region.level <= 2 and m.key.rank <= SHORT
        }
    )
    if not openings:
        return None
    groups: list[Outcome] = []
    begin = 0
    for end in [*openings, len(text)]:
        piece = outcome(text[begin:end].strip(SEPARATOR), tab, None, listing=False)
        if piece.place is None:
            continue  # nothing here: read it with what comes next
        if groups and groups[-1].place is not None and related(groups[-1].place.code, piece.place.code):
            # The same place said more precisely: read the two pieces together.
            group_begin = groups.pop().start
            piece = outcome(text[group_begin:end].strip(SEPARATOR), tab, None, listing=False)
            piece = Outcome(piece.place, piece.reasons, group_begin, end, piece.covered)
        else:
            piece = Outcome(piece.place, piece.reasons, begin, end, piece.covered)
        groups.append(piece)
        begin = end
    places = [g.place for g in groups if g.place is not None]
    if len(places) < 2:
        return None
    code = common_ancestor([p.code for p in places], tab.regions)
    listed = "、".join(tab.full_name(p.code) for p in places)
    shared = f"只确定到它们共同所在的{tab.full_name(code)}" if code else "不在同一省份，区划代码留空"
    reasons = [*(r for g in groups for r in g.reasons), f"列出了不止一个工作地点：{listed}，{shared}"]
    place = tab.regions.get(code) if code else None
    return Outcome(place, reasons, groups[0].start, len(text), sum(g.covered for g in groups), several=True)


def ambiguous(text: str, found: list[Reading], root: Region | None, tab: Table) -> Outcome:
    """Several places fit the text equally well: keep what they have in common."""
    codes = [r.final.code for r in found if r.final]
    code = common_ancestor(codes, tab.regions)
    place = tab.regions.get(code) if code else None
    if place is not None and root is not None and not (place is root or is_inside(place.code, root.code)):
        place = root
    written = found[0].matches[-1].text if found[0].matches else text
    candidates = "、".join(tab.full_name(c) for c in sorted(codes)[:5])
    more = "等" if len(codes) > 5 else ""
    where = tab.full_name(place.code) if place else "省级以上，区划代码留空"
    reason = f"“{written}”有{len(codes)}处同名：{candidates}{more}；文字不足以区分，只确定到{where}"
    start = min((m.start for r in found for m in r.matches), default=len(text))
    end = max((m.end for r in found for m in r.matches), default=0)
    return Outcome(place, [reason], start, end, found[0].score[0])


def resolve_place(text: str, *, within: str = "") -> Place:
    """The region a work-place text names, as deep as it names it; see the module's docstring."""
    tab = table()
    cleaned = clean(text[:MAX_LENGTH])
    root = jurisdiction(within, tab)
    if not cleaned.strip(SEPARATOR):
        return Place("", "", None, ["没有填写工作地点"])
    chosen = outcome(cleaned, tab, None)
    if root is not None:
        local = outcome(cleaned, tab, root)
        # Inside the jurisdiction first, unless the text says more about a place elsewhere
        # ("北京朝阳区红岩" is in Beijing although 绥宁 has a 红岩镇).
        names_something = local.place is not root or (chosen.place is None and bool(local.reasons))
        if local.place is not None and names_something and local.covered >= chosen.covered:
            chosen = Outcome(
                local.place,
                [f"先在{tab.full_name(root.code)}范围内查找", *local.reasons],
                local.start,
                local.end,
                local.covered,
            )
    place, reasons, end = chosen.place, chosen.reasons, chosen.end
    no_place = no_place_reason(cleaned, place, chosen.start, tab)
    if no_place:
        return Place("", "", None, no_place)
    if place is None:
        if reasons:
            return Place("", "", None, reasons)
        return Place("", "", None, [f"没有在“{text.strip()}”中识别出区划名称，区划代码留空"])
    rest = cleaned[end:].strip(SEPARATOR)
    level = LEVELS[place.level - 1]
    name = tab.full_name(place.code)
    if rest and re.search(r"[\u4e00-\u9fff]", rest) and place.level < 5:
        reasons.append(f"“{rest}”不是{name}下属的区划名称，只确定到{LEVEL_LABELS[level]}")
    reasons.append(f"定位到{name}（{LEVEL_LABELS[level]}）")
    return Place(place.code, name, level, reasons)


def related(code: str, other: str) -> bool:
    return code == other or is_inside(code, other) or is_inside(other, code)


def jurisdiction(within: str, tab: Table) -> Region | None:
    if not within:
        return None
    if not within.isdigit() or len(within) not in SEGMENT_ENDS:
        raise ValueError(f"within 应为2、4、6、9或12位区划代码，收到 {within!r}")
    code = within.ljust(CODE_LENGTH, "0")
    region = tab.regions.get(code)
    if region is None:
        raise ValueError(f"区划表中没有代码 {code}")
    return region


def no_place_reason(cleaned: str, place: Region | None, first_place: int, tab: Table) -> list[str]:
    """Nationwide, abroad or outside the table: only when no place of the table is named before it."""
    for word in OUTSIDE_TABLE:
        at = cleaned.find(word)
        if at >= 0 and (place is None or at < first_place):
            return [f"“{word}”不在国家统计用区划代码表内（表中只有内地的区划），区划代码留空"]
    at, word = first_of(tab.abroad, cleaned)
    if word and (place is None or at < first_place):
        return [f"“{word}”在境外，区划代码留空（区划代码只有境内的区划）"]
    if place is None:
        for word in NO_PLACE_WORDS:
            if word in cleaned:
                return [f"“{word}”不是一个具体的工作地点，区划代码留空"]
    return []
