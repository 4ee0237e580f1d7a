"""The work-place resolver on real postings, on crafted texts of every shape, and on random input."""

from __future__ import annotations

import csv
import gzip
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpes.vacancies.normalise.place import Place, resolve_place

ROOT = Path(__file__).resolve().parents[2]
LABELLED = Path(__file__).with_name("data") / "labelled_place.csv"
NATIONAL = ROOT / "src" / "openpes" / "regions" / "data" / "2023"
SUINING = "430527"
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def postings_path() -> Path:
    # The shared data sit beside the repository: /work/shared next to /work/main or /work/wt/<branch>.
    for base in (ROOT.parent, ROOT.parent.parent):
        candidate = base / "shared" / "data" / "jobs" / "postings_a.csv"
        if candidate.exists():
            return candidate
    pytest.skip("postings_a.csv (shared/data/jobs) is not beside the repository")


def read_postings() -> list[dict[str, str]]:
    with postings_path().open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_tree(province: str = "", *, villages: bool = False) -> Iterator[tuple[str, str, int, str]]:
    """The division table, read here on its own so that the resolver is checked against the data."""
    paths = [NATIONAL / f"{province}.csv.gz"] if province else sorted(NATIONAL.glob("*.csv.gz"))
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                level = int(row["level"])
                if level < 5 or villages:
                    yield row["code"], row["name"], level, row["parent"]


@pytest.fixture(scope="module")
def tree() -> dict[str, tuple[str, int, str]]:
    nodes: dict[str, tuple[str, int, str]] = {}
    for code, name, level, parent in read_tree():
        nodes.setdefault(code, (name, level, parent))
    for province in ("11", "31", "43", "44"):  # the villages the random texts below can reach
        for code, name, level, parent in read_tree(province, villages=True):
            nodes.setdefault(code, (name, level, parent))
    return nodes


def tree_name(code: str, tree: dict[str, tuple[str, int, str]]) -> str:
    names: list[str] = []
    while code:
        name, _, parent = tree[code]
        if name not in PLACEHOLDERS:
            names.append(name)
        code = parent if parent != code else ""
    return "".join(reversed(names))


# ------------------------------------------------------------------------------------ real postings


def test_labelled_rows_are_the_rows_of_the_postings_file() -> None:
    postings = read_postings()
    with LABELLED.open(encoding="utf-8", newline="") as handle:
        labelled = list(csv.DictReader(handle))
    assert len(labelled) >= 300
    for row in labelled:
        assert postings[int(row["row"])]["place_text"] == row["place_text"], row


def test_labelled_places_are_resolved_correctly(tree: dict[str, tuple[str, int, str]]) -> None:
    postings = read_postings()
    with LABELLED.open(encoding="utf-8", newline="") as handle:
        labelled = list(csv.DictReader(handle))
    wrong = []
    for row in labelled:
        assert row["expected_code"] in tree, row  # every label is a code of the table
        place = resolve_place(postings[int(row["row"])]["place_text"])
        if place.code != row["expected_code"]:
            wrong.append((row["place_text"], row["expected_code"], place.code, place.reasons))
    share = 1 - len(wrong) / len(labelled)
    print(f"place resolved correctly: {share:.2%} of {len(labelled)} labelled rows; wrong: {wrong}")
    assert share >= 0.98


def test_nearly_every_posting_resolves_to_a_city_or_deeper() -> None:
    postings = read_postings()
    places = [resolve_place(row["place_text"]) for row in postings]
    municipality = ("11", "12", "31", "50")  # 北京, 天津, 上海, 重庆 are cities at the province level
    deep = [
        p
        for p in places
        if p.level in ("city", "county", "township", "village") or p.code[:2] in municipality
    ]
    share = len(deep) / len(places)
    print(f"resolved to city level or deeper: {share:.2%} of {len(places)} postings")
    assert share >= 0.98


# --------------------------------------------------------------------------------------- crafted


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # separators, none, and crawler repetitions
        ("深圳-宝安区", "440306000000"),
        ("上海·浦东新区", "310115000000"),
        ("湖北省武汉洪山区", "420111000000"),
        ("北京北京", "110000000000"),
        ("陕西省陕西省", "610000000000"),
        ("北京-海淀区", "110108000000"),
        ("深圳 / 南山区", "440305000000"),
        # a city without 市, a county without 区, and names that hide other names
        ("武汉", "420100000000"),
        ("深圳深圳宝安", "440306000000"),
        ("三门峡", "411200000000"),
        ("山东省青岛市北区", "370203000000"),
        ("山东省济南市中区", "370103000000"),
        ("湖南省长沙长沙县", "430121000000"),
        ("湖南省长沙长沙海信广场", "430100000000"),
        # a county name repeated across provinces, told apart by the city before it
        ("南京-鼓楼区", "320106000000"),
        ("福州·鼓楼区", "350102000000"),
        ("北京·朝阳区", "110105000000"),
        ("辽宁省朝阳", "211300000000"),
        # renamed and merged districts, functional areas
        ("深圳-龙华新区", "440309000000"),
        ("深圳-光明新区", "440311000000"),
        ("深圳-大鹏新区", "440307000000"),
        ("北京-崇文区", "110101000000"),
        ("北京宣武区", "110102000000"),
        ("杭州-下城区", "330105000000"),
        ("杭州-江干区", "330100000000"),
        ("上海闸北区", "310106000000"),
        # development zones by their short names
        ("安徽省合肥高新区", "340176000000"),
        ("郑州-经开区", "410171000000"),
        ("苏州-工业园区", "320576000000"),
        ("吉林省长春净月高新技术产业开发区生态广场", "220172000000"),
        ("湖北省武汉东湖新技术产业开发区", "420100000000"),
        ("成都-高新区", "510100000000"),
        # business areas that are the names of townships
        ("北京北京北下关", "110108007000"),
        ("北京海淀区北下关", "110108007000"),
        ("上海上海张江", "310115125000"),
        ("上海·浦东新区张江地区", "310115125000"),
        ("深圳深圳龙岗区龙岗", "440307016000"),
        ("深圳深圳福田区福田保税区", "440304400000"),
        ("东莞-长安镇", "441900119000"),
        ("东莞-南城区", "441900004000"),
        ("广东省中山东区", "442000002000"),
        # full addresses
        ("广东省深圳市南山区科技园南区深南大道10000号", "440305000000"),
        ("湖南省邵阳市绥宁县长铺镇长征路12号", "430527100000"),
        # a leading province name or abbreviation
        ("广西南宁", "450100000000"),
        ("内蒙古呼和浩特新城区", "150102000000"),
        ("粤深圳", "440300000000"),
        ("黑龙江", "230000000000"),
        ("湘潭", "430300000000"),
        # autonomous units by their short names
        ("海南省陵水", "469028000000"),
        ("黔东南", "522600000000"),
        ("湖南城步县", "430529000000"),
    ],
)
def test_crafted_places(text: str, code: str, tree: dict[str, tuple[str, int, str]]) -> None:
    place = resolve_place(text)
    assert place.code == code, place.reasons
    assert place.name == tree_name(code, tree)
    assert place.reasons


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("全国", "不是一个具体的工作地点"),
        ("异地招聘", "不是一个具体的工作地点"),
        ("日本东京", "境外"),
        ("新加坡", "境外"),
        ("海外", "境外"),
        ("美国·纽约", "境外"),
        ("香港", "不在国家统计用区划代码表内"),
        ("", "没有填写工作地点"),
        ("面议", "没有在"),
    ],
)
def test_texts_without_a_place_leave_the_code_empty_and_say_why(text: str, reason: str) -> None:
    place = resolve_place(text)
    assert place == Place("", "", None, place.reasons)
    assert any(reason in r for r in place.reasons), place.reasons


def test_a_place_named_before_a_foreign_word_is_kept() -> None:
    assert resolve_place("上海（可外派日本）").code == "310000000000"
    assert resolve_place("内蒙古包头").code == "150200000000"  # 蒙古 inside 内蒙古 is not abroad


def test_an_ambiguous_county_goes_only_as_deep_as_is_certain() -> None:
    everywhere = resolve_place("鼓楼区")
    assert everywhere.code == ""
    assert any("4处同名" in r for r in everywhere.reasons)
    in_jiangsu = resolve_place("江苏省鼓楼区")  # 南京 and 徐州 both have one
    assert in_jiangsu.code == "320000000000"
    assert in_jiangsu.level == "province"
    assert any("南京市鼓楼区" in r and "徐州市鼓楼区" in r for r in in_jiangsu.reasons)


def test_a_township_name_is_not_read_inside_other_words() -> None:
    # 福田区 has a 福田街道, 洪山区 a 洪山街道: neither is meant by the district's own name.
    assert resolve_place("深圳福田区").level == "county"
    assert resolve_place("湖北省武汉洪山区石碑岭").code == "420111000000"
    # 雄安新区 is not in the table; 安新县 inside its name is a look-alike.
    assert resolve_place("河北省雄安新区").code == "130000000000"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("北京/上海", ""),
        ("上海、杭州、南京", ""),
        ("深圳南山区、深圳福田区", "440300000000"),
        ("深圳南山区，广州天河区", "440000000000"),
    ],
)
def test_several_places_keep_only_the_region_holding_them_all(text: str, code: str) -> None:
    place = resolve_place(text)
    assert place.code == code, place.reasons
    assert any("不止一个工作地点" in r for r in place.reasons)


def test_one_place_written_in_pieces_is_not_several() -> None:
    assert resolve_place("广东省-深圳-宝安区").code == "440306000000"
    assert resolve_place("合肥-滨湖新区").code == "340100000000"  # 合肥's functional area, not 衡水滨湖新区


def test_an_alias_says_where_the_old_name_went() -> None:
    place = resolve_place("北京-崇文区")
    assert any("崇文区" in r and "东城区" in r for r in place.reasons)


# ------------------------------------------------------------------------ the demo county (绥宁县)


def suining(level: int) -> list[tuple[str, str, str]]:
    return [
        (code, name, parent)
        for code, name, lvl, parent in read_tree("43", villages=True)
        if lvl == level and code.startswith(SUINING)
    ]


def test_every_township_of_suining_resolves_inside_the_county_by_its_name() -> None:
    townships = suining(4)
    assert len(townships) == 17
    for code, name, _ in townships:
        place = resolve_place(name, within=SUINING)
        assert place.code == code, (name, place.reasons)
        assert resolve_place(f"绥宁县{name}").code == code


def test_townships_of_suining_by_their_short_names(tree: dict[str, tuple[str, int, str]]) -> None:
    assert resolve_place("长铺", within=SUINING).code == "430527100000"
    assert resolve_place("关峡", within=SUINING).code == "430527206000"  # 关峡苗族乡
    assert resolve_place("东山乡", within=SUINING).code == "430527200000"  # 东山侗族乡
    # Without the county, "长铺镇" is also in 安徽省宿松县: the text alone does not tell.
    assert resolve_place("长铺镇").code == ""


def test_every_village_of_suining_resolves_inside_its_township() -> None:
    villages = suining(5)
    assert len(villages) == 241
    names = [name for _, name, _ in villages]
    townships = {code: name for code, name, _ in suining(4)}
    for code, name, parent in villages:
        in_township = resolve_place(f"绥宁县{townships[parent]}{name}")
        assert in_township.code == code, (name, in_township.reasons)
        alone = resolve_place(name, within=SUINING)
        if names.count(name) == 1:
            assert alone.code == code, (name, alone.reasons)
        else:  # two villages of that name in the county: stay at the county and say so
            assert alone.code == f"{SUINING}000000"
            assert any("同名" in r for r in alone.reasons)


def test_within_gives_way_to_a_place_named_elsewhere() -> None:
    # 绥宁 has a 红岩镇; "北京朝阳区红岩" is still in Beijing.
    assert resolve_place("北京朝阳区红岩", within=SUINING).code == "110105000000"
    assert resolve_place("深圳宝安", within=SUINING).code == "440306000000"


def test_within_must_be_a_code_of_the_table() -> None:
    with pytest.raises(ValueError):
        resolve_place("长铺镇", within="43052")
    with pytest.raises(ValueError):
        resolve_place("长铺镇", within="999999")


def test_the_resolver_runs_without_django() -> None:
    code = (
        "import sys; from openpes.vacancies.normalise.place import resolve_place; "
        "assert resolve_place('深圳-宝安区').code == '440306000000'; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 (our own interpreter and code)


# --------------------------------------------------------------------------------------- random

NAMES = [
    "湖南省",
    "邵阳",
    "绥宁县",
    "长铺镇",
    "北京",
    "海淀区",
    "鼓楼区",
    "深圳",
    "宝安",
    "张江",
    "全国",
    "日本",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(
        st.text(max_size=40),
        st.lists(
            st.one_of(
                st.sampled_from(NAMES), st.sampled_from(["-", "·", " ", "(", "号", "路"]), st.text(max_size=3)
            ),
            max_size=8,
        ).map("".join),
    ),
    within=st.sampled_from(["", SUINING, "43", "430527100"]),
)
def test_never_crashes_and_the_code_is_a_region_of_the_table(
    text: str, within: str, tree: dict[str, tuple[str, int, str]]
) -> None:
    place = resolve_place(text, within=within)
    assert place.code == "" or (len(place.code) == 12 and place.code.isdigit())
    assert place.reasons
    if place.code:
        assert place.code in tree
        assert place.name == tree_name(place.code, tree)
        assert place.level == ("province", "city", "county", "township", "village")[tree[place.code][1] - 1]
    else:
        assert place.name == "" and place.level is None
