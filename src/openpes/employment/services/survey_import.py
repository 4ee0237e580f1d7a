"""The labour-force survey import (就失业信息采集, seed 002): a village's workbook checked, then written.

`survey_check` reads the file, applies every rule that needs the database (the jurisdiction, the village, the
registry's own rules for a new person) and keeps the file, encrypted, with its problems: nothing is written
to the registry. `survey_import` writes what the chosen mode allows in one transaction — all rows or none
(`all`), or the rows without problems (`valid`) — so a process killed half way leaves nothing behind.

What a row becomes:
* a new person is registered in the village; rows are grouped into households as the sheet lists them: a
  户主 row starts a household, the rows after it with another relation join it;
* a registered person of the same village gets the survey's education, ethnicity, address and phone when
  they differ (never their name, ID number or household: those change on the registry pages);
* every person's employment status is set from the row (the profile), with a timeline entry when it changed;
* key groups and zero-employment households follow, in bulk.
Re-importing the same file changes nothing: every row is then "unchanged".
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from openpes.accounts.models import Staff
from openpes.audit import services as audit
from openpes.core import bulk
from openpes.core.crypto import decrypt_file, encrypt_file
from openpes.core.errors import DomainError, FieldError
from openpes.core.identifiers import mask_identifiers_in_text, parse_phone
from openpes.core.tabular import gc_paused
from openpes.core.uploads import ImportMode, ImportStatus
from openpes.employment.choices import LabourStatus
from openpes.employment.models import (
    EmploymentProfile,
    EventKind,
    StatusEvent,
    SurveyImport,
)
from openpes.employment.selectors import parameters_for
from openpes.employment.services.derived import Registered, refresh, refresh_registered
from openpes.employment.survey import SurveyFile, SurveyRow, error_workbook, read_survey
from openpes.people import services as people
from openpes.people.models import Household, Person, Relation
from openpes.people.rules import registrable_age_problem
from openpes.people.services.validation import village_in_jurisdiction

FILE_CONTEXT = "employment.survey_import.file"
MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_ROWS = 200_000
PROGRESS_EVERY = 2000
# The profile fields a survey row sets, and what a row's value is read from.
STATUS_FIELDS = (
    "labour_status",
    "employment_form",
    "employer_name",
    "work_place",
    "monthly_income",
    "unemployment_reason",
    "unemployed_since",
    "wants_job",
    "job_wish",
    "wants_training",
    "training_wish",
)
PERSON_UPDATES = ("education", "ethnicity", "address")

Progress = Callable[[int], None]


def _encrypt_file(content: bytes) -> str:
    return encrypt_file(content, context=FILE_CONTEXT)


def _decrypt_file(record: SurveyImport) -> bytes:
    return decrypt_file(record.content_encrypted, context=FILE_CONTEXT)


@dataclass
class _Plan:
    """What the file would do, row by row."""

    survey: SurveyFile
    problems: dict[int, list[str]] = field(default_factory=dict)  # line → messages
    existing: dict[int, Person] = field(default_factory=dict)  # line → registered person of the village
    new_rows: list[SurveyRow] = field(default_factory=list)
    index_of: dict[int, str] = field(default_factory=dict)  # line → the ID number's blind index

    def add(self, line: int, message: str) -> None:
        self.problems.setdefault(line, []).append(message)

    @property
    def good_rows(self) -> list[SurveyRow]:
        return [row for row in self.survey.rows if row.line not in self.problems]


def _plan(
    actor: Staff, region_code: str, survey: SurveyFile, today: dt.date, known: dict[int, str] | None = None
) -> _Plan:
    """`known`: the blind indexes of this very file's ID numbers by line, from an earlier plan (the preview
    the same process made), so that each number is hashed once."""
    plan = _Plan(survey)
    for row in survey.rows:
        for problem in row.problems:
            plan.add(row.line, problem.message)
    candidates = [row for row in survey.rows if row.id_number and row.line not in plan.problems]
    known = known or {}
    index_of = plan.index_of = {
        row.line: known.get(row.line) or people.id_index(row.id_number) for row in candidates
    }
    registered: dict[str, Person] = {}
    indexes = list(index_of.values())
    for start in range(0, len(indexes), 2000):
        for person in Person.objects.filter(id_number_index__any_of=indexes[start : start + 2000]).only(
            "pk",
            "name",
            "region_code",
            "id_number_index",
            "household_id",
            "education",
            "ethnicity",
            "address",
            "phone_index",
            "birth_month",
            "sex",
        ):
            registered[person.id_number_index] = person
    outside = 0
    for row in candidates:
        found = registered.get(index_of[row.line])
        if found is None:
            plan.new_rows.append(row)
        elif not found.region_code.startswith(actor.jurisdiction_prefix):
            outside += 1
            plan.add(row.line, "该身份证号码已在其他辖区登记，不能在本村导入；如已迁入请联系县级经办机构")
        elif found.region_code != region_code:
            plan.add(
                row.line,
                f"此人登记在本辖区的其他村（社区）（{found.name}），请先在劳动者页面修改所在村后再导入",
            )
        else:
            plan.existing[row.line] = found
    if registered:  # as in the registry's duplicate check: whether a number is registered is logged
        audit.record_lookup(
            actor=actor,
            model=Person,
            reason=f"导入采集表时有 {len(registered)} 个身份证号码已有登记（其中辖区外 {outside} 个）",
            region_code=region_code,
        )
    for row in plan.new_rows:
        birth = row.parsed_id.birth_date if row.parsed_id else _birth_of(row.id_number)
        too_young = registrable_age_problem(birth, today) if birth else None
        if too_young:
            plan.add(row.line, too_young)
    _refuse_households_of_refused_heads(plan)
    plan.new_rows = [row for row in plan.new_rows if row.line not in plan.problems]
    return plan


def _refuse_households_of_refused_heads(plan: _Plan) -> None:
    """A household goes in whole or waits: the rows under a refused 户主 row (its household, as the sheet
    lists them) are refused with it. Imported alone they would have joined the household above, and once
    the head row is put right and the file imported again, the head would start a household of their own."""
    # A head row that repeats one imported elsewhere in the file (a row pasted twice) refuses nobody.
    imported = {row.id_number for row in plan.survey.rows if row.id_number and row.line not in plan.problems}
    refused_head: int | None = None
    for row in plan.survey.rows:
        if row.relation == Relation.HEAD:
            refused = row.line in plan.problems and row.id_number not in imported
            refused_head = row.line if refused else None
        elif refused_head is not None and row.line not in plan.problems:
            plan.add(
                row.line, f"本户户主（第{refused_head}行）有问题，本行随户暂不导入；改正户主行后重新导入即可"
            )


def _birth_of(id_number: str) -> dt.date | None:
    try:
        return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def _check_upload(actor: Staff, region_code: str, filename: str, content: bytes) -> None:
    problem = village_in_jurisdiction(actor, region_code)
    if problem:
        raise DomainError(problem)
    if not content:
        raise DomainError("file", "上传的文件是空的")
    if len(content) > MAX_FILE_BYTES:
        raise DomainError(
            "file",
            f"文件太大（{len(content) // 1024 // 1024} MB），一次最多 {MAX_FILE_BYTES // 1024 // 1024} MB；请按村拆分后上传",
        )
    if len(filename) > 200:
        raise DomainError("file", "文件名太长（最多200个字）")


def _problem_list(plan: _Plan) -> list[list[Any]]:
    """(line, message) pairs for the record: messages name columns and values, never a whole ID number."""
    return [
        [line, mask_identifiers_in_text(message)]
        for line in sorted(plan.problems)
        for message in plan.problems[line]
    ]


@dataclass(frozen=True)
class Preview:
    """What a file would do, before anything is written."""

    survey: SurveyFile
    problems: list[list[Any]]  # [line, message]
    new: int
    existing: int
    index_of: dict[int, str] = field(default_factory=dict)  # line → the ID number's blind index

    @property
    def problem_rows(self) -> int:
        return len({line for line, _ in self.problems})


def survey_preview(*, actor: Staff, region_code: str, filename: str, content: bytes) -> Preview:
    """Read and check an upload without keeping it (the CLI's --dry-run)."""
    with gc_paused():  # see survey_import
        return _survey_preview(actor, region_code, filename, content)


def _survey_preview(actor: Staff, region_code: str, filename: str, content: bytes) -> Preview:
    _check_upload(actor, region_code, filename, content)
    today = timezone.localdate()
    survey = read_survey(content, filename, today=today)
    if survey.file_problems:
        raise DomainError([FieldError("file", message) for message in survey.file_problems])
    if not survey.rows:
        raise DomainError("file", "文件中没有可导入的人员行（表头下面是空的）")
    if len(survey.rows) > MAX_ROWS:
        raise DomainError("file", f"一次最多导入 {MAX_ROWS} 行（本文件 {len(survey.rows)} 行），请拆分后上传")
    plan = _plan(actor, region_code, survey, today)
    return Preview(survey, _problem_list(plan), len(plan.new_rows), len(plan.existing), plan.index_of)


def survey_check(
    *,
    actor: Staff,
    region_code: str,
    filename: str,
    content: bytes,
    mode: str = ImportMode.VALID,
    preview: Preview | None = None,
) -> SurveyImport:
    """Read and check an upload; the record keeps the file (encrypted) and its problems for the clerk to
    see before anything is imported. A caller that has just previewed these very bytes passes the preview
    (the CLI), so the file is not read again."""
    if mode not in ImportMode.values:
        raise DomainError("mode", "导入方式取值无效，可选：all（全部无误才导入）、valid（只导入无误的行）")
    if preview is None:
        preview = survey_preview(actor=actor, region_code=region_code, filename=filename, content=content)
    rows = len(preview.survey.rows)
    with transaction.atomic():
        record = SurveyImport.objects.create(
            region_code=region_code,
            filename=filename,
            content_encrypted=_encrypt_file(content),
            mode=mode,
            total_rows=rows,
            problem_rows=preview.problem_rows,
            problems=preview.problems,
            created_by=actor,
        )
        audit.record_change(
            actor=actor,
            action="create",
            target=record,
            region_code=region_code,
            changes={"filename": filename, "rows": rows, "problem_rows": preview.problem_rows},
            summary=f"上传采集表 {filename}（{rows} 行）",
        )
    return record


def error_workbook_for(*, actor: Staff, record: SurveyImport) -> bytes:
    """The rows with problems as uploaded (whole ID numbers included) with a 问题 column, for the clerk to fix
    and upload again. Personal data leaving as a file: logged like an export."""
    if not record.content_encrypted:
        raise DomainError("file", "原文件已在导入完成后删除，无法再生成问题表")
    survey = read_survey(_decrypt_file(record), record.filename)
    problems: dict[int, list[str]] = {}
    for line, message in record.problems:
        problems.setdefault(int(line), []).append(str(message))
    audit.record_export(
        actor=actor,
        model=SurveyImport,
        rows=len(problems),
        description=f"采集表问题行（{record.filename}，导入编号 {record.pk}）",
        region_code=record.region_code,
    )
    return error_workbook(survey, problems)


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0


def survey_import(
    *,
    actor: Staff,
    record: SurveyImport,
    progress: Progress | None = None,
    preview: Preview | None = None,
    overlap: bool = False,
) -> SurveyImport:
    """Import a checked upload in its mode. The rows are checked again (the registry may have changed since
    the preview); with `all`, one problem row refuses the whole file and nothing is written. `preview` is
    the file as the same process has just read and checked it (the CLI): its rows are not read again, its
    ID numbers not hashed again; otherwise the kept file is read again. Progress goes to `progress`, or
    else to the record, for the page.

    `overlap` (the CLI): prepare the new persons batch by batch inside the transaction, each while the batch
    before is written, which on two cores takes a third off the write. The record's progress is then not
    written (inside the transaction the page would not see it until the end): give `progress`."""
    # No cyclic garbage collection meanwhile: the file's rows and what is made of them are a few million
    # objects that make no cycles, and every full collection would walk them all again (a seventh of the
    # import's time). Collection resumes when the import ends.
    with gc_paused():
        return _survey_import(actor, record, progress, preview, overlap)


def _survey_import(
    actor: Staff, record: SurveyImport, progress: Progress | None, preview: Preview | None, overlap: bool
) -> SurveyImport:
    if record.finished or not record.content_encrypted:
        raise DomainError("import", "该文件已处理完毕，不能重复导入；如需再次导入请重新上传")
    if not record.region_code.startswith(actor.jurisdiction_prefix):
        raise DomainError("import", "该村（社区）不在您的辖区内")
    _set(record, status=ImportStatus.RUNNING, progress=0)
    today = timezone.localdate()
    survey = preview.survey if preview else read_survey(_decrypt_file(record), record.filename, today=today)
    plan = _plan(actor, record.region_code, survey, today, preview.index_of if preview else None)
    record.problems, record.problem_rows = _problem_list(plan), len(plan.problems)
    if plan.problems and record.mode == ImportMode.ALL:
        return _finish(
            record,
            ImportStatus.REFUSED,
            ImportCounts(refused=len(survey.rows)),
            "有问题行，按“全部无误才导入”未导入任何一行",
        )
    if overlap:
        # The new persons are validated and encrypted batch by batch inside the transaction, each batch
        # while the one before is written (bulk.write_behind). Rows the registry's own rules refuse, and ID
        # numbers registered by someone else since the plan looked them up, are rare: if there is one,
        # nothing was written, and the way below (which asks the registry again) finds them all first.
        # Without `overlap` (the page, the worker) the preparation stays outside the transaction, where the
        # page can see its progress move.
        try:
            return _write_and_derive(actor, record, plan, None, today, progress)
        except (_RefusedByRegistry, people.RegisteredMeanwhile):
            pass
    report = progress or (lambda done: _set(record, progress=done))
    prepared = _prepare_new(actor, record.region_code, plan, today, report)
    if prepared.errors:  # the registry's own rules found more problems: the mode decides again
        for line, message in prepared.errors:
            plan.add(line, message)
        _refuse_households_of_refused_heads(plan)
        record.problems, record.problem_rows = _problem_list(plan), len(plan.problems)
        if record.mode == ImportMode.ALL:
            return _finish(
                record,
                ImportStatus.REFUSED,
                ImportCounts(refused=len(survey.rows)),
                "有问题行，按“全部无误才导入”未导入任何一行",
            )
    return _write_and_derive(actor, record, plan, prepared, today, None)


class _RefusedByRegistry(Exception):
    """A new person of the batch being prepared inside the transaction failed the registry's own rules."""


def _write_and_derive(
    actor: Staff,
    record: SurveyImport,
    plan: _Plan,
    prepared: _Prepared | None,
    today: dt.date,
    progress: Progress | None,
) -> SurveyImport:
    """Write the good rows, derive what follows and finish the record, in one transaction."""
    counts = ImportCounts(refused=len(plan.problems))
    try:
        with transaction.atomic():
            touched = _write(actor, record, plan, prepared, today, counts, progress)
            refresh(person_ids=touched, on=today)
            audit.record_change(
                actor=actor,
                action="update",
                target=record,
                region_code=record.region_code,
                changes={
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                    "refused": counts.refused,
                },
                summary=f"导入采集表 {record.filename}",
            )
            _finish(record, ImportStatus.DONE, counts, "")
    except IntegrityError as exc:  # written behind, a unique violation is raised at a later statement
        people.raise_if_registered_meanwhile(exc)
        raise
    return record


BACKGROUND_ROWS = 3000  # bigger files are imported by the worker, with progress on the page


def survey_queue(*, actor: Staff, record: SurveyImport) -> bool:
    """Mark a checked upload for the worker; False when it is small enough to import at once."""
    if record.finished or record.status != ImportStatus.CHECKED:
        raise DomainError("import", "该文件已提交导入或已处理完毕")
    if not record.region_code.startswith(actor.jurisdiction_prefix):
        raise DomainError("import", "该村（社区）不在您的辖区内")
    if record.total_rows <= BACKGROUND_ROWS:
        return False
    _set(record, status=ImportStatus.QUEUED)
    return True


def survey_failed(*, record: SurveyImport, message: str) -> None:
    """A background import that stopped: nothing of it was written (one transaction); the file is kept."""
    _set(record, status=ImportStatus.FAILED, message=message[:300], finished_at=timezone.now())


def _set(record: SurveyImport, **values: Any) -> None:
    for key, value in values.items():
        setattr(record, key, value)
    SurveyImport.objects.filter(pk=record.pk).update(**values)


def _finish(record: SurveyImport, status: str, counts: ImportCounts, message: str) -> SurveyImport:
    record.status, record.message = status, message
    record.created, record.updated, record.unchanged, record.refused = (
        counts.created,
        counts.updated,
        counts.unchanged,
        counts.refused,
    )
    record.progress = record.total_rows
    record.finished_at = timezone.now()
    if status == ImportStatus.DONE:
        record.content_encrypted = ""  # whole ID numbers are not kept once they are in the registry
    record.save()
    return record


@dataclass
class _Prepared:
    persons: dict[int, dict[str, Any]] = field(default_factory=dict)  # line → prepared new person
    errors: list[tuple[int, str]] = field(default_factory=list)


def _prepare_new(
    actor: Staff, region_code: str, plan: _Plan, today: dt.date, progress: Progress
) -> _Prepared:
    """Validate and encrypt the new persons before the transaction (the slow part), reporting progress."""
    prepared = _Prepared()
    rows = plan.new_rows
    villages = people.villages_of(actor)
    for start in range(0, len(rows), PROGRESS_EVERY):
        chunk = rows[start : start + PROGRESS_EVERY]
        persons, errors = _prepare_batch(actor, region_code, plan, chunk, today, villages)
        by_index = {p["id_number_index"]: p for p in persons}
        for row in chunk:
            person = by_index.get(plan.index_of[row.line])
            if person is not None:
                prepared.persons[row.line] = person
        for error in errors:
            line, _, _ = error.field.partition(".")
            prepared.errors.append((int(line), error.message))
        progress(min(start + len(chunk), len(rows)))
    return prepared


def _prepare_batch(
    actor: Staff,
    region_code: str,
    plan: _Plan,
    rows: list[SurveyRow],
    today: dt.date,
    villages: set[str],
    *,
    writing: bool = False,
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """The registry's rules and encryption for new persons (`people.persons_prepare`), labelled by line.
    `writing`: inside the write, where the plan's lookup of the ID numbers stands (one registered since is
    refused by the unique index); before it, the registry is asked again, so such a row is refused alone."""
    labelled = [(str(row.line), _person_input(row, region_code, plan.index_of[row.line])) for row in rows]
    return people.persons_prepare(actor, labelled, today, villages, registry_checked=writing)


def _person_input(row: SurveyRow, region_code: str, index: str) -> people.PersonInput:
    """The row as the registry's bulk preparation takes it, with the identifiers the cleaning parsed and the
    blind index the plan computed: the registry's rules run on them without parsing or hashing again."""
    parsed = people.ParsedIdentifiers(row.parsed_id, row.parsed_phone, index) if row.parsed_id else None
    return people.PersonInput(
        name=row.name,
        id_number=row.id_number,
        phone=row.phone,
        region_code=region_code,
        address=row.address or row.hukou_address,
        relation_to_head=row.relation,
        education=row.education,
        ethnicity=row.ethnicity,
        parsed=parsed,
    )


def _status_values(row: SurveyRow) -> dict[str, Any]:
    return {
        "labour_status": row.labour_status,
        "employment_form": row.employment_form,
        "employer_name": row.employer_name,
        "work_place": row.work_place,
        "monthly_income": row.monthly_income,
        "unemployment_reason": row.unemployment_reason,
        "unemployed_since": row.unemployed_since,
        "wants_job": row.wants_job,
        "job_wish": row.job_wish_text,
        "wants_training": row.wants_training,
        "training_wish": row.training_wish_text,
    }


def _write(
    actor: Staff,
    record: SurveyImport,
    plan: _Plan,
    prepared: _Prepared | None,
    today: dt.date,
    counts: ImportCounts,
    progress: Progress | None,
) -> list[int]:
    """Write persons, households and statuses for the good rows; returns the persons touched whose derived
    records are still to refresh. New persons come `prepared`, or are prepared here batch by batch while the
    batch before is written (`bulk.write_behind`); a row that the registry's rules refuse then stops it all
    (`_RefusedByRegistry`). Those in the households this import registers (most, on a first survey) have
    theirs derived here, from the rows as written, while the rows are written (`refresh_registered`)."""
    new_lines = set(prepared.persons) if prepared else {row.line for row in plan.new_rows}
    good = [row for row in plan.good_rows if row.line in plan.existing or row.line in new_lines]
    person_of: dict[int, int] = {line: p.pk for line, p in plan.existing.items()}
    # Households for new persons, as the sheet groups them: a 户主 row starts one.
    groups: list[list[SurveyRow]] = []
    for row in good:
        if row.relation == Relation.HEAD or not groups:
            groups.append([row])
        else:
            groups[-1].append(row)
    new_households: list[tuple[str, str]] = []
    household_of_group: list[int | None] = []
    pending: list[int] = []  # index into new_households per group, -1 when joining an existing one
    for group in groups:
        head = group[0] if group[0].relation == Relation.HEAD else None
        existing_head = plan.existing.get(head.line) if head else None
        if not any(row.line in new_lines for row in group):
            household_of_group.append(None)
            pending.append(-1)
        elif existing_head is not None and existing_head.household_id:
            household_of_group.append(existing_head.household_id)
            pending.append(-1)
        else:
            address = (head or group[0]).address or (head or group[0]).hukou_address
            new_households.append((record.region_code, address[:200]))
            household_of_group.append(None)
            pending.append(len(new_households) - 1)
    # Keys first, so that each new household names its head as it is written (no UPDATE per household).
    new_rows = [row for group in groups for row in group if row.line in new_lines]  # in sheet order
    key_of = dict(zip((row.line for row in new_rows), bulk.reserve_keys(Person, len(new_rows)), strict=True))
    heads: list[int | None] = [None] * len(new_households)
    for group, slot in zip(groups, pending, strict=True):
        if slot >= 0 and group[0].relation == Relation.HEAD and group[0].line in new_lines:
            heads[slot] = key_of[group[0].line]
    # Checked as each statement ends, behind the Python, not all at commit (a household names its head
    # before the head is written, so that one waits for the commit).
    bulk.check_references_as_written(Household, except_for=("head",))
    household_keys = people.households_insert(actor=actor, households=new_households, heads=heads)
    household_of: dict[int, int | None] = {}  # line of a new person → their household
    for group, joined, slot in zip(groups, household_of_group, pending, strict=True):
        for row in group:
            if row.line in new_lines:
                household_of[row.line] = household_keys[slot] if slot >= 0 else joined
    person_of.update(key_of)
    villages = people.villages_of(actor) if prepared is None else set()
    parameters = {record.region_code: parameters_for(record.region_code)}
    in_new_household = set(household_keys)
    fresh = Registered()  # the new persons of new households
    profile_template = _new_profile_template(today)
    with bulk.write_behind(Person):
        for start in range(0, len(new_rows), PROGRESS_EVERY):
            batch = new_rows[start : start + PROGRESS_EVERY]
            if prepared is not None:
                persons = [prepared.persons[row.line] for row in batch]
            else:
                persons, errors = _prepare_batch(
                    actor, record.region_code, plan, batch, today, villages, writing=True
                )
                if errors:
                    raise _RefusedByRegistry
            statuses = {}
            for row, person in zip(batch, persons, strict=True):
                person["id"], person["household_id"] = key_of[row.line], household_of[row.line]
                statuses[person["id"]] = values = _status_values(row)
                if person["household_id"] in in_new_household:
                    fresh.add(person, _new_profile(profile_template, person["id"], values))
            people.persons_insert(actor=actor, persons=persons)
            statuses_set(
                actor=actor,
                statuses=statuses,
                source=record.filename,
                region_code=record.region_code,
                on=today,
                new={person["id"] for person in persons},
            )
            if progress is not None and prepared is None:
                progress(start + len(batch))
        refresh_registered(fresh, on=today, parameters=parameters)
        counts.created = len(new_rows)
        registered = [row for row in good if row.line in plan.existing]
        changed_people = _update_existing(actor, plan, registered)
        changed = _write_statuses(actor, record, registered, person_of, today)
    for row in registered:
        if row.line in changed or row.line in changed_people:
            counts.updated += 1
        else:
            counts.unchanged += 1
    return [pk for pk in person_of.values() if pk not in fresh.known]


def _update_existing(actor: Staff, plan: _Plan, good: list[SurveyRow]) -> set[int]:
    """Education, ethnicity, address and phone of registered persons, where the survey says otherwise."""
    changed_lines: set[int] = set()
    to_save: list[Person] = []
    fields: set[str] = set()
    for row in good:
        registered = plan.existing.get(row.line)
        if registered is None:
            continue
        # A copy: if the transaction is rolled back and the import tried again (`_survey_import`), the plan
        # must still hold what the registry holds, or the second try would find nothing to change.
        person = copy.copy(registered)
        values = {"education": row.education, "ethnicity": row.ethnicity, "address": row.address}
        differs: dict[str, object] = {k: v for k, v in values.items() if v and getattr(person, k) != v}
        if row.phone and people.phone_index(row.phone) != person.phone_index:
            clean = people.CleanPerson()
            clean.phone = parse_phone(row.phone)
            for name, value in people.identity_columns(clean).items():
                setattr(person, name, value)
                fields.add(name)
            differs["phone"] = True
        if not differs:
            continue
        for key, value in differs.items():
            if key != "phone":
                setattr(person, key, value)
                fields.add(key)
        person.updated_at = timezone.now()
        to_save.append(person)
        changed_lines.add(row.line)
    if to_save:
        Person.objects.bulk_update(to_save, [*sorted(fields), "updated_at"], batch_size=1000)
        audit.record_bulk_change(
            actor=actor,
            action="bulk_update",
            model=Person,
            ids=[p.pk for p in to_save],
            changes={"fields": sorted(fields)},
            region_code=actor.jurisdiction_id,
            summary=f"采集表更新劳动者信息 {len(to_save)} 人",
        )
    return changed_lines


def _write_statuses(
    actor: Staff, record: SurveyImport, rows: list[SurveyRow], person_of: dict[int, int], today: dt.date
) -> set[int]:
    """Set each registered person's status from the row; returns the lines whose status changed."""
    statuses = {person_of[row.line]: _status_values(row) for row in rows}
    changed = statuses_set(
        actor=actor, statuses=statuses, source=record.filename, region_code=record.region_code, on=today
    )
    return {row.line for row in rows if person_of[row.line] in changed}


def _new_profile_template(on: dt.date) -> dict[str, Any]:
    """What every new profile collected on `on` starts from (`_new_profile`)."""
    return {**bulk.new_row(EmploymentProfile), "surveyed_on": on}


def _new_profile(template: dict[str, Any], person_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """The row of a person's new profile with these status values, as `statuses_set` writes it (and as the
    survey's derived records read it)."""
    return {**template, **values, "person_id": person_id}


def statuses_set(
    *,
    actor: Staff,
    statuses: dict[int, dict[str, Any]],
    source: str,
    region_code: str,
    on: dt.date,
    new: AbstractSet[int] = frozenset(),
) -> set[int]:
    """Set persons' employment status as collected (就失业信息采集), in bulk, with a timeline entry where it
    changed; returns the persons whose status changed. Each person's values are some of STATUS_FIELDS; the
    others keep what the profile has. `new`: persons the caller has just registered in this transaction,
    who have no profile yet (theirs are not looked for). The caller refreshes what follows (`refresh`)."""
    ids = [pk for pk in statuses if pk not in new]
    current: dict[int, dict[str, Any]] = {}  # person → the profile's key and status fields
    for start in range(0, len(ids), 2000):
        current.update(
            (row["person_id"], row)
            for row in EmploymentProfile.objects.filter(person_id__any_of=ids[start : start + 2000]).values(
                "pk", "person_id", *STATUS_FIELDS
            )
        )
    now = timezone.now()
    created: list[int] = []
    update: list[EmploymentProfile] = []
    events: list[int] = []
    for pk, values in statuses.items():
        profile = current.get(pk)
        if profile is None:
            created.append(pk)
        elif any(profile[k] != v for k, v in values.items()):
            update.append(
                EmploymentProfile(
                    pk=profile["pk"],
                    person_id=pk,
                    **{**{k: profile[k] for k in STATUS_FIELDS}, **values},
                    surveyed_on=on,
                    updated_at=now,
                )
            )
        else:
            continue
        events.append(pk)
    # New profiles and timeline entries go in as plain rows (bulk_create builds a model per row).
    template = _new_profile_template(on)
    bulk.insert_rows(EmploymentProfile, [_new_profile(template, pk, statuses[pk]) for pk in created])
    EmploymentProfile.objects.bulk_update(
        update, [*STATUS_FIELDS, "surveyed_on", "updated_at"], batch_size=1000
    )
    event_row = {
        **bulk.new_row(StatusEvent),
        "kind": EventKind.SURVEYED,
        "on": on,
        "recorded_by_id": actor.pk,
    }
    notes: dict[str, str] = {}  # labour status → the entry's note
    rows = []
    for pk in events:
        status = statuses[pk].get("labour_status") or ""
        note = notes.get(status)
        if note is None:
            label = LabourStatus(status).label if status else "未填"
            note = notes[status] = f"采集：{label}（{source}）"[:200]
        rows.append({**event_row, "person_id": pk, "note": note})
    bulk.insert_rows(StatusEvent, rows)
    written = [*created, *(p.person_id for p in update)]
    for start in range(0, len(written), 2000):
        batch = written[start : start + 2000]
        audit.record_bulk_change(
            actor=actor,
            action="bulk_update",
            model=EmploymentProfile,
            ids=batch,
            changes={"source": source},
            region_code=region_code,
            summary=f"采集就业状态 {len(batch)} 人",
        )
    return set(written)
