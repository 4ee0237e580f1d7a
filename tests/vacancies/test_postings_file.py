"""Reading files of postings as offices send them, and writing the results for Excel."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest
import xlsxwriter

from openpes.vacancies.normalise.postings_file import (
    PostingsFileError,
    check_writable,
    header_field,
    read_postings,
    write_postings,
)

ROWS = [
    ["title", "pay_text", "place_text"],
    ["仓库管理员", "4500-6000元", "长沙市岳麓区"],
    ["叉车司机", "200元/天", "绥宁县长铺镇"],
]


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("encoding", "bom", "source"),
    [
        ("utf-8", b"", "UTF-8"),
        ("utf-8", codecs.BOM_UTF8, "UTF-8（带BOM）"),
        ("gbk", b"", "GBK/GB18030"),
        ("gb18030", b"", "GBK/GB18030"),
    ],
)
def test_csv_in_every_encoding_offices_use(tmp_path: Path, encoding: str, bom: bytes, source: str) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(bom + csv_text(ROWS).encode(encoding))
    table = read_postings(path)
    assert table.source == source
    assert table.headers == ROWS[0]
    assert table.rows == ROWS[1:]
    assert table.posting(table.rows[1]) == {
        "title": "叉车司机",
        "pay_text": "200元/天",
        "place_text": "绥宁县长铺镇",
    }


def test_unicode_text_from_excel_is_utf16_and_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes(csv_text(ROWS, "\t").encode("utf-16"))
    table = read_postings(path)
    assert table.rows == ROWS[1:]


def test_chinese_headers_under_a_title_row_and_two_description_columns(tmp_path: Path) -> None:
    rows = [
        ["2026年春风行动岗位信息表", "", "", "", ""],
        ["序号", "岗位名称", "薪资待遇", "岗位职责", "任职要求"],
        ["1", "焊工", "6000-8000元/月", "焊接钢结构", "持焊工证"],
        ["", "", "", "", ""],
        ["2", "普工", "面议", "", "身体健康"],
    ]
    path = tmp_path / "in.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    table = read_postings(path)
    assert table.headers == rows[1]
    assert table.columns == {"title": [1], "pay_text": [2], "description": [3, 4]}
    assert len(table.rows) == 2  # the blank row left out
    assert table.posting(table.rows[0])["description"] == "焊接钢结构\n持焊工证"
    assert table.posting(table.rows[1])["description"] == "身体健康"


def test_short_rows_are_padded_and_long_ones_counted(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("title,pay_text\n文员\n会计,5000,多出的一格\n", encoding="utf-8")
    table = read_postings(path)
    assert table.rows == [["文员", ""], ["会计", "5000"]]
    assert table.widened == 1


def test_a_workbook_is_read_from_its_first_visible_sheet(tmp_path: Path) -> None:
    path = tmp_path / "岗位.xlsx"
    book = xlsxwriter.Workbook(str(path))
    hidden = book.add_worksheet("旧表")
    hidden.write_row(0, 0, ["职位名称", "工资"])
    hidden.write_row(1, 0, ["旧岗位", "1"])
    hidden.hide()
    sheet = book.add_worksheet("岗位")
    sheet.activate()
    sheet.write_row(0, 0, ["职位名称", "工资", "工作地点"])
    sheet.write_row(1, 0, ["保安"])
    sheet.write_number(1, 1, 3500)
    sheet.write_string(1, 2, "邵阳")
    book.close()
    table = read_postings(path)
    assert table.source == "Excel 工作簿"
    assert table.posting(table.rows[0]) == {"title": "保安", "pay_text": "3500", "place_text": "邵阳"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "是空的"),
        ("pay_text,place_text\n5000,长沙\n".encode(), "没有职位名称列"),
        (b"title\n\xff\xff\xfe\x80", "字符编码"),
        (b"PK\x03\x04 not really a workbook", "无法读取文件"),
    ],
)
def test_files_that_are_not_postings_are_said_in_chinese(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    with pytest.raises(PostingsFileError, match=message):
        read_postings(path)


def test_a_missing_file_or_a_folder(tmp_path: Path) -> None:
    with pytest.raises(PostingsFileError, match="找不到文件"):
        read_postings(tmp_path / "none.csv")
    with pytest.raises(PostingsFileError, match="文件夹"):
        read_postings(tmp_path)


def test_the_output_is_utf8_with_a_bom_and_no_cell_runs_as_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_postings(path, ["title", "note"], [["=1+1", "+86 138"], ["-3000", "@SUM(A1)"], ["会计", None]])
    content = path.read_bytes()
    assert content.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [["title", "note"], ["'=1+1", "'+86 138"], ["'-3000", "'@SUM(A1)"], ["会计", ""]]
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary file left


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    def rows() -> object:
        yield ["会计"]
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_postings(tmp_path / "out.csv", ["title"], rows())  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_an_output_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PostingsFileError, match="不存在"):
        check_writable(tmp_path / "missing" / "out.csv")
    with pytest.raises(PostingsFileError, match="是一个文件夹"):
        check_writable(tmp_path)


def test_a_quote_left_open_is_said_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text('title,description\n会计,"' + "很长的描述" * 40_000 + "\n", encoding="utf-8")
    with pytest.raises(PostingsFileError, match="引号不成对"):
        read_postings(path)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("职位名称*", "title"),
        (" Title ", "title"),
        ("职位\n名称", "title"),
        ("岗位名称/工种", "title"),
        ("薪资待遇（元/月）", "pay_text"),
        ("月薪(元)", "pay_text"),
        ("工作地点：", "place_text"),
        ("ＥＸＰＥＲＩＥＮＣＥ_ＴＥＸＴ", "experience_text"),
        ("学历/经验", None),  # two fields in one column: neither is guessed
        ("公司地址", None),
        ("备注", None),
    ],
)
def test_headers_as_offices_write_them(header: str, field: str | None) -> None:
    assert header_field(header) == field
