"""The two workbooks a broker downloads: the empty survey template and the workbook of rows to fix.

Both read back through `read_survey`: the template as a file with no rows (its example row is marked 示例
and skipped), the error workbook as the rows it lists (its extra 原行号 and 问题 columns are ignored). Every
text cell goes through `core.exports.spreadsheet_text`, so that nothing uploaded runs as a formula when the
workbook is opened; the reader takes the added apostrophe off again.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from openpes.core.exports import spreadsheet_text
from openpes.core.identifiers import check_digit
from openpes.employment.survey import vocabulary as vocab
from openpes.employment.survey.cleaning import Problem, SurveyFile
from openpes.employment.survey.columns import COLUMNS, header_key
from openpes.employment.survey.reading import EXAMPLE_MARK
from openpes.employment.survey.values import cell_text

TEMPLATE_SHEET = "采集表"
NOTES_SHEET = "填写说明"
LISTS_SHEET = "下拉选项"
ERROR_SHEET = "需修改的行"
TEMPLATE_TITLE = "城乡劳动力实名制数据采集表"
TEMPLATE_ROWS = 10_000  # rows below the example that carry the drop-down lists and the text format
LINE_HEADER = "原行号"
PROBLEM_HEADER = "问题"
_WORKBOOK_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}

# The drop-down list of each coded column.
CHOICES: dict[str, tuple[str, ...]] = {
    "sex": vocab.SEX.shown,
    "ethnicity": vocab.ETHNICITY.shown,
    "education": vocab.EDUCATION.shown,
    "relation": vocab.RELATION.shown,
    "labour_status": vocab.LABOUR_STATUS.shown,
    "employment_form": vocab.EMPLOYMENT_FORM.shown,
    "unemployment_reason": vocab.UNEMPLOYMENT_REASON.shown,
    "job_wish": vocab.WISH_SHOWN,
    "training_wish": vocab.WISH_SHOWN,
}
TEXT_FORMAT = 49  # Excel's built-in "@": what is typed stays text, digits and all
TEXT_COLUMNS = frozenset(("id_number", "phone"))  # digits Excel must not turn into numbers


def _example_id() -> str:
    first17 = "43052719900101001"  # a made-up number in the demo county, with its real check digit
    return first17 + check_digit(first17)


EXAMPLE: dict[str, str] = {
    "name": "张三",
    "id_number": _example_id(),
    "sex": "男",
    "ethnicity": "汉族",
    "education": "初中",
    "phone": "13800000000",
    "hukou_address": "绥宁县长铺镇某某村3组",
    "address": "绥宁县长铺镇某某村3组",
    "relation": "户主",
    "labour_status": "已就业",
    "employment_form": "单位就业",
    "work_place": "广东省东莞市",
    "employer_name": "东莞某某电子有限公司",
    "monthly_income": "4500",
    "unemployment_reason": "",
    "unemployed_since": "",
    "job_wish": "有",
    "training_wish": "电工",
}


def survey_template() -> bytes:
    """The survey template: title, header, an example row marked 示例, drop-down lists, notes."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, _WORKBOOK_OPTIONS)
    sheet = book.add_worksheet(TEMPLATE_SHEET)
    lists = book.add_worksheet(LISTS_SHEET)
    notes = book.add_worksheet(NOTES_SHEET)
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    header = book.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "text_wrap": True}
    )
    required = book.add_format(
        {
            "bold": True,
            "bg_color": "#DDEBF7",
            "border": 1,
            "align": "center",
            "text_wrap": True,
            "font_color": "#C00000",
        }
    )
    example = book.add_format({"italic": True, "font_color": "#808080", "num_format": TEXT_FORMAT})
    as_text = book.add_format({"num_format": TEXT_FORMAT})
    month = book.add_format({"num_format": "yyyy-mm"})

    sheet.merge_range(0, 0, 0, len(COLUMNS), TEMPLATE_TITLE, title)
    sheet.write_string(1, 0, "序号", header)
    sheet.write_string(2, 0, EXAMPLE_MARK, example)
    sheet.set_column(0, 0, 6)
    first_row, last_row = 3, 3 + TEMPLATE_ROWS - 1
    for position, column in enumerate(COLUMNS, start=1):
        cell_format = (
            as_text if column.key in TEXT_COLUMNS else month if column.key == "unemployed_since" else None
        )
        sheet.set_column(position, position, column.width, cell_format)
        sheet.write_string(1, position, column.header, required if column.required else header)
        sheet.write_string(2, position, spreadsheet_text(EXAMPLE[column.key]), example)
        choices = CHOICES.get(column.key)
        if choices:
            list_column = list(CHOICES).index(column.key)
            lists.write_column(0, list_column, [spreadsheet_text(choice) for choice in choices])
            letter = xlsxwriter.utility.xl_col_to_name(list_column)
            sheet.data_validation(
                first_row,
                position,
                last_row,
                position,
                {
                    "validate": "list",
                    "source": f"='{LISTS_SHEET}'!${letter}$1:${letter}${len(choices)}",
                    # A warning, not a refusal: the reader accepts the other usual spellings (汉 for 汉族).
                    "error_type": "warning",
                    "error_title": column.header,
                    "error_message": "不在下拉列表中，请从列表中选择",
                },
            )
    sheet.set_row(1, 30)
    sheet.freeze_panes(2, 2)
    lists.hide()
    _write_notes(book, notes, header)
    book.close()
    return buffer.getvalue()


def _write_notes(book: xlsxwriter.Workbook, notes: Worksheet, header: object) -> None:
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    notes.write_row(0, 0, ["列名", "是否必填", "说明", "可填写的值"], header)
    notes.set_column(0, 0, 14, wrap)
    notes.set_column(1, 1, 10, wrap)
    notes.set_column(2, 2, 60, wrap)
    notes.set_column(3, 3, 60, wrap)
    for row, column in enumerate(COLUMNS, start=1):
        accepted = "、".join(CHOICES.get(column.key, ()))
        also = "、".join(column.variants)
        note = column.note + (f"（表头也可写作：{also}）" if also else "")
        notes.write_row(row, 0, [column.header, "必填" if column.required else "", note, accepted], wrap)
    last = len(COLUMNS) + 2
    general = (
        f"第3行是示例（序号为“{EXAMPLE_MARK}”），导入时跳过，可以保留也可以删除。",
        "列的顺序可以调整，也可以增加其他列（如序号、备注），导入时按列名识别，其他列不导入。",
        "公民身份号码和联系电话两列已设为文本格式：从别的表格复制时请用“选择性粘贴-数值”，以免号码变成科学计数法。",
        "同一人（同一身份证号码）只填写一行；重复的行不导入。",
    )
    for offset, text in enumerate(general):
        notes.write_string(last + offset, 0, text)


def error_workbook(
    survey: SurveyFile,
    problems: Mapping[int, Sequence[str | Problem]] | None = None,
    *,
    all_rows: bool = False,
) -> bytes:
    """The rows to fix, as uploaded, with the line they had and a 问题 column: each row's own problems and
    those given in `problems` by line (what the import found beyond the file: a village outside the
    jurisdiction, a number registered elsewhere). With `all_rows`, every row, problems or not."""
    extra = problems or {}
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, _WORKBOOK_OPTIONS)
    sheet = book.add_worksheet(ERROR_SHEET)
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    problem = book.add_format({"font_color": "#C00000", "text_wrap": True})
    as_text = book.add_format({"num_format": TEXT_FORMAT})
    width = len(survey.headers)
    widths = {header_key(column.header): column.width for column in COLUMNS}
    sheet.write_string(0, 0, LINE_HEADER, header)
    sheet.set_column(0, 0, 8)
    for position, text in enumerate(survey.headers, start=1):
        sheet.write_string(0, position, spreadsheet_text(text), header)
        sheet.set_column(
            position, position, widths.get(header_key(survey.headers[position - 1]), 12), as_text
        )
    sheet.write_string(0, width + 1, PROBLEM_HEADER, header)
    sheet.set_column(width + 1, width + 1, 60, problem)
    out = 0
    for row in survey.rows:
        messages = [str(item) for item in (*row.problems, *extra.get(row.line, ()))]
        if not messages and not all_rows:
            continue
        out += 1
        sheet.write_number(out, 0, row.line)
        for position in range(width):
            value = row.cells[position] if position < len(row.cells) else ""
            sheet.write_string(out, position + 1, spreadsheet_text(cell_text(value)))
        sheet.write_string(out, width + 1, spreadsheet_text("；".join(messages)), problem)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()
