"""The labour-force survey workbook (实名制数据采集表): from an uploaded file to clean, typed rows with their
problems in Chinese, and the two workbooks a broker downloads (the template, the rows to fix).

No database here: the import service (employment.services) decides what the rows become.

    survey = read_survey(content, "采集表.xlsx")
    survey.file_problems          # the file could not be read: why (no rows then)
    for row in survey.rows:       # SurveyRow: line, typed fields, problems, notes
        ...
    error_workbook(survey, {line: ["该村不在您的辖区内"]})

Modules: `reading` (file → Table: sheet, header, data rows), `cleaning` (Table → SurveyFile, the rules
across columns), `values` (one cell: dates, incomes, wishes, ID numbers stored as numbers), `vocabulary`
(how offices write each coded value: data, one table per column), `columns` (the headers and their
variants), `workbooks` (template and error workbook). docs/survey-import.md describes what is accepted.
"""

from openpes.employment.survey.cleaning import Problem, SurveyFile, SurveyRow, clean_table, read_survey
from openpes.employment.survey.columns import COLUMNS, Column
from openpes.employment.survey.reading import SurveyFileError, Table, read_table
from openpes.employment.survey.workbooks import error_workbook, survey_template

__all__ = [
    "COLUMNS",
    "Column",
    "Problem",
    "SurveyFile",
    "SurveyFileError",
    "SurveyRow",
    "Table",
    "clean_table",
    "error_workbook",
    "read_survey",
    "read_table",
    "survey_template",
]
