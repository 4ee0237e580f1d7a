"""Vacancy files (the bulk-file channel): a file of jobs from an office or a job fair, checked, then imported
into the pool through `vacancy_intake`, so every rule of the other channels (validation, normalisation,
screening, dedup, the search index) applies to each row.

`vacancy_file_check` reads the file, finds each row's employer in the actor's jurisdiction and shows what
each row would become (occupation, pay, place, screening flags) without writing a vacancy; the record keeps
the file, encrypted, for the import. `vacancy_file_import` checks again (employers and the pool may have
changed) and writes in its mode, in one transaction: all rows or none (`all`), or the rows without problems
(`valid`).

What an imported row becomes: a vacancy of channel `file` whose source says the file and the line, in the
review queue (待审核) — staff other than the uploader check it before it is published, as they check what
employers post. A row whose text carries a blocking screening flag (a discriminatory requirement) is kept
as a draft instead: it may not be submitted until it is fixed, exactly as `vacancy_submit` refuses it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from openpes.accounts.models import Staff
from openpes.audit import services as audit
from openpes.core.crypto import decrypt_file, encrypt_file
from openpes.core.errors import DomainError, FieldError
from openpes.core.identifiers import mask_identifiers_in_text, parse_uscc
from openpes.core.jurisdiction import CODE_LENGTH
from openpes.core.uploads import ImportMode, ImportStatus
from openpes.employers.models import Employer
from openpes.vacancies import rules
from openpes.vacancies.choices import Channel
from openpes.vacancies.files import FileRow, VacancyFile, employer_key, error_workbook, read_vacancy_file
from openpes.vacancies.models import Vacancy, VacancyFileImport
from openpes.vacancies.presenters import pay_shown
from openpes.vacancies.services.normalising import normalise_and_screen_new
from openpes.vacancies.services.vacancies import ADD, may_change, vacancy_intake
from openpes.vacancies.services.validation import RAW_FIELDS, clean_vacancy

FILE_CONTEXT = "vacancies.file_import.file"
MAX_FILE_BYTES = 5 * 1024 * 1024
# Rows are checked and imported while the clerk waits (see docs/vacancy-import.md for the measured rate):
# a bigger file is split, not queued.
MAX_ROWS = 500
REGISTER_HINT = "请先在“用人单位”页面登记该单位（{url}），再重新上传"
FIELD_LABELS = {name: label for name, (label, _) in RAW_FIELDS.items()} | {
    "headcount": "招聘人数",
    "valid_until": "有效期至",
}


def _decrypt(record: VacancyFileImport) -> bytes:
    return decrypt_file(record.content_encrypted, context=FILE_CONTEXT)


# ------------------------------------------------------------------------------------------- the plan


@dataclass
class RowPlan:
    """What one row would become."""

    row: FileRow
    employer: Employer | None = None
    vacancy: Vacancy | None = None  # built, normalised and screened, not saved
    problems: list[str] = field(default_factory=list)
    unregistered: bool = False  # the employer is not registered here: the page links to the sign-up

    @property
    def blocked(self) -> bool:
        return self.vacancy is not None and bool(rules.blocking_flags(self.vacancy.screening_flags))

    def shown(self) -> dict[str, Any]:
        """The row as the check page lists it (kept as JSON on the record)."""
        vacancy = self.vacancy
        shown: dict[str, Any] = {
            "line": self.row.line,
            "title": self.row.title[:100],
            "employer": (self.employer.name if self.employer else self.row.employer_name)[:100],
            "problems": [mask_identifiers_in_text(problem) for problem in self.problems],
            "unregistered": self.unregistered,
        }
        if vacancy is not None:
            shown |= {
                "occupation": (
                    f"{vacancy.occupation_name}（{vacancy.occupation_code}）"
                    if vacancy.occupation_code
                    else ""
                ),
                "pay": pay_shown(vacancy),
                "place": vacancy.place_name,
                "work_type": vacancy.get_work_type_display() or "",
                "screening": [
                    {
                        "blocking": flag.get("severity") == "block",
                        "text": flag.get("text") or flag.get("code"),
                    }
                    for flag in vacancy.screening_flags
                ],
                "draft": self.blocked,
            }
        return shown


@dataclass
class FilePlan:
    upload: VacancyFile
    rows: list[RowPlan]

    @property
    def problem_rows(self) -> int:
        return sum(1 for plan in self.rows if plan.problems)

    @property
    def good(self) -> list[RowPlan]:
        return [plan for plan in self.rows if not plan.problems]

    def problems_by_line(self) -> dict[int, list[str]]:
        return {plan.row.line: plan.problems for plan in self.rows if plan.problems}


class _Employers:
    """The employers of the actor's jurisdiction, by credit code and by name. Only these are looked up: a
    row naming an employer elsewhere reads exactly like one naming no registered employer, so a file cannot
    be used to learn what is registered in another county."""

    def __init__(self, actor: Staff, rows: Sequence[FileRow]) -> None:
        self.actor = actor
        self.hint = REGISTER_HINT.format(url=reverse("employers:employer_create"))
        codes = set()
        for row in rows:
            if row.uscc:
                with contextlib.suppress(DomainError):  # find() says what is wrong with it
                    codes.add(parse_uscc(row.uscc).value)
        scoped = Employer.objects.within(actor)
        self.by_code = {employer.uscc: employer for employer in scoped.filter(uscc__in=codes)}
        self.by_name: dict[str, list[Employer]] = {}
        names = {employer_key(row.employer_name) for row in rows if row.employer_name and not row.uscc}
        if names:
            for employer in scoped.only("pk", "name", "uscc", "region_code", "specialist_id"):
                key = employer_key(employer.name)
                if key in names:
                    self.by_name.setdefault(key, []).append(employer)

    def find(self, row: FileRow) -> tuple[Employer | None, str]:
        hint = self.hint
        if row.uscc:
            try:
                code = parse_uscc(row.uscc).value
            except DomainError as exc:
                return None, f"{exc.errors[0].message}（{row.uscc}）"
            employer = self.by_code.get(code)
            if employer is None:
                return None, f"统一社会信用代码为 {code} 的单位未在本辖区登记：{hint}"
        else:
            found = self.by_name.get(employer_key(row.employer_name), [])
            if not found:
                return None, f"单位“{row.employer_name}”未在本辖区登记（名称须与登记的完全一致）：{hint}"
            if len(found) > 1:
                codes = "、".join(employer.uscc for employer in found)
                return None, (
                    f"本辖区有{len(found)}个单位名为“{row.employer_name}”（统一社会信用代码 {codes}），"
                    "请在该行填写统一社会信用代码以区分"
                )
            employer = found[0]
        if not may_change(self.actor, employer):
            return (
                None,
                f"您不负责“{employer.name}”的岗位（只能为自己服务的单位登记岗位），请交由该单位的就业服务专员导入",
            )
        return employer, ""


def _plan(actor: Staff, upload: VacancyFile, *, normalised: bool = True) -> FilePlan:
    """Each row's employer and problems; with `normalised`, also the vacancy it would be, normalised and
    screened (the import leaves that to `vacancy_create`, which does it again anyway)."""
    employers = _Employers(actor, upload.rows)
    plans = []
    for row in upload.rows:
        plan = RowPlan(row, problems=list(row.problems))
        plans.append(plan)
        if row.employer_name or row.uscc:
            plan.employer, problem = employers.find(row)
            if problem:
                plan.problems.append(problem)
                plan.unregistered = problem.endswith(employers.hint)
        try:
            values = clean_vacancy(row.data())
        except DomainError as exc:
            plan.problems.extend(_field_problems(row, exc.errors, upload.columns))
            continue
        if plan.employer is not None and normalised:
            plan.vacancy = Vacancy(employer=plan.employer, channel=Channel.FILE, **values)
    normalise_and_screen_new([plan.vacancy for plan in plans if plan.vacancy is not None])
    return FilePlan(upload, plans)


def _field_problems(row: FileRow, errors: list[FieldError], headers: dict[str, str]) -> list[str]:
    out = []
    for error in errors:
        if error.field == "title" and not row.title:
            continue  # the file's own check named the column already
        message = error.message
        label = FIELD_LABELS.get(error.field, "")
        header = headers.get(_column_of(error.field), "")
        if label and header:
            message = message.replace(label, header, 1)  # the column as the clerk's file names it
        out.append(message)
    return out


def _column_of(field_name: str) -> str:
    return "work_type_text" if field_name == "work_type" else field_name


# ------------------------------------------------------------------------------------------- the checks


def _check_mode(mode: str) -> None:
    if mode not in ImportMode.values:
        raise DomainError("mode", "导入方式取值无效，可选：all（全部无误才导入）、valid（只导入无误的行）")


def _check_upload(actor: Staff, filename: str, content: bytes) -> None:
    if not actor.has_perm(ADD):
        raise PermissionDenied
    if not content:
        raise DomainError("file", "上传的文件是空的")
    if len(content) > MAX_FILE_BYTES:
        raise DomainError(
            "file",
            f"文件太大（{len(content) / 1024 / 1024:.1f} MB），一次最多 {MAX_FILE_BYTES // 1024 // 1024} MB；"
            f"请拆分后上传（每个文件最多 {MAX_ROWS} 个岗位）",
        )
    if len(filename) > 200:
        raise DomainError("file", "文件名太长（最多200个字）")


def vacancy_file_preview(
    *, actor: Staff, filename: str, content: bytes, today: dt.date | None = None
) -> FilePlan:
    """Read and check an upload without keeping it or writing anything (the CLI's --dry-run)."""
    _check_upload(actor, filename, content)
    upload = read_vacancy_file(content, today=today or timezone.localdate())
    if upload.file_problems:
        raise DomainError([FieldError("file", message) for message in upload.file_problems])
    if not upload.rows:
        raise DomainError("file", "文件中没有岗位行（表头下面是空的）")
    if len(upload.rows) > MAX_ROWS:
        raise DomainError(
            "file",
            f"一次最多导入 {MAX_ROWS} 个岗位（本文件 {len(upload.rows)} 行），请拆分成几个文件后分别上传",
        )
    return _plan(actor, upload)


def vacancy_file_check(
    *, actor: Staff, filename: str, content: bytes, mode: str = ImportMode.VALID, plan: FilePlan | None = None
) -> VacancyFileImport:
    """Read and check an upload; the record keeps the file (encrypted) and each row's result for the clerk
    to see before anything is imported."""
    _check_mode(mode)
    if plan is None:
        plan = vacancy_file_preview(actor=actor, filename=filename, content=content)
    region_code = actor.jurisdiction_prefix.ljust(CODE_LENGTH, "0")
    with transaction.atomic():
        record = VacancyFileImport.objects.create(
            region_code=region_code,
            filename=filename,
            content_encrypted=encrypt_file(content, context=FILE_CONTEXT),
            mode=mode,
            total_rows=len(plan.rows),
            problem_rows=plan.problem_rows,
            rows=[row.shown() for row in plan.rows],
            created_by=actor,
        )
        audit.record_change(
            actor=actor,
            action="create",
            target=record,
            region_code=region_code,
            changes={"filename": filename, "rows": len(plan.rows), "problem_rows": plan.problem_rows},
            summary=f"上传岗位文件 {filename}（{len(plan.rows)} 行）",
        )
    return record


def _readable(actor: Staff, record: VacancyFileImport) -> None:
    if not actor.has_perm(ADD):
        raise PermissionDenied
    if not record.region_code.startswith(actor.jurisdiction_prefix):
        raise DomainError("import", "该导入不在您的辖区内")


def vacancy_file_errors(*, actor: Staff, record: VacancyFileImport) -> bytes:
    """The rows with problems as uploaded with a 问题 column, to fix and upload again."""
    _readable(actor, record)
    if not record.content_encrypted:
        raise DomainError("file", "原文件已在导入完成后删除，无法再生成问题表")
    problems: dict[int, list[str]] = {}
    for row in record.rows:
        if row["problems"]:
            problems[int(row["line"])] = list(row["problems"])
    upload = read_vacancy_file(_decrypt(record), today=timezone.localdate())
    audit.record_export(
        actor=actor,
        model=VacancyFileImport,
        rows=len(problems),
        description=f"岗位文件问题行（{record.filename}，导入编号 {record.pk}）",
        region_code=record.region_code,
    )
    return error_workbook(upload, problems)


# ------------------------------------------------------------------------------------------- the import


def vacancy_file_import(
    *, actor: Staff, record: VacancyFileImport, mode: str | None = None, plan: FilePlan | None = None
) -> VacancyFileImport:
    """Import a checked upload in its mode (or `mode`, the clerk's last choice). The rows are checked again;
    with `all`, one problem row refuses the whole file and nothing is written. One transaction: a failure
    half way leaves no vacancy behind. `plan` is the file as this process has just checked it (the CLI)."""
    _readable(actor, record)
    if record.finished or not record.content_encrypted:
        raise DomainError("import", "该文件已处理完毕，不能重复导入；如需再次导入请重新上传")
    if mode is not None:
        _check_mode(mode)
        record.mode = mode
    if plan is None:
        upload = read_vacancy_file(_decrypt(record), today=timezone.localdate())
        plan = _plan(actor, upload, normalised=False)
    _update_rows(record, plan)
    if plan.problem_rows and record.mode == ImportMode.ALL:
        return _finish(
            record, ImportStatus.REFUSED, 0, 0, len(plan.rows), "有问题行，按“全部无误才导入”未导入任何一行"
        )
    good = plan.good
    if not good:
        return _finish(record, ImportStatus.REFUSED, 0, 0, len(plan.rows), "没有可导入的行")
    ids: list[int] = []
    drafts = merged = 0
    with transaction.atomic():
        for row_plan in good:
            assert row_plan.employer is not None
            intake = vacancy_intake(
                actor=actor,
                data=row_plan.row.data(),
                employer=row_plan.employer,
                channel=Channel.FILE,
                source=f"{record.filename} 第{row_plan.row.line}行（导入编号 {record.pk}）",
                submit=True,
            )
            if intake.merged:  # word for word an open vacancy from another channel: kept as its source
                merged += 1
                continue
            ids.append(intake.vacancy.pk)
            drafts += rules.blocking_flags(intake.vacancy.screening_flags) != []
        Vacancy.objects.filter(pk__in=ids).update(file_import=record)
        audit.record_bulk_change(
            actor=actor,
            action="create",
            model=Vacancy,
            ids=ids,
            changes={"channel": Channel.FILE, "file_import": record.pk, "filename": record.filename},
            region_code=record.region_code,
            summary=f"批量导入岗位 {record.filename}（{len(ids)} 个）",
        )
        note = (
            f"{merged} 行与同一单位已有的在招岗位文字相同，已合并为该岗位的来源，未新建岗位" if merged else ""
        )
        _finish(record, ImportStatus.DONE, len(ids), drafts, plan.problem_rows, note)
    return record


def _update_rows(record: VacancyFileImport, plan: FilePlan) -> None:
    """The rows' problems as the import found them, beside what the check showed they would become."""
    checked = {row["line"]: row for row in record.rows}
    rows = []
    for row_plan in plan.rows:
        shown = row_plan.shown()
        before = checked.get(row_plan.row.line, {})
        rows.append({**before, **shown} if row_plan.vacancy is None else shown)
    record.rows, record.problem_rows = rows, plan.problem_rows


def _finish(
    record: VacancyFileImport, status: str, created: int, drafts: int, refused: int, message: str
) -> VacancyFileImport:
    record.status, record.message = status, message
    record.created, record.drafts, record.refused = created, drafts, refused
    record.finished_at = timezone.now()
    if status == ImportStatus.DONE:
        record.content_encrypted = ""  # the rows are in the pool now; the file's phones need not stay
    record.save()
    return record
