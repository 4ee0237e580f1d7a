"""The two workbooks a broker downloads: the empty survey template and the workbook of rows to fix.

Both read back through `read_survey`: the template as a file with no rows (its example row is marked 示例
and skipped), the error workbook as the rows it lists (its extra 原行号 and 问题 columns are ignored). Every
text cell goes through `core.exports.spreadsheet_text`, so that nothing uploaded runs as a formula when the
workbook is opened; the reader takes the added apostrophe off again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpes.core.identifiers import check_digit
from openpes.core.tabular import (
    EXAMPLE_MARK,
    LINE_HEADER,
    PROBLEM_HEADER,
    TEXT_FORMAT,
    ProblemRow,
    TemplateSpec,
    template_workbook,
)
from openpes.core.tabular import error_workbook as tabular_error_workbook
from openpes.employment.survey import vocabulary as vocab
from openpes.employment.survey.cleaning import Problem, SurveyFile
from openpes.employment.survey.columns import COLUMN_SET

TEMPLATE_SHEET = "采集表"
NOTES_SHEET = "填写说明"
LISTS_SHEET = "下拉选项"
ERROR_SHEET = "需修改的行"
TEMPLATE_TITLE = "城乡劳动力实名制数据采集表"
TEMPLATE_ROWS = 10_000  # rows below the example that carry the drop-down lists and the text format
__all__ = ["LINE_HEADER", "PROBLEM_HEADER", "error_workbook", "survey_template"]

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


SURVEY_NOTES = (
    f"第3行是示例（序号为“{EXAMPLE_MARK}”），导入时跳过，可以保留也可以删除。",
    "列的顺序可以调整，也可以增加其他列（如序号、备注），导入时按列名识别，其他列不导入。",
    "公民身份号码和联系电话两列已设为文本格式：从别的表格复制时请用“选择性粘贴-数值”，以免号码变成科学计数法。",
    "同一人（同一身份证号码）只填写一行；重复的行不导入。",
)


def survey_template() -> bytes:
    """The survey template: title, header, an example row marked 示例, drop-down lists, notes."""
    formats: dict[str, int | str] = {key: TEXT_FORMAT for key in TEXT_COLUMNS}
    formats["unemployed_since"] = "yyyy-mm"
    return template_workbook(
        TemplateSpec(
            title=TEMPLATE_TITLE,
            sheet=TEMPLATE_SHEET,
            columns=COLUMN_SET,
            example=EXAMPLE,
            general_notes=SURVEY_NOTES,
            choices=CHOICES,
            formats=formats,
            rows=TEMPLATE_ROWS,
            notes_sheet=NOTES_SHEET,
            lists_sheet=LISTS_SHEET,
        )
    )


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
    rows = (
        ProblemRow(row.line, row.cells, messages)
        for row in survey.rows
        for messages in ([str(item) for item in (*row.problems, *extra.get(row.line, ()))],)
        if messages or all_rows
    )
    return tabular_error_workbook(survey.headers, rows, columns=COLUMN_SET, sheet_name=ERROR_SHEET)
