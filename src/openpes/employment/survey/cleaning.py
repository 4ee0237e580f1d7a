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
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, TypeVar

from django.utils import timezone

from openpes.core import text as core_text
from openpes.core.errors import DomainError
from openpes.core.identifiers import IdNumber, Phone, parse_id_number, parse_phone
from openpes.employment.choices import EmploymentForm, LabourStatus
from openpes.employment.survey import vocabulary as vocab
from openpes.employment.survey.columns import COLUMNS
from openpes.employment.survey.reading import SurveyFileError, Table, gc_paused, read_table
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
    """Something wrong with a row (or a note on it) for the clerk, with the column it is about."""

    field: str  # the SurveyRow field, "" for the row as a whole
    column: str  # the column's header as the file writes it, "" for the row as a whole
    message: str  # complete, naming the column: shown as it is

    def __str__(self) -> str:
        return self.message


@dataclass(slots=True)
class SurveyRow:
    """One person's row: the cells as uploaded, the typed values, what stops it and what was left out."""

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
    # The ID number and phone as parsed (`id_number` and `phone` are their values): the import hands them to
    # the registry's own checks, which then need not parse them again.
    parsed_id: IdNumber | None = None
    parsed_phone: Phone | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def values(self) -> dict[str, object]:
        """The typed fields by name."""
        return {name: getattr(self, name) for name in TYPED_FIELDS}


TYPED_FIELDS = tuple(
    name
    for name in SurveyRow.__dataclass_fields__
    if name not in {"line", "cells", "problems", "notes", "parsed_id", "parsed_phone"}
)


@dataclass
class SurveyFile:
    """What an uploaded file gave: its rows, or why it gave none."""

    rows: list[SurveyRow]  # every data row, in file order
    file_problems: list[str]  # non-empty: nothing could be read (no rows then)
    header_line: int = 0
    sheet: str = ""
    # Each column's header as written (a name merged above filled in), for the error workbook.
    headers: list[str] = field(default_factory=list)
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
#
# Column by column: a column's reader runs once per distinct value (a village repeats its addresses,
# statuses, dates and wishes), then the rows are assembled and the rules across columns applied. This is
# what keeps 100,000 rows within a second or two.

Answer = tuple[Any, str]  # (value, problem); the problem is "" when the value was read


def _answer(read: Callable[[Any], Any], raw: Any) -> Answer:
    try:
        return read(raw), ""
    except CellProblem as exc:
        return None, str(exc)
    except DomainError as exc:
        return None, "；".join(error.message for error in exc.errors)


def _read_column(
    raws: list[Any], read: Callable[[Any], Any], *, repeats: bool
) -> tuple[list[Any], dict[int, str]]:
    """Each raw value read; problems by row index. With `repeats`, each distinct value is read once. This
    runs for every cell of a file, hence the built-ins (map, set) doing the per-cell work."""
    if not repeats:
        answers = [_answer(read, raw) for raw in raws]
        return [value for value, _ in answers], {
            index: problem for index, (_, problem) in enumerate(answers) if problem
        }
    distinct = set(raws)
    if any(type(raw) is not str for raw in distinct):
        # Numbers, dates and booleans: keys carry the type, since 1 == 1.0 == True.
        keys = [raw if type(raw) is str else (type(raw), raw) for raw in raws]
        return _read_distinct(keys, dict(zip(keys, raws, strict=True)), read)
    return _read_distinct(raws, {raw: raw for raw in distinct}, read)


def _read_distinct(
    keys: list[Any], raw_of: dict[Any, Any], read: Callable[[Any], Any]
) -> tuple[list[Any], dict[int, str]]:
    value_of: dict[Any, Any] = {}
    problem_of: dict[Any, str] = {}
    for key, raw in raw_of.items():
        value_of[key], problem = _answer(read, raw)
        if problem:
            problem_of[key] = problem
    values = list(map(value_of.__getitem__, keys))
    if not problem_of:
        return values, {}
    return values, {index: problem_of[key] for index, key in enumerate(keys) if key in problem_of}


def _column_cells(cells_of_rows: list[list[Any]], positions: list[int] | None) -> list[Any]:
    """A column's cells; with the same column twice (手机 and 电话), the first one filled."""
    if positions is None:
        return [""] * len(cells_of_rows)
    if len(positions) == 1:
        return list(map(itemgetter(positions[0]), cells_of_rows))
    return [next((cells[at] for at in positions if _has_text(cells[at])), "") for cells in cells_of_rows]


def _has_text(value: Any) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _vocabulary_reader(vocabulary: vocab.Vocabulary[T]) -> Callable[[Any], T | None]:
    def read(raw: Any) -> T | None:
        text = clean_text(raw)
        if not text:
            return None
        found = vocabulary.lookup(text)
        if found is None:
            raise CellProblem(vocabulary.unknown_message(text))
        return found

    return read


def _text_reader(label: str, max_length: int) -> Callable[[Any], str]:
    def read(raw: Any) -> str:
        return core_text.clean_text(clean_text(raw), field="", label=label, max_length=max_length)

    return read


_PLAIN_NAME = re.compile(r"[\u4e00-\u9fff]{2,5}")


def _read_name(raw: Any) -> str:
    if type(raw) is str and _PLAIN_NAME.fullmatch(raw):
        return raw  # the usual name, which clean_person_name would return unchanged
    return core_text.clean_person_name(clean_name(raw))


def _read_phone(raw: Any) -> tuple[Phone, bool] | None:
    """(phone, whether more numbers followed): offices write 13812345678/13987654321 for two phones."""
    text = clean_text(raw)
    if not text:
        return None
    try:
        return parse_phone(text), False
    except DomainError:
        pieces = [piece for piece in _PHONE_SEPARATORS.split(text) if piece]
        if len(pieces) < 2:
            raise
        return parse_phone(pieces[0]), True


_PHONE_SEPARATORS = re.compile(r"[/,，、;；|\s]+")

ID_CHECK_FAILED = "身份证号码校验位不正确，请核对后重新输入"
ID_ZEROS_HINT = "；号码末尾是0，也可能是表格曾把它存成数字，丢失了末尾几位"


def _id_reader(today: dt.date) -> Callable[[Any], IdNumber]:
    def read(raw: Any) -> IdNumber:
        text = id_number_text(raw)
        try:
            return parse_id_number(text, today=today)
        except DomainError as exc:
            message = exc.errors[0].message
            if message == ID_CHECK_FAILED and text.endswith("00"):
                raise CellProblem(message + ID_ZEROS_HINT) from exc
            raise

    return read


def _readers(today: dt.date) -> dict[str, tuple[Callable[[Any], Any], bool]]:
    """Each field's reader, and whether its values repeat enough to remember the answers."""
    return {
        "name": (_read_name, True),
        "id_number": (_id_reader(today), False),
        "sex": (_vocabulary_reader(vocab.SEX), True),
        "ethnicity": (_vocabulary_reader(vocab.ETHNICITY), True),
        "education": (_vocabulary_reader(vocab.EDUCATION), True),
        "phone": (_read_phone, False),
        "hukou_address": (_text_reader("户籍地址", ADDRESS_LENGTH), True),
        "address": (_text_reader("现居住地址", ADDRESS_LENGTH), True),
        "relation": (_vocabulary_reader(vocab.RELATION), True),
        "labour_status": (_vocabulary_reader(vocab.LABOUR_STATUS), True),
        "employment_form": (_vocabulary_reader(vocab.EMPLOYMENT_FORM), True),
        "work_place": (_text_reader("就业地点", WORK_TEXT_LENGTH), True),
        "employer_name": (_text_reader("就业单位", WORK_TEXT_LENGTH), True),
        "monthly_income": (parse_income, True),
        "unemployment_reason": (_vocabulary_reader(vocab.UNEMPLOYMENT_REASON), True),
        "unemployed_since": (parse_month, True),
        "job_wish": (parse_wish, True),
        "training_wish": (parse_wish, True),
    }


# The order of the loop in clean_table.
READ_ORDER = (
    "name",
    "id_number",
    "sex",
    "ethnicity",
    "education",
    "phone",
    "hukou_address",
    "address",
    "relation",
    "labour_status",
    "employment_form",
    "work_place",
    "employer_name",
    "monthly_income",
    "unemployment_reason",
    "unemployed_since",
    "job_wish",
    "training_wish",
)
EMPLOYMENT_FIELDS = ("employment_form", "employer_name", "work_place")
UNEMPLOYMENT_FIELDS = ("unemployment_reason", "unemployed_since")
SEX_OF_ID = {"M": Sex.MALE, "F": Sex.FEMALE}
STATUS_MISSING = f"请填写就业状态，可填写：{'、'.join(vocab.LABOUR_STATUS.shown)}"


def clean_table(table: Table, *, today: dt.date) -> SurveyFile:
    """Typed rows with their problems and notes (the rules in this module's docstring); the later of two
    rows with the same ID number is a problem naming the first."""
    with gc_paused():
        return _clean_table(table, today=today)


def _clean_table(table: Table, *, today: dt.date) -> SurveyFile:
    header = {column.key: table.header_of(column.key) for column in COLUMNS}
    rows = table.rows
    cells_of_rows = [cells for _, cells in rows]
    values: dict[str, list[Any]] = {}
    pending: dict[int, list[Problem]] = {}
    for key, (read, repeats) in _readers(today).items():
        values[key], problems = _read_column(
            _column_cells(cells_of_rows, table.columns.get(key)), read, repeats=repeats
        )
        for index, message in problems.items():
            pending.setdefault(index, []).append(Problem(key, header[key], f"{header[key]}：{message}"))
    rules = _Rules(header, today)
    out: list[SurveyRow] = []
    first_by_id: dict[str, SurveyRow] = {}
    read_in_order = [values[key] for key in READ_ORDER]
    for index, (
        (line, cells),
        name,
        number,
        sex,
        ethnicity,
        education,
        phone,
        hukou_address,
        address,
        relation,
        status,
        form,
        work_place,
        employer_name,
        income,
        reason,
        since,
        job_wish,
        training_wish,
    ) in enumerate(zip(rows, *read_in_order, strict=True)):
        wants_job, job_wish_text = job_wish or (None, "")
        wants_training, training_wish_text = training_wish or (None, "")
        # Positional: a hundred thousand rows built with keywords cost three times as much.
        row = SurveyRow(
            line,
            cells,
            name or "",
            number.value if number else "",
            SEX_OF_ID[number.sex] if number else sex or "",
            ethnicity or "",
            education or "",
            phone[0].value if phone else "",
            hukou_address or "",
            address or "",
            relation or "",
            status[0] if status else "",
            "",
            work_place or "",
            employer_name or "",
            income,
            reason or "",
            since,
            wants_job,
            job_wish_text,
            wants_training,
            training_wish_text,
            pending.get(index, []),
            [],
            number,
            phone[0] if phone else None,
        )
        if phone and phone[1]:
            rules.note(row, "phone", "填写了多个号码，只导入了第一个")
        if number and sex and sex != number.sex:
            rules.problem(
                row, "sex", f"与公民身份号码不一致（号码显示为{'男' if number.sex == Sex.MALE else '女'}）"
            )
        rules.employment(row, status, form)
        rules.unemployment(row, number)
        if row.id_number:
            first = first_by_id.setdefault(row.id_number, row)
            if first is not row:
                rules.problem(row, "id_number", _duplicate(first, row), prefix=False)
        out.append(row)
    _refuse_truncated_lookalikes(out, rules)
    return SurveyFile(
        rows=out,
        file_problems=[],
        header_line=table.header_line,
        sheet=table.sheet,
        headers=table.headers,
        columns={key: table.header_of(key) for key in table.columns},
        skipped=table.skipped,
    )


TRUNCATED_LOOKALIKE = (
    "号码末尾是000：本文件中有多个号码因被表格存成数字而丢失了末尾几位（末尾变成000），"
    "这个号码校验虽然通过，也可能同样不完整；请核对原始证件后重新填写"
)


def _refuse_truncated_lookalikes(rows: list[SurveyRow], rules: _Rules) -> None:
    """A column once stored as numbers and saved as text ends every number in 000; one in eleven of those
    still passes the check digit. When the file shows the pattern, those are refused too."""
    truncated = sum(
        1
        for row in rows
        if row.problems and any(ID_ZEROS_HINT in problem.message for problem in row.problems)
    )
    if truncated < 2:
        return
    for row in rows:
        if row.id_number.endswith("000"):
            row.id_number, row.parsed_id = "", None
            rules.problem(row, "id_number", TRUNCATED_LOOKALIKE)


class _Rules:
    """The rules across columns, applied to a row whose cells have been read."""

    def __init__(self, header: dict[str, str], today: dt.date) -> None:
        self.header = header
        self.today = today

    def problem(self, row: SurveyRow, key: str, detail: str, *, prefix: bool = True) -> None:
        column = self.header[key]
        row.problems.append(Problem(key, column, f"{column}：{detail}" if prefix else detail))

    def note(self, row: SurveyRow, key: str, detail: str) -> None:
        column = self.header[key]
        row.notes.append(Problem(key, column, f"{column}：{detail}"))

    def employment(
        self,
        row: SurveyRow,
        status: tuple[LabourStatus, EmploymentForm | None] | None,
        form: EmploymentForm | None,
    ) -> None:
        if status is None:
            if not _has_problem(row, "labour_status"):
                self.problem(row, "labour_status", STATUS_MISSING)
            return
        labour_status, implied_form = status
        if labour_status != LabourStatus.EMPLOYED:
            if form is not None or row.employer_name or row.work_place or row.problems:
                note = f"就业状态为“{labour_status.label}”，{{columns}}未导入"
                self.leave_out(row, EMPLOYMENT_FIELDS, form, note)
            return
        if implied_form and form and form != implied_form:
            self.problem(row, "employment_form", f"“{form.label}”与就业状态“{implied_form.label}”不一致")
        row.employment_form = implied_form or form or ""
        if row.unemployment_reason or row.unemployed_since is not None or row.problems:
            self.leave_out(row, UNEMPLOYMENT_FIELDS, None, "已就业人员不填{columns}，未导入")

    def leave_out(
        self, row: SurveyRow, keys: tuple[str, ...], form: EmploymentForm | None, note: str
    ) -> None:
        """Empty the fields that do not apply to the row's status, with a note; their problems go too."""
        filled = [
            key
            for key in keys
            if (form if key == "employment_form" else getattr(row, key)) or _has_problem(row, key)
        ]
        if not filled:
            return
        for key in filled:
            if key != "employment_form":
                setattr(row, key, None if key == "unemployed_since" else "")
        row.problems = [problem for problem in row.problems if problem.field not in filled]
        self.note(row, filled[0], note.format(columns="、".join(self.header[key] for key in filled)))

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


def _has_problem(row: SurveyRow, key: str) -> bool:
    return any(problem.field == key for problem in row.problems)


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _duplicate(first: SurveyRow, row: SurveyRow) -> str:
    if first.values() == row.values():
        return f"与第{first.line}行完全相同（重复行），只导入第{first.line}行"
    return f"与第{first.line}行的公民身份号码相同，同一人只能填写一行；请核对后保留一行"
