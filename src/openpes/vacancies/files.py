"""Vacancy files as offices and job fairs send them (.xlsx, .xls, .csv): the columns and the header variants
in use, and each row read into the raw fields of a vacancy with the problems the file alone shows. No
database here: `services.file_import` finds each row's employer and applies the pool's own rules.

The employer of a row is named in one of two ways:
* on the row itself, in a 单位名称 column and/or a 统一社会信用代码 column;
* in a heading above a block of jobs: a row holding nothing but the employer's name, merged across the
  table (or alone in the first cell of a CSV row), which names the employer of every job row below it until
  the next heading. A name merged down over the block in the 单位名称 column works the same way.
A file with one sheet per employer is refused (the reader reads one sheet); docs/vacancy-import.md says how
to put the sheets together.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from openpes.core.identifiers import uscc_check_digit
from openpes.core.tabular import (
    Column,
    ColumnSet,
    ProblemRow,
    Table,
    TableFileError,
    TableSpec,
    TemplateSpec,
    cell_text,
    clean_text,
    header_key,
    read_table,
    template_workbook,
)
from openpes.core.tabular import error_workbook as tabular_error_workbook
from openpes.employment.survey.values import CellProblem, parse_month
from openpes.vacancies.services.validation import VacancyInput

__all__ = [
    "COLUMNS",
    "VACANCY_TABLE",
    "FileRow",
    "TableFileError",
    "VacancyFile",
    "employer_key",
    "error_workbook",
    "read_vacancy_file",
    "vacancy_template",
]

COLUMNS = ColumnSet(
    (
        Column(
            "title",
            "岗位名称",
            (
                "职位名称",
                "招聘岗位",
                "招聘职位",
                "工种",
                "招聘工种",
                "岗位",
                "职位",
                "需求岗位",
                "需求工种",
                "岗位名",
            ),
            "必填。如“普工”“中餐厨师”。",
            16,
            required=True,
        ),
        Column(
            "employer_name",
            "单位名称",
            ("企业名称", "招聘单位", "用人单位", "公司名称", "用工单位", "招聘企业", "单位", "企业", "公司"),
            "须与本系统登记的单位名称一致；也可在一组岗位上方单独一行（合并单元格）写单位名称。",
            24,
        ),
        Column(
            "uscc",
            "统一社会信用代码",
            ("信用代码", "社会信用代码", "统一信用代码", "单位信用代码", "企业信用代码"),
            "填写时按代码找单位（优先于单位名称）。",
            21,
        ),
        Column(
            "pay_text",
            "薪资待遇",
            (
                "薪资",
                "薪酬",
                "工资待遇",
                "月薪",
                "工资",
                "薪酬待遇",
                "薪资范围",
                "月工资",
                "待遇",
                "工资标准",
            ),
            "照单位的写法填写，如“4500-6000元/月”“8千-1.2万”“面议”。",
            16,
        ),
        Column(
            "place_text",
            "工作地点",
            ("工作地址", "上班地点", "工作地区", "工作区域", "地点"),
            "如“绥宁县长铺镇”。",
            20,
        ),
        Column(
            "education_text", "学历要求", ("学历", "最低学历", "文化程度", "学历层次"), "如“初中及以上”。", 10
        ),
        Column(
            "experience_text",
            "工作经验",
            ("经验要求", "经验", "工作年限", "工作经历"),
            "如“1年以上”“不限”。",
            10,
        ),
        Column(
            "headcount",
            "招聘人数",
            ("人数", "需求人数", "招聘数量", "需求数量", "计划招聘人数", "岗位数"),
            "数字，如5；“若干”“不限”可写，按未填写处理。",
            8,
        ),
        Column(
            "description",
            "岗位描述",
            (
                "岗位职责",
                "任职要求",
                "职位描述",
                "工作内容",
                "岗位要求",
                "职位要求",
                "任职条件",
                "招聘条件",
                "福利待遇",
                "福利",
                "年龄要求",
                "性别要求",
                "其他要求",
            ),
            "可以有多列（岗位职责、任职要求、福利待遇等），导入时按列名合并。",
            40,
        ),
        Column("industry_text", "行业", ("所属行业", "行业类别", "行业类型"), "", 12),
        Column(
            "contact_text",
            "联系方式",
            ("联系人", "联系电话", "电话", "手机", "联系手机", "手机号码", "联系邮箱", "邮箱"),
            "可以有多列（联系人、联系电话），导入时合并。",
            18,
        ),
        Column(
            "valid_until",
            "有效期至",
            ("有效期", "截止日期", "截止时间", "招聘截止日期", "截止", "有效日期"),
            "如2026-12-31；不填时为60天；“长期”按不填处理。",
            12,
        ),
        Column(
            "work_type_text",
            "用工形式",
            ("工作性质", "用工性质", "岗位性质", "工作类型", "用工类型"),
            "全职、兼职、零工或实习。",
            10,
        ),
    )
)

VACANCY_TABLE = TableSpec(
    columns=COLUMNS,
    noun="岗位表",
    row_keys=("title",),
    headings=True,
    min_columns=2,
    multiple_sheets_hint=(
        "请把各工作表的岗位复制到同一个工作表（每行填写单位名称，或在每组岗位上方单独一行写单位名称），"
        "或分别保存为单独的文件上传"
    ),
)

# The joined columns, each with its label in front when there are several.
JOINED = ("description", "contact_text")
# Words that say "no set number" in a headcount cell.
HEADCOUNT_OPEN = frozenset(("若干", "不限", "多名", "大量", "长期", "n", "待定", "面议"))
_HEADCOUNT = re.compile(r"^(\d+)\s*(?:人|名|个|位)?(?:左右|以上|以内)?$")
_RANGE = re.compile(r"^(\d+)\s*[-~—～至到]\s*(\d+)\s*(?:人|名|个|位)?$")
OPEN_DATES = frozenset(("长期", "长期有效", "常年", "不限", "招满为止", "招满即止"))
_HEADING_PREFIX = re.compile(
    r"^(?:[一二三四五六七八九十\d]+[、.．)）]\s*)?(?:(?:招聘单位|单位名称|企业名称|用人单位|公司名称|单位)\s*[:：]\s*)?"
)


def employer_key(name: str) -> str:
    """The form employer names are compared in: NFKC (full-width letters, digits and brackets), no white
    space. 湖南某某有限公司 and 湖南某某有限公司 with a full-width space or (湖南) for （湖南） are one name."""
    return "".join(unicodedata.normalize("NFKC", name).split())


@dataclass
class FileRow(VacancyInput):
    """One job row: the raw fields of a vacancy (`VacancyInput`) as the file gives them, its employer as
    named, and what the file alone shows to be wrong."""

    line: int = 0
    cells: list[Any] = field(default_factory=list)
    employer_name: str = ""
    uscc: str = ""
    problems: list[str] = field(default_factory=list)

    def raw(self) -> dict[str, Any]:
        """The fields of `VacancyInput`."""
        return {name: getattr(self, name) for name in INPUT_FIELDS}

    def data(self) -> VacancyInput:
        return VacancyInput(**self.raw())


INPUT_FIELDS = tuple(VacancyInput.__dataclass_fields__)


@dataclass
class VacancyFile:
    """What an uploaded file gave: its job rows, or why it gave none."""

    rows: list[FileRow]
    file_problems: list[str]
    headers: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # column key -> its header in the file
    sheet: str = ""
    header_line: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    headings: int = 0  # employer headings above blocks of jobs


def read_vacancy_file(content: bytes, *, today: dt.date) -> VacancyFile:
    try:
        table = read_table(content, VACANCY_TABLE)
    except TableFileError as exc:
        return VacancyFile(rows=[], file_problems=[exc.message])
    return _clean(table, today)


def _text(cells: list[Any], positions: list[int] | None) -> str:
    if not positions:
        return ""
    return " ".join(text for text in (clean_text(cells[p]) for p in positions) if text)


def _joined(table: Table, cells: list[Any], positions: list[int] | None, separator: str) -> str:
    if not positions:
        return ""
    if len(positions) == 1:
        return clean_text(cells[positions[0]])
    parts = []
    for position in positions:
        text = clean_text(cells[position])
        if text:
            parts.append(f"{table.headers[position]}：{text}")
    return separator.join(parts)


def _heading(table: Table, cells: list[Any], title_at: int) -> str | None:
    """The employer's name when the row is a heading above a block of jobs, else None. A heading is one
    text merged across the row (every filled cell holds it), or a text alone in the first cell that is not
    the title column."""
    filled = [(position, cell) for position, cell in enumerate(cells) if clean_text(cell)]
    if not filled:
        return None
    values = {clean_text(cell) for _, cell in filled}
    if len(values) != 1:
        return None
    text = values.pop()
    if len(filled) == 1 and filled[0][0] == title_at:
        return None  # a job with nothing but its title
    if len(filled) == 1 and filled[0][0] != 0:
        return None
    return _HEADING_PREFIX.sub("", text).strip() or None


def _headcount(raw: Any, header: str) -> tuple[int | None, str]:
    if isinstance(raw, bool):
        return None, f"{header}应为数字，如5"
    if isinstance(raw, int | float):
        if float(raw).is_integer():
            return int(raw), ""
        return None, f"{header}应为整数（现为{cell_text(raw)}）"
    text = clean_text(raw)
    if not text or text.lower() in HEADCOUNT_OPEN:
        return None, ""
    plain = unicodedata.normalize("NFKC", text).replace(" ", "")
    match = _HEADCOUNT.match(plain)
    if match:
        return int(match[1]), ""
    spread = _RANGE.match(plain)
    if spread:
        return int(spread[2]), ""  # 3-5人: as many as the employer will take
    return None, f"{header}“{text}”不是数字：请填写数字（如5），人数不定时写“若干”或不填"


def _valid_until(raw: Any, header: str) -> tuple[dt.date | None, str]:
    if isinstance(raw, str) and clean_text(raw) in OPEN_DATES:
        return None, ""
    try:
        return parse_month(raw), ""
    except CellProblem as exc:
        return None, f"{header}：{exc}"


def _clean(table: Table, today: dt.date) -> VacancyFile:
    columns = table.columns
    header = {column.key: table.header_of(column.key) for column in COLUMNS}
    title_keys = {
        header_key(name) for name in (COLUMNS.by_key["title"].header, *COLUMNS.by_key["title"].variants)
    }
    title_at = columns["title"][0]
    out = VacancyFile(
        rows=[],
        file_problems=[],
        headers=table.headers,
        columns={key: table.header_of(key) for key in columns},
        sheet=table.sheet,
        header_line=table.header_line,
        skipped=list(table.skipped),
    )
    heading = ""
    seen: dict[tuple[str, ...], int] = {}
    for line, cells in table.rows:
        title_cell = cells[title_at]
        if isinstance(title_cell, str) and header_key(title_cell) in title_keys:
            out.skipped.append((line, "重复的表头行"))
            continue
        found = _heading(table, cells, title_at)
        if found is not None:
            heading = found
            out.headings += 1
            out.skipped.append((line, f"单位名称行：{found}"))
            continue
        row = FileRow(line=line, cells=cells)
        row.title = clean_text(title_cell)
        row.employer_name = _text(cells, columns.get("employer_name")) or heading
        row.uscc = _text(cells, columns.get("uscc"))
        for key in ("pay_text", "place_text", "education_text", "experience_text", "industry_text"):
            setattr(row, key, _text(cells, columns.get(key)))
        row.description = _joined(table, cells, columns.get("description"), "\n")
        work_type = _text(cells, columns.get("work_type_text"))
        if work_type:
            # The normaliser reads the work type from the text: the column joins the description.
            label = header["work_type_text"]
            row.description = "\n".join(part for part in (row.description, f"{label}：{work_type}") if part)
        row.contact_text = _joined(table, cells, columns.get("contact_text"), " ")
        if "headcount" in columns:
            row.headcount, problem = _headcount(cells[columns["headcount"][0]], header["headcount"])
            if problem:
                row.problems.append(problem)
        if "valid_until" in columns:
            row.valid_until, problem = _valid_until(cells[columns["valid_until"][0]], header["valid_until"])
            if problem:
                row.problems.append(problem)
            elif row.valid_until is not None and row.valid_until < today:
                row.problems.append(
                    f"{header['valid_until']}（{row.valid_until.isoformat()}）已过，请填写今天以后的日期或不填（60天）"
                )
        if not row.title:
            row.problems.append(f"请填写{header['title']}")
        if not row.employer_name and not row.uscc:
            row.problems.append(
                f"没有单位：请填写{header['employer_name']}或{header['uscc']}，或在这组岗位上方单独一行写单位名称"
            )
        identity = (
            employer_key(row.uscc or row.employer_name),
            *(employer_key(str(value or "")) for value in row.raw().values()),
        )
        first = seen.setdefault(identity, line)
        if first != line and row.title:
            row.problems.append(f"与第{first}行重复（同一单位、同一岗位的内容完全相同），请删除其中一行")
        out.rows.append(row)
    return out


# --------------------------------------------------------------------------------------------- workbooks

TEMPLATE_TITLE = "招聘岗位信息表"
EXAMPLE_USCC = "91430527MA4L00000" + uscc_check_digit("91430527MA4L00000")  # made up, with its check digit
EXAMPLE = {
    "title": "中餐厨师",
    "employer_name": "绥宁县某某餐饮有限公司",
    "uscc": EXAMPLE_USCC,
    "pay_text": "4500-6000元/月",
    "place_text": "绥宁县长铺镇",
    "education_text": "初中及以上",
    "experience_text": "2年以上",
    "headcount": "2",
    "description": "负责湘菜烹饪，包吃住",
    "industry_text": "餐饮业",
    "contact_text": "王经理 0739-7612345",
    "valid_until": "",
    "work_type_text": "全职",
}
NOTES = (
    "第3行是示例（序号为“示例”），导入时跳过，可以保留也可以删除。",
    "列的顺序可以调整，也可以增加其他列（如序号、备注），导入时按列名识别，其他列不导入。",
    "每行一个岗位。单位须先在本系统登记（用人单位页面）；按统一社会信用代码找单位，没有代码时按单位名称找。",
    "招聘会的表格可以不填单位名称列，而在每组岗位上方单独一行（可合并单元格）写单位名称。",
    "导入的岗位进入待审核队列；含违法内容（如性别、民族限制）的岗位留作草稿，修改后再提交。",
)


def vacancy_template() -> bytes:
    return template_workbook(
        TemplateSpec(
            title=TEMPLATE_TITLE,
            sheet="岗位表",
            columns=COLUMNS,
            example=EXAMPLE,
            general_notes=NOTES,
            choices={"work_type_text": ("全职", "兼职", "零工", "实习")},
            formats={"uscc": 49, "valid_until": "yyyy-mm-dd"},
            rows=2000,
        )
    )


def error_workbook(upload: VacancyFile, problems: dict[int, list[str]]) -> bytes:
    """The rows with problems as uploaded, with their line and a 问题 column; fixed, it uploads again."""
    rows = (
        ProblemRow(row.line, row.cells, problems[row.line]) for row in upload.rows if problems.get(row.line)
    )
    return tabular_error_workbook(upload.headers, rows, columns=COLUMNS)
