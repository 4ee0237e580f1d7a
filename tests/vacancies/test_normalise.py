"""normalise_posting: every field of a posting at once, on real postings of shared/data/jobs/ and on crafted ones."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpes.taxonomy.coder import build_coder, default_coder
from openpes.vacancies.normalise import Normalised, normalise_posting
from openpes.vacancies.normalise.pay import parse_pay
from openpes.vacancies.normalise.place import resolve_place
from openpes.vacancies.normalise.posting import (
    ACCEPTED_CONFIDENCE,
    FLAG_LABELS,
    INPUT_FIELDS,
    OUTPUT_FIELDS,
    ResolvedShares,
    resolved_fields,
)
from openpes.vacancies.normalise.requirements import read_education, read_experience, read_work_type
from tests.vacancies.postings import postings

# The output columns as issue 9 lists them, in its order.
ISSUE_COLUMNS = [
    "occupation_code",
    "occupation_name",
    "occupation_candidates",
    "occupation_confidence",
    "pay_min",
    "pay_max",
    "pay_period",
    "pay_months",
    "pay_negotiable",
    "region_code",
    "region_name",
    "education_min",
    "experience_min_years",
    "work_type",
    "flags",
    "reasons",
]


def test_the_output_fields_are_the_columns_the_issue_lists() -> None:
    assert tuple(ISSUE_COLUMNS) == OUTPUT_FIELDS
    assert tuple(postings()[0]) == INPUT_FIELDS  # the columns of the job files, in their order


def find(**wanted: str) -> dict[str, str]:
    """The first real posting whose fields are as given: rows are picked by what they say, not by position."""
    for row in postings():
        if all(row[key] == value for key, value in wanted.items()):
            return row
    pytest.skip(f"no posting with {wanted}")


def test_a_real_posting_of_a_buyer_in_shenzhen() -> None:
    row = find(title="耳机 采购开发工程师", pay_text="0.8-1万/月", place_text="深圳-宝安区")
    result = normalise_posting(row)
    assert (result.occupation_code, result.occupation_name) == ("4-01-01-00", "采购员")
    assert (result.pay_min, result.pay_max, result.pay_period, result.pay_negotiable) == (
        8000,
        10000,
        "month",
        False,
    )
    assert (result.region_code, result.region_name) == ("440306000000", "广东省深圳市宝安区")
    assert (result.education_min, result.experience_min_years, result.work_type) == (None, None, "full_time")
    assert result.flags == ()


def test_a_real_internship_in_qingdao_asking_for_senior_school() -> None:
    row = find(title="大数据开发工程师（实习生）", pay_text="6-8千/月", place_text="青岛-市北区")
    result = normalise_posting(row)
    assert result.occupation_code == "2-02-38-03"  # 大数据工程技术人员
    assert (result.pay_min, result.pay_max) == (6000, 8000)
    assert result.region_code == "370203000000"  # 青岛市市北区
    assert result.education_min == "30"  # 普通高中
    assert result.work_type == "internship"


def test_a_real_posting_with_years_of_experience_and_a_degree() -> None:
    row = next(
        r for r in postings() if r["experience_text"] == "3-4年工作经验" and r["education_text"] == "本科"
    )
    result = normalise_posting(row)
    assert (result.education_min, result.experience_min_years) == ("60", 3)
    assert "学历：“本科”：大学本科。" in result.reasons
    assert "经验：“3-4年工作经验”：至少3年。" in result.reasons


def test_every_field_is_what_its_own_parser_reads_on_the_real_postings() -> None:
    coder = default_coder()
    for row in postings()[:400]:
        result = normalise_posting(row)
        pay = parse_pay(row["pay_text"])
        place = resolve_place(row["place_text"])
        candidates = coder.code(row["title"], row["description"], row["industry_text"])
        assert (result.pay_min, result.pay_max, result.pay_months, result.pay_negotiable) == (
            pay.minimum,
            pay.maximum,
            pay.months,
            pay.negotiable,
        )
        assert result.pay_period == (pay.period or "")
        assert (result.region_code, result.region_name) == (place.code, place.name)
        assert result.occupation_candidates == tuple(c.code for c in candidates)
        assert result.occupation_code == (candidates[0].code if candidates else "")
        assert result.occupation_confidence == (candidates[0].confidence if candidates else None)
        assert result.education_min == read_education(row["education_text"]).value
        assert result.experience_min_years == read_experience(row["experience_text"]).value
        work_type = read_work_type(row["title"], row["description"], row["pay_text"], row["experience_text"])
        assert result.work_type == work_type.value
        low = bool(candidates) and candidates[0].confidence < ACCEPTED_CONFIDENCE
        assert ("occupation_low_confidence" in result.flags) == low
        assert ("occupation_uncoded" in result.flags) == (not candidates)
        assert ("pay_unparsed" in result.flags) == pay.unparsed


def test_over_all_the_real_postings_pay_and_place_are_resolved_as_the_issue_asks() -> None:
    shares = ResolvedShares()
    for row in postings():
        shares.add(row, normalise_posting(row))
    assert shares.rows == len(postings())
    filled_pay = sum(1 for row in postings() if row["pay_text"].strip())
    assert shares.filled["pay"] == filled_pay
    assert shares.share_of_filled("pay") >= 0.99  # type: ignore[operator]
    assert shares.share_of_filled("place") >= 0.98  # type: ignore[operator]
    assert shares.share_of_filled("education") >= 0.98  # type: ignore[operator]
    assert shares.share_of_filled("experience") >= 0.98  # type: ignore[operator]
    # Occupation: "resolved" means a first candidate sure enough to stand without review.
    assert 0 < shares.resolved["occupation"] < shares.filled["occupation"]


@pytest.mark.parametrize(
    ("posting", "flag"),
    [
        ({"title": "普工", "pay_text": "待遇优厚"}, "pay_unparsed"),
        ({"title": "普工", "place_text": "火星基地"}, "place_unresolved"),
        ({"title": "建筑工人", "place_text": "日本东京"}, "place_abroad"),
        ({"title": "厨师", "place_text": "香港"}, "place_hk_macao_taiwan"),
        ({"title": ""}, "occupation_uncoded"),
        ({"title": "实习生"}, "occupation_uncoded"),
        ({"title": "普工", "education_text": "学历高者优先"}, "education_unparsed"),
        ({"title": "普工", "experience_text": "经验丰富"}, "experience_unparsed"),
    ],
)
def test_what_needs_a_human_is_flagged(posting: dict[str, str], flag: str) -> None:
    result = normalise_posting(posting)
    assert flag in result.flags
    assert all(f in FLAG_LABELS for f in result.flags)


@pytest.mark.parametrize(
    "posting",
    [
        {
            "title": "普工",
            "pay_text": "面议",
            "place_text": "全国",
        },  # negotiable pay, nationwide: said, not doubtful
        {"title": "快递员", "pay_text": "5元/单", "place_text": "远程"},
        {"title": "普工"},  # nothing written is absent, not doubtful
    ],
)
def test_what_is_read_as_written_is_not_flagged_beyond_the_occupation(posting: dict[str, str]) -> None:
    flags = normalise_posting(posting).flags
    assert not [f for f in flags if not f.startswith("occupation_")]


def test_a_low_confidence_is_flagged_exactly_below_the_threshold() -> None:
    coder = default_coder()
    titles = [row["title"] for row in postings()[:600]]
    confidences = {title: coder.code(title)[0].confidence for title in titles if coder.code(title)}
    below = [t for t, c in confidences.items() if c < ACCEPTED_CONFIDENCE]
    above = [t for t, c in confidences.items() if c >= ACCEPTED_CONFIDENCE]
    assert below and above
    assert all("occupation_low_confidence" in normalise_posting({"title": t}).flags for t in below[:20])
    assert not any("occupation_low_confidence" in normalise_posting({"title": t}).flags for t in above[:20])


def test_the_jurisdiction_is_read_first() -> None:
    inside = normalise_posting({"title": "普工", "place_text": "长铺镇"}, within="430527")
    assert inside.region_code.startswith("430527")
    assert inside.region_name == "湖南省邵阳市绥宁县长铺镇"
    with pytest.raises(ValueError, match="区划代码"):
        normalise_posting({"title": "普工"}, within="43x")


def test_a_coder_with_staff_corrections_is_used() -> None:
    corrected = build_coder(corrections=[("理货专员", "4-01-02-03")])
    assert normalise_posting({"title": "理货专员（急招）"}, coder=corrected).occupation_code == "4-01-02-03"


def test_missing_keys_and_none_count_as_empty() -> None:
    result = normalise_posting({"title": "  会计  ", "pay_text": None})
    assert result.occupation_code
    assert (result.pay_min, result.region_code, result.education_min) == (None, "", None)
    assert "薪资：未写薪资。" in result.reasons


def test_cells_are_text_for_a_spreadsheet() -> None:
    result = normalise_posting(
        {
            "title": "Java开发工程师",
            "pay_text": "15-25K·13薪",
            "place_text": "上海·浦东新区",
            "experience_text": "无需经验",
        }
    )
    cells = result.cells()
    assert tuple(cells) == OUTPUT_FIELDS
    assert cells["occupation_candidates"].split("|") == list(result.occupation_candidates)
    assert cells["occupation_candidates"].split("|")[0] == cells["occupation_code"]
    assert len(result.occupation_candidates) <= 3
    assert re.fullmatch(r"[01]\.\d{3}", cells["occupation_confidence"])
    assert (cells["pay_min"], cells["pay_max"], cells["pay_months"]) == ("15000", "25000", "13")
    assert (cells["pay_negotiable"], cells["experience_min_years"], cells["education_min"]) == ("0", "0", "")
    assert normalise_posting({"title": "文员", "pay_text": "面议"}).cells()["pay_negotiable"] == "1"


def test_the_reasons_go_field_by_field_in_order() -> None:
    reasons = normalise_posting(
        {"title": "会计", "pay_text": "年薪10-15万", "place_text": "武汉洪山区", "education_text": "大专"}
    ).reasons
    labels = re.findall(r"(?:^|。)(职业|薪资|工作地点|学历|经验|工作类型)：", reasons)
    assert labels == ["职业", "薪资", "工作地点", "学历", "经验", "工作类型"]
    assert "年薪÷12" in reasons
    assert reasons.endswith("。")


def test_resolved_fields_leave_out_what_is_not_written() -> None:
    posting = {"title": "普工", "pay_text": "待遇优厚", "place_text": "长沙"}
    resolved = resolved_fields(posting, normalise_posting(posting))
    assert resolved["pay"] is False
    assert resolved["place"] is True
    assert resolved["education"] is None and resolved["experience"] is None


text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=150, deadline=None)
@given(st.fixed_dictionaries({name: text for name in INPUT_FIELDS}))
def test_no_posting_breaks_the_normaliser(posting: dict[str, str]) -> None:
    result = normalise_posting(posting)
    assert isinstance(result, Normalised)
    assert result.pay_min is None or result.pay_max is None or result.pay_min <= result.pay_max
    assert result.region_code == "" or re.fullmatch(r"\d{12}", result.region_code)
    assert len(result.occupation_candidates) <= 3
    assert set(result.flags) <= set(FLAG_LABELS)
    assert all("\n" not in cell or name == "reasons" for name, cell in result.cells().items())


def test_the_normaliser_and_the_file_reader_import_no_django() -> None:
    code = (
        "import sys\n"
        "import openpes.vacancies.normalise.posting, openpes.vacancies.normalise.postings_file\n"
        "import openpes.core.spreadsheet\n"
        "assert not [name for name in sys.modules if name.split('.')[0] == 'django'], 'django imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 - our own fixed code
