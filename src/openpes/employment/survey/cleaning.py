"""From table rows to typed survey rows, each with its problems in Chinese.

A row with a problem is not to be imported as it stands; a note says what was read differently from what
was written (a value left out) and does not stop the row. The rules across columns, none of which needs
the database:

* 性别 must agree with the ID number (problem); left empty, it is taken from the ID number.
* 就业状态 may say the form of employment too (灵活就业, 务农, 自主创业 …); a 就业形式 that says otherwise is a
  problem.
* Someone not employed has no form of employment, employer or place of work, and someone employed has no
  unemployment reason or date: such cells are left out with a note, not refused. Offices copy last year's
  sheet forward, and a stale cell beside a current status is the common case, not a contradiction to
  settle before the rest of the row can be imported.
* 失业 with 就业意愿 "无" is a problem: registered unemployment presupposes the wish to work; the person is
  无就业意愿.
* 失业时间 in the future, or before the person turned 16, is a problem.
* The same ID number twice in a file (15- and 18-digit forms alike) is a problem on the later row, naming
  the line of the first; the first row is imported.
The age limits of the registry itself (people.rules) are the import service's to apply, with the rest of
what registering a person checks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.utils import timezone

from openpes.core import text as core_text
from openpes.core.errors import DomainError
from openpes.core.identifiers import IdNumber, parse_id_number, parse_phone
from openpes.employment.choices import EmploymentForm, LabourStatus
from openpes.employment.survey import vocabulary as vocab
from openpes.employment.survey.columns import COLUMNS
from openpes.employment.survey.reading import SurveyFileError, Table, read_table
from openpes.employment.survey.values import (
    CellProblem,
    clean_name,
    clean_text,
    id_number_text,
    parse_income,
    parse_month,
    parse_wish,
)
from openpes.people.models import Sex

T = TypeVar("T")
WORKING_AGE = 16
ADDRESS_LENGTH = 200
WORK_TEXT_LENGTH = 100


@dataclass(frozen=True, slots=True)
class Problem:
    field: str  # the SurveyRow field, "" for the row as a whole
    column: str  # the column's header as the file writes it, "" for the row as a whole
    message: str  # complete, naming the column: shown as it is

    def __str__(self) -> str:
        return self.message


@dataclass(slots=True)
class SurveyRow:
    line: int  # the row's line in the sheet or file, as the clerk sees it
    cells: list[Any]  # the row as uploaded, every column, for the error workbook
    name: str = ""
    id_number: str = ""  # 18 characters, X upper case; an old 15-digit number converted
    sex: str = ""  # people.models.Sex; from the ID number when the column is empty
    ethnicity: str = ""  # people.models.Ethnicity (GB/T 3304 code)
    education: str = ""  # people.models.Education
    phone: str = ""  # core.identifiers.parse_phone's form: 11 digits, or 0739-7654321
    hukou_address: str = ""
    address: str = ""
    relation: str = ""  # people.models.Relation
    labour_status: str = ""  # employment.choices.LabourStatus
    employment_form: str = ""  # employment.choices.EmploymentForm, employed only
    work_place: str = ""
    employer_name: str = ""
    monthly_income: int | None = None  # whole yuan
    unemployment_reason: str = ""  # employment.choices.UnemploymentReason, not employed only
    unemployed_since: dt.date | None = None  # the 1st of the month when only a month is given
    wants_job: bool | None = None
    job_wish_text: str = ""
    wants_training: bool | None = None
    training_wish_text: str = ""
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def values(self) -> dict[str, object]:
        """The typed fields by name."""
        return {name: getattr(self, name) for name in TYPED_FIELDS}


TYPED_FIELDS = tuple(
    name for name in SurveyRow.__dataclass_fields__ if name not in {"line", "cells", "problems", "notes"}
)


@dataclass
class SurveyFile:
    rows: list[SurveyRow]  # every data row, in file order
    file_problems: list[str]  # non-empty: nothing could be read (no rows then)
    header_line: int = 0
    sheet: str = ""
    headers: list[str] = field(
        default_factory=list
    )  # each column's header as written, for the error workbook
    columns: dict[str, str] = field(default_factory=dict)  # SurveyRow field -> its header in the file
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, why) of rows that are not people

    @property
    def valid_rows(self) -> list[SurveyRow]:
        return [row for row in self.rows if not row.problems]

    @property
    def problem_rows(self) -> list[SurveyRow]:
        return [row for row in self.rows if row.problems]


def read_survey(content: bytes, filename: str, *, today: dt.date | None = None) -> SurveyFile:
    """Read and clean an uploaded survey file. A file that cannot be read gives no rows and its reason in
    `file_problems`; every other problem belongs to a row."""
    try:
        table = read_table(content, filename)
    except SurveyFileError as exc:
        return SurveyFile(rows=[], file_problems=[exc.message])
    return clean_table(table, today=today or timezone.localdate())


# ------------------------------------------------------------------------------------------ the cleaner


_FAILED = object()


class _Memo:
    """A cell reader with the answers it gave: villages repeat their addresses, statuses and dates, and a
    repeated value costs a look-up. Keys carry the type, since 1 == 1.0 == True."""

    def __init__(self, read: Callable[[Any], Any]) -> None:
        self.read = read
        self.seen: dict[Hashable, tuple[Any, str]] = {}

    def __call__(self, raw: Any) -> tuple[Any, str]:
        key = raw if type(raw) is str else (type(raw), raw)
        try:
            return self.seen[key]
        except KeyError:
            pass
        try:
            answer: tuple[Any, str] = (self.read(raw), "")
        except CellProblem as exc:
            answer = (_FAILED, str(exc))
        except DomainError as exc:
            answer = (_FAILED, "；".join(error.message for error in exc.errors))
        self.seen[key] = answer
        return answer


def _vocabulary_reader(vocabulary: vocab.Vocabulary[T]) -> Callable[[Any], T | None]:
    def read(raw: Any) -> T | None:
        text = clean_text(raw)
        if not text:
            return None
        found = vocabulary.lookup(text)
        if found is None:
            raise CellProblem(f"“{text}”无法识别，可填写：{'、'.join(vocabulary.shown)}")
        return found

    return read


def _text_reader(label: str, max_length: int) -> Callable[[Any], str]:
    def read(raw: Any) -> str:
        return core_text.clean_text(clean_text(raw), field="", label=label, max_length=max_length)

    return read


def _read_name(raw: Any) -> str:
    return core_text.clean_person_name(clean_name(raw))


def _read_phone(raw: Any) -> tuple[str, bool]:
    """(phone, whether more numbers followed): offices write 13812345678/13987654321 for two phones."""
    text = clean_text(raw)
    if not text:
        return "", False
    try:
        return parse_phone(text).value, False
    except DomainError:
        pieces = [piece for piece in _PHONE_SEPARATORS.split(text) if piece]
        if len(pieces) < 2:
            raise
        return parse_phone(pieces[0]).value, True


_PHONE_SEPARATORS = re.compile(r"[/,，、;；|\s]+")

ID_CHECK_FAILED = "身份证号码校验位不正确，请核对后重新输入"
ID_ZEROS_HINT = "；号码末尾是0，也可能是表格曾把它存成数字，丢失了末尾几位"


class _Cleaner:
    def __init__(self, table: Table, today: dt.date) -> None:
        self.table = table
        self.today = today
        self.header = {column.key: table.header_of(column.key) for column in COLUMNS}
        # Looked up for every cell: the first column of each key, and the others where a key has several.
        self.first_at = {key: positions[0] for key, positions in table.columns.items()}
        self.more_at = {key: positions[1:] for key, positions in table.columns.items() if len(positions) > 1}
        self.name = _Memo(_read_name)
        self.sex = _Memo(_vocabulary_reader(vocab.SEX))
        self.ethnicity = _Memo(_vocabulary_reader(vocab.ETHNICITY))
        self.education = _Memo(_vocabulary_reader(vocab.EDUCATION))
        self.relation = _Memo(_vocabulary_reader(vocab.RELATION))
        self.status = _Memo(_vocabulary_reader(vocab.LABOUR_STATUS))
        self.form = _Memo(_vocabulary_reader(vocab.EMPLOYMENT_FORM))
        self.reason = _Memo(_vocabulary_reader(vocab.UNEMPLOYMENT_REASON))
        self.phone = _Memo(_read_phone)
        self.hukou_address = _Memo(_text_reader("户籍地址", ADDRESS_LENGTH))
        self.address = _Memo(_text_reader("现居住地址", ADDRESS_LENGTH))
        self.work_place = _Memo(_text_reader("就业地点", WORK_TEXT_LENGTH))
        self.employer_name = _Memo(_text_reader("就业单位", WORK_TEXT_LENGTH))
        self.income = _Memo(parse_income)
        self.since = _Memo(parse_month)
        self.job_wish = _Memo(parse_wish)
        self.training_wish = _Memo(parse_wish)

    def raw(self, cells: list[Any], key: str) -> Any:
        """The cell of a column; with the same column twice (手机 and 电话), the first one filled."""
        position = self.first_at.get(key)
        if position is None:
            return ""
        value = cells[position]
        if key in self.more_at and (value is None or (isinstance(value, str) and not value.strip())):
            for position in self.more_at[key]:
                if cells[position] not in ("", None):
                    return cells[position]
        return value

    def problem(self, row: SurveyRow, key: str, detail: str) -> None:
        column = self.header[key]
        row.problems.append(Problem(key, column, f"{column}：{detail}"))

    def note(self, row: SurveyRow, key: str, detail: str) -> None:
        column = self.header[key]
        row.notes.append(Problem(key, column, f"{column}：{detail}"))

    def read(self, row: SurveyRow, key: str, memo: _Memo) -> Any:
        value, problem = memo(self.raw(row.cells, key))
        if problem:
            self.problem(row, key, problem)
            return None
        return value

    def row(self, line: int, cells: list[Any]) -> SurveyRow:
        row = SurveyRow(line, cells)
        row.name = self.read(row, "name", self.name) or ""
        number = self.id_number(row)
        sex = self.read(row, "sex", self.sex)
        if number is not None:
            row.id_number = number.value
            if sex is not None and sex != number.sex:
                self.problem(
                    row, "sex", f"与公民身份号码不一致（号码显示为{'男' if number.sex == 'M' else '女'}）"
                )
            row.sex = Sex(number.sex)
        elif sex is not None:
            row.sex = sex
        row.ethnicity = self.read(row, "ethnicity", self.ethnicity) or ""
        row.education = self.read(row, "education", self.education) or ""
        row.relation = self.read(row, "relation", self.relation) or ""
        phone = self.read(row, "phone", self.phone)
        if phone is not None:
            row.phone, more = phone
            if more:
                self.note(row, "phone", "填写了多个号码，只导入了第一个")
        row.hukou_address = self.read(row, "hukou_address", self.hukou_address) or ""
        row.address = self.read(row, "address", self.address) or ""
        row.work_place = self.read(row, "work_place", self.work_place) or ""
        row.employer_name = self.read(row, "employer_name", self.employer_name) or ""
        row.monthly_income = self.read(row, "monthly_income", self.income)
        row.unemployment_reason = self.read(row, "unemployment_reason", self.reason) or ""
        row.unemployed_since = self.read(row, "unemployed_since", self.since)
        wish = self.read(row, "job_wish", self.job_wish)
        if wish is not None:
            row.wants_job, row.job_wish_text = wish
        wish = self.read(row, "training_wish", self.training_wish)
        if wish is not None:
            row.wants_training, row.training_wish_text = wish
        self.employment(row)
        self.unemployment(row, number)
        return row

    def id_number(self, row: SurveyRow) -> IdNumber | None:
        try:
            return parse_id_number(id_number_text(self.raw(row.cells, "id_number")), today=self.today)
        except CellProblem as exc:
            self.problem(row, "id_number", str(exc))
        except DomainError as exc:
            message = exc.errors[0].message
            if message == ID_CHECK_FAILED and id_number_text(self.raw(row.cells, "id_number")).endswith("00"):
                message += ID_ZEROS_HINT
            self.problem(row, "id_number", message)
        return None

    def employment(self, row: SurveyRow) -> None:
        status_and_form = self.read(row, "labour_status", self.status)
        form = self.read(row, "employment_form", self.form)
        if status_and_form is None:
            if not any(p.field == "labour_status" for p in row.problems):
                self.problem(
                    row, "labour_status", f"请填写就业状态，可填写：{'、'.join(vocab.LABOUR_STATUS.shown)}"
                )
            return
        status, implied_form = status_and_form
        row.labour_status = status
        if status != LabourStatus.EMPLOYED:
            left_out = [
                key for key in ("employment_form", "employer_name", "work_place") if self._filled(row, key)
            ]
            if left_out:
                row.employer_name = row.work_place = ""
                columns = "、".join(self.header[key] for key in left_out)
                self.note(row, left_out[0], f"就业状态为“{status.label}”，{columns}未导入")
            return
        if implied_form and form and form != implied_form:
            self.problem(
                row,
                "employment_form",
                f"“{EmploymentForm(form).label}”与就业状态“{EmploymentForm(implied_form).label}”不一致",
            )
        row.employment_form = implied_form or form or ""
        left_out = [key for key in ("unemployment_reason", "unemployed_since") if self._filled(row, key)]
        if left_out:
            row.unemployment_reason, row.unemployed_since = "", None
            columns = "、".join(self.header[key] for key in left_out)
            self.note(row, left_out[0], f"已就业人员不填{columns}，未导入")

    def _filled(self, row: SurveyRow, key: str) -> bool:
        value = self.raw(row.cells, key)
        return value not in ("", None) and bool(clean_text(value))

    def unemployment(self, row: SurveyRow, number: IdNumber | None) -> None:
        if row.labour_status != LabourStatus.UNEMPLOYED:
            return
        if row.wants_job is False:
            self.problem(
                row, "job_wish", "就业状态为失业，但就业意愿为无：没有就业意愿的，就业状态请填“无就业意愿”"
            )
        since = row.unemployed_since
        if since is None:
            return
        if since > self.today:
            self.problem(row, "unemployed_since", f"{since:%Y-%m-%d}晚于今天")
        elif number is not None and since < _years_after(number.birth_date, WORKING_AGE).replace(day=1):
            self.problem(row, "unemployed_since", f"{since:%Y-%m-%d}时本人还未满{WORKING_AGE}周岁")


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def clean_table(table: Table, *, today: dt.date) -> SurveyFile:
    """Typed rows with their problems and notes; the later of two rows with the same ID number is a problem
    naming the first."""
    cleaner = _Cleaner(table, today)
    rows: list[SurveyRow] = []
    first_by_id: dict[str, SurveyRow] = {}
    for line, cells in table.rows:
        row = cleaner.row(line, cells)
        if row.id_number:
            first = first_by_id.setdefault(row.id_number, row)
            if first is not row:
                row.problems.append(Problem("id_number", cleaner.header["id_number"], _duplicate(first, row)))
        rows.append(row)
    return SurveyFile(
        rows=rows,
        file_problems=[],
        header_line=table.header_line,
        sheet=table.sheet,
        headers=table.headers,
        columns={key: table.header_of(key) for key in table.columns},
        skipped=table.skipped,
    )


def _duplicate(first: SurveyRow, row: SurveyRow) -> str:
    if first.values() == row.values():
        return f"与第{first.line}行完全相同（重复行），只导入第{first.line}行"
    return f"与第{first.line}行的公民身份号码相同，同一人只能填写一行；请核对后保留一行"
