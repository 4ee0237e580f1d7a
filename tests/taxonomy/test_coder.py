"""The occupation coder's helpers and behaviour, without a database (the coder is a pure module)."""

from __future__ import annotations

import csv
import gzip

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpes.taxonomy import coder as occupation
from openpes.taxonomy.coder import (
    DATA,
    build_coder,
    clean_name,
    code_occupation,
    corrections_table,
    default_coder,
    leaf_codes,
    name_stem,
    normalise_text,
    split_title,
)


def top_code(title: str, description: str = "", industry: str = "") -> str:
    candidates = code_occupation(title, description, industry)
    assert candidates, f"no candidate for {title!r}"
    return candidates[0].code


# -- pure helpers -------------------------------------------------------------------------------------------


def test_normalise_text_turns_full_width_into_half_width_and_lowers_latin() -> None:
    assert normalise_text("ＪＡＶＡ开发（实习）") == "java开发(实习)"


def test_clean_name_drops_the_digital_marker_of_the_shipped_table() -> None:
    assert clean_name("地理信息系统工程技术人员L/") == "地理信息系统工程技术人员"
    assert clean_name("计算机软件工程技术人员") == "计算机软件工程技术人员"


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("大数据工程技术人员", "大数据"),
        ("养老护理员", "养老护理"),
        ("快递员", "快递"),
        ("焊工", ""),
        ("律师", ""),
    ],
)
def test_name_stem_keeps_what_a_title_would_say(name: str, stem: str) -> None:
    assert name_stem(name) == stem


def test_split_title_separates_brackets_separators_and_job_codes() -> None:
    main, asides = split_title("大数据研发工程师/架构师（J10063）【急招】")
    assert main == ["大数据研发工程师", "架构师"]
    assert asides == ["急招"]
    main, _ = split_title("24届校招-前端工程师 工作地点：南京")
    assert "前端工程师" in main
    assert not any("24" in s for s in main)


def test_leaf_codes_are_units_and_groups_without_units() -> None:
    codes = ["2-00-00-00", "2-02-00-00", "2-02-10-00", "2-02-10-03", "2-08-99-00", "2-06-03-00", "8-00-00-00"]
    assert leaf_codes(codes) == {"2-02-10-03", "2-08-99-00", "2-06-03-00", "8-00-00-00"}


def test_every_candidate_code_of_the_shipped_table_is_a_leaf() -> None:
    with gzip.open(DATA / "occupations_2022.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    codes = {r["code"] for r in rows}
    leaves = leaf_codes(codes)
    # A unit that is not a leaf must have finer codes below it (the table calls 6-20-03-00 a unit, wrongly).
    for row in rows:
        if row["level"] == "unit" and row["code"] not in leaves:
            below = row["code"].removesuffix("-00") + "-"
            assert any(code.startswith(below) for code in codes), row
    assert "6-31-99-00" in leaves  # 其他生产辅助人员: no 细类 below it
    assert "2-02-10-00" not in leaves
    assert set(default_coder().names) == leaves


def test_term_tables_name_only_codes_the_coder_can_propose() -> None:
    names = default_coder().names
    with open(DATA / "occupation_terms.csv", encoding="utf-8", newline="") as fh:
        unknown = [r["term"] for r in csv.DictReader(fh) if r["code"] not in names]
    with open(DATA / "occupation_context_rules.csv", encoding="utf-8", newline="") as fh:
        rules = list(csv.DictReader(fh))
    unknown += [r["word"] for r in rules if r["from_code"] not in names or r["to_code"] not in names]
    assert unknown == []


# -- behaviour on titles -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("大数据开发工程师", "2-02-38-03"),  # the domain word decides when the head (开发) is generic
        ("大数据销售经理", "4-01-02-01"),  # the head noun decides: a salesperson of big-data products
        ("Python自动化测试", "4-04-05-02"),
        ("硬件测试工程师", "2-02-10-02"),  # the longer term speaks, not 测试 inside it
        ("叉车司机", "6-30-05-01"),  # a generic head (司机) leaves the decision to the word before it
        ("口腔医生", "2-05-01-07"),
        ("快递员", "4-02-07-08"),
        ("外卖骑手", "4-10-08-01"),
        ("月嫂", "4-10-01-06"),
        ("保洁", "4-09-08-01"),
        ("普工", "6-31-99-00"),
    ],
)
def test_title_alone_is_enough_for_common_jobs(title: str, code: str) -> None:
    assert top_code(title) == code


def test_a_term_is_not_found_across_a_word_boundary() -> None:
    # 护工 (a carer) sits inside 维护|工程师 but is not a word there.
    codes = [c.code for c in code_occupation("网络维护工程师")]
    assert "4-14-01-02" not in codes


def test_noise_around_the_title_does_not_change_the_answer() -> None:
    plain = top_code("普工")
    assert top_code("急招普工（包吃住）五险一金") == plain
    assert top_code("大数据开发工程师-无锡(J10003)") == top_code("大数据开发工程师")


def test_context_moves_a_generic_choice_to_the_specific_occupation() -> None:
    assert top_code("销售代表") == "4-01-02-01"
    candidates = code_occupation("销售代表", industry="房地产 中介服务")
    assert candidates[0].code == "4-06-02-01"
    assert candidates[1].code == "4-01-02-01"  # the generic choice stays next
    assert any("房地产" in reason for reason in candidates[0].reasons)
    assert top_code("电子厂普工") == "6-25-99-00"


def test_description_is_used_when_the_title_says_nothing() -> None:
    # 综合岗 names no job: at most look-alike guesses, with a confidence that says so.
    assert all(c.confidence < 0.2 for c in code_occupation("综合岗"))
    assert "4-02-06-01" not in [c.code for c in code_occupation("综合岗")]
    candidates = code_occupation("综合岗", description="负责仓库管理，货物出入库登记，库存盘点")
    assert candidates[0].code == "4-02-06-01"


def test_candidates_carry_the_official_name_and_chinese_reasons() -> None:
    best = code_occupation("Java开发工程师")[0]
    assert best.code == "2-02-10-03"
    assert best.name == "计算机软件工程技术人员"
    assert best.reasons and all(any("\u4e00" <= ch <= "\u9fff" for ch in r) for r in best.reasons)


def test_nothing_to_go_on_gives_no_candidate() -> None:
    assert code_occupation("") == []
    assert code_occupation("（）—— ###") == []


# -- corrections -------------------------------------------------------------------------------------------


def test_corrections_table_takes_the_majority_and_the_latest_on_a_tie() -> None:
    known = {"4-01-02-01", "4-06-02-01", "4-01-02-03"}
    pairs = [
        ("置业顾问", "4-01-02-01"),
        ("置业顾问", "4-06-02-01"),
        ("置业顾问", "4-06-02-01"),
        ("导购", "4-01-02-01"),
        ("导购", "4-01-02-03"),
        ("店员", "9-99-99-99"),  # not in the classification
        ("", "4-01-02-01"),
    ]
    assert corrections_table(pairs, known_codes=known) == {"置业顾问": "4-06-02-01", "导购": "4-01-02-03"}


def test_a_corrected_title_is_coded_as_corrected_and_the_base_coder_is_unchanged() -> None:
    base = default_coder()
    assert base.code("理货专员")[0].code != "4-01-02-03"
    corrected = base.with_corrections([("理货专员（急招）", "4-01-02-03")])
    best = corrected.code("理货专员")[0]
    assert best.code == "4-01-02-03"
    assert best.confidence > 0.9
    assert any("更正" in reason for reason in best.reasons)
    assert base.code("理货专员")[0].code != "4-01-02-03"


def test_a_correction_also_leans_longer_titles_that_contain_it() -> None:
    coder = build_coder(corrections=[("链工", "6-31-99-00")])
    assert coder.code("招聘链工多名")[0].code == "6-31-99-00"


# -- properties ---------------------------------------------------------------------------------------------

TITLE_ALPHABET = st.sampled_from(
    list(
        "大数据开发工程师销售经理普工司机厨师护士老师测试运维（）()/-+、 急招包吃住五险一金ABCjava12345K万·【】"
    )
)


@settings(max_examples=300, deadline=None)
@given(
    title=st.one_of(st.text(max_size=40), st.text(TITLE_ALPHABET, max_size=30)),
    description=st.text(max_size=80),
    industry=st.text(max_size=20),
)
def test_never_crashes_and_returns_at_most_three_ranked_candidates(
    title: str, description: str, industry: str
) -> None:
    candidates = code_occupation(title, description, industry)
    assert len(candidates) <= occupation.TOP
    confidences = [c.confidence for c in candidates]
    assert all(0.0 <= c <= 1.0 for c in confidences)
    assert confidences == sorted(confidences, reverse=True)
    assert len({c.code for c in candidates}) == len(candidates)
    names = default_coder().names
    assert all(names[c.code] == c.name for c in candidates)
