"""The survey import service: checked first, imported in the chosen mode in one transaction; households as
the sheet groups them; statuses, key groups and zero-employment households follow; re-import changes
nothing; rows outside the jurisdiction are refused."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from typing import Any

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from openpes.accounts.models import Staff
from openpes.accounts.roles import Role
from openpes.audit.models import AccessLog
from openpes.core import bulk
from openpes.core.crypto import provider
from openpes.core.errors import DomainError, FieldError
from openpes.core.uploads import ImportStatus
from openpes.employment.models import (
    EmploymentProfile,
    KeyGroupMembership,
    StatusEvent,
    SurveyImport,
    ZeroEmploymentHousehold,
)
from openpes.employment.services import derived
from openpes.employment.services import survey_import as importing
from openpes.people import services as people
from openpes.people.models import ID_CONTEXT, Education, Household, Person
from openpes.people.services.bulk_registration import CHANGED_DURING_IMPORT
from tests.conftest import Places
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "姓名",
    "公民身份号码",
    "性别",
    "民族",
    "文化程度",
    "联系电话",
    "现居住地址",
    "与户主关系",
    "就业状态",
    "就业形式",
    "就业单位",
    "失业原因",
    "失业时间",
]


def workbook(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("采集表")
    sheet.write_row(0, 0, ["绥宁县某村实名制数据采集表"])
    sheet.write_row(1, 0, list(header))
    for number, row in enumerate(rows, start=2):
        for col, value in enumerate(row):
            sheet.write_string(number, col, str(value))
    book.close()
    return buffer.getvalue()


def row(n: int, name: str, id_number: str, relation: str, status: str, **extra: str) -> list[str]:
    values = {
        "序号": str(n),
        "姓名": name,
        "公民身份号码": id_number,
        "性别": "",
        "民族": "汉族",
        "文化程度": "初中",
        "联系电话": f"1390739{n % 10_000:04d}",
        "现居住地址": "一组",
        "与户主关系": relation,
        "就业状态": status,
        "就业形式": "",
        "就业单位": "",
        "失业原因": "",
        "失业时间": "",
        **extra,
    }
    return [values[h] for h in HEADER]


@pytest.fixture
def broker(make_staff: Callable[..., Staff], places: Places) -> Staff:
    return make_staff(Role.VILLAGE_BROKER, places.village_a1)


def family() -> list[list[str]]:
    """Two households: 王建国's (head, spouse unemployed, son a student) and 李梅's (head, employed)."""
    return [
        row(
            1,
            "王建国",
            make_id_number(born=dt.date(1980, 3, 1), seq=11),
            "户主",
            "失业",
            失业原因="个人原因辞职",
            失业时间="2026年3月",
        ),
        row(
            2,
            "张秀英",
            make_id_number(born=dt.date(1982, 5, 1), sex="F", seq=12),
            "配偶",
            "未就业",
            失业原因="其他",
        ),
        row(3, "王小明", make_id_number(born=dt.date(2007, 9, 1), seq=13), "子", "在校学生"),
        row(
            4,
            "李梅",
            make_id_number(born=dt.date(1990, 1, 1), sex="F", seq=14),
            "户主",
            "已就业",
            就业形式="单位就业",
            就业单位="绥宁县竹木加工厂",
        ),
    ]


# The page's import prepares the new persons before the transaction (its progress on the record); the
# CLI's (`overlap`) prepares them batch by batch inside it, while the batch before is written. Every test
# here runs both ways.
PATH: dict[str, Any] = {}


@pytest.fixture(params=["page", "cli"], autouse=True)
def import_path(request: pytest.FixtureRequest) -> str:
    cli = request.param == "cli"
    PATH["kwargs"] = {"progress": lambda done: None, "overlap": True} if cli else {}
    return request.param


def check_and_import(actor: Staff, region: str, content: bytes, mode: str = "valid") -> SurveyImport:
    record = importing.survey_check(
        actor=actor, region_code=region, filename="采集表.xlsx", content=content, mode=mode
    )
    return importing.survey_import(actor=actor, record=record, **PATH["kwargs"])


@pytest.mark.parametrize("persons_at_a_time", [derived.REFRESH_SLICE, 1])
def test_a_clean_file_registers_households_and_statuses(
    broker: Staff, places: Places, monkeypatch: pytest.MonkeyPatch, persons_at_a_time: int
) -> None:
    # One person at a time, the derived records see 王's household from three slices: the same outcome.
    monkeypatch.setattr(derived, "REFRESH_SLICE", persons_at_a_time)
    record = check_and_import(broker, places.village_a1, workbook(family()))
    assert (record.status, record.created, record.updated, record.unchanged, record.refused) == (
        "done",
        4,
        0,
        0,
        0,
    )
    assert record.content_encrypted == ""  # whole ID numbers are not kept once imported
    wang = Person.objects.get(name="王建国")
    assert wang.household is not None and wang.household.head_id == wang.pk
    assert set(Person.objects.filter(household=wang.household).values_list("name", flat=True)) == {
        "王建国",
        "张秀英",
        "王小明",
    }
    assert Household.objects.count() == 2
    profile = EmploymentProfile.objects.get(person=wang)
    assert (profile.labour_status, profile.unemployment_reason, profile.unemployed_since) == (
        "unemployed",
        "resigned",
        dt.date(2026, 3, 1),
    )
    assert EmploymentProfile.objects.get(person__name="李梅").employer_name == "绥宁县竹木加工厂"
    # Both working-age members of 王's household are out of work (the son is a student): zero-employment.
    case = ZeroEmploymentHousehold.objects.get()
    assert case.household == wang.household
    assert KeyGroupMembership.objects.filter(rule="hard_to_employ.zero_household").count() == 2
    assert StatusEvent.objects.filter(kind="surveyed").count() == 4


def derived_records() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """The open key-group memberships and zero-employment cases, every column that the rules decide."""
    return (
        set(
            KeyGroupMembership.objects.filter(ended_on__isnull=True).values_list(
                "person_id", "group", "rule", "evidence", "since", "until"
            )
        ),
        set(
            ZeroEmploymentHousehold.objects.filter(cleared_on__isnull=True).values_list(
                "household_id", "found_on", "evidence"
            )
        ),
    )


@pytest.mark.parametrize("batch", [importing.PROGRESS_EVERY, 2])
def test_what_an_import_derives_is_what_reading_the_registry_would_find(
    broker: Staff, places: Places, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    # The households an import registers get their zero-employment findings and key groups from the rows as
    # written (`refresh_registered`), the others by reading the registry (`refresh`). Either way the records
    # must be those that reading the registry gives: made again from it alone, they are the same, evidence
    # and dates included; and after a second file (a new member of 王's registered household, read) the
    # daily pass finds nothing to change. Two rows a batch: 王's household is written in two batches.
    monkeypatch.setattr(importing, "PROGRESS_EVERY", batch)
    today = dt.date.today()
    born = dt.date(today.year - 52, 1, 1)
    rows = [
        *family(),
        row(5, "刘四五", make_id_number(born=born, seq=15), "户主", "失业", 失业时间="2024年1月"),
        row(6, "陈丽", make_id_number(born=born, sex="F", seq=16), "配偶", "失业", 失业原因="其他"),
        row(7, "赵老汉", make_id_number(born=dt.date(1950, 1, 1), seq=17), "户主", "退休"),
    ]
    check_and_import(broker, places.village_a1, workbook(rows))
    imported = derived_records()
    assert len(imported[0]) >= 6 and len(imported[1]) == 2  # 王's and 刘's households
    KeyGroupMembership.objects.all().delete()
    ZeroEmploymentHousehold.objects.all().delete()
    derived.refresh(person_ids=Person.objects.values_list("pk", flat=True), on=today)
    assert derived_records() == imported  # made again from the registry alone: the same

    wang_household = Person.objects.get(name="王建国").household_id
    more = [
        row(1, "王建国", rows[0][2], "户主", "失业", 失业原因="个人原因辞职", 失业时间="2026年3月"),
        row(2, "王小红", make_id_number(born=dt.date(1985, 1, 1), sex="F", seq=18), "其他", "失业"),
        row(3, "孙新", make_id_number(born=dt.date(1990, 6, 1), seq=19), "户主", "务农"),
    ]
    record = check_and_import(broker, places.village_a1, workbook(more))
    assert (record.created, record.unchanged) == (2, 1)
    assert Person.objects.get(name="王小红").household_id == wang_household  # joined: read, not given
    assert ZeroEmploymentHousehold.objects.count() == 2  # 王's and 刘's
    groups = set(KeyGroupMembership.objects.values_list("person__name", "rule"))
    assert ("刘四五", "hard_to_employ.long_term") in groups
    assert ("王小红", "hard_to_employ.zero_household") in groups
    counts = derived.refresh_all(prefix=places.village_a1, on=today)
    assert counts.persons == 9
    assert (
        counts.groups_started,
        counts.groups_ended,
        counts.groups_revised,
        counts.households_found,
        counts.households_cleared,
    ) == (0, 0, 0, 0, 0)


def test_importing_the_same_file_again_changes_nothing(broker: Staff, places: Places) -> None:
    content = workbook(family())
    check_and_import(broker, places.village_a1, content)
    before = (
        Person.objects.count(),
        Household.objects.count(),
        StatusEvent.objects.count(),
        KeyGroupMembership.objects.count(),
    )
    again = check_and_import(broker, places.village_a1, content)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert before == (
        Person.objects.count(),
        Household.objects.count(),
        StatusEvent.objects.count(),
        KeyGroupMembership.objects.count(),
    )


def test_a_changed_status_updates_the_person_and_clears_the_household(broker: Staff, places: Places) -> None:
    rows = family()
    check_and_import(broker, places.village_a1, workbook(rows))
    rows[1] = row(2, "张秀英", rows[1][2], "配偶", "灵活就业")
    record = check_and_import(broker, places.village_a1, workbook(rows))
    assert (record.created, record.updated, record.unchanged) == (0, 1, 3)
    assert EmploymentProfile.objects.get(person__name="张秀英").employment_form == "flexible"
    assert ZeroEmploymentHousehold.objects.get().cleared_on == dt.date.today()


def test_all_or_nothing_refuses_the_whole_file_for_one_bad_row(broker: Staff, places: Places) -> None:
    rows = [*family(), row(5, "赵六", "430527199001011234", "户主", "失业")]  # a wrong check digit
    record = check_and_import(broker, places.village_a1, workbook(rows), mode="all")
    assert record.status == ImportStatus.REFUSED and record.refused == 5
    assert not Person.objects.exists() and not EmploymentProfile.objects.exists()
    assert record.problems[0][0] == 7 and "公民身份号码" in record.problems[0][1]
    assert record.content_encrypted  # kept for the error workbook


def test_valid_rows_mode_imports_the_rest_and_the_error_workbook_lists_the_bad_row(
    broker: Staff, places: Places
) -> None:
    rows = [
        *family(),
        row(5, "赵六", "430527199001011234", "户主", "失业"),
        row(6, "钱七", make_id_number(born=dt.date(1991, 1, 1), seq=15), "户主", "外星人"),
    ]
    record = importing.survey_check(
        actor=broker, region_code=places.village_a1, filename="采集表.xlsx", content=workbook(rows)
    )
    assert (record.total_rows, record.problem_rows) == (6, 2)
    assert not Person.objects.exists()  # the check writes nothing to the registry
    errors = (
        CalamineWorkbook.from_filelike(io.BytesIO(importing.error_workbook_for(actor=broker, record=record)))
        .get_sheet_by_index(0)
        .to_python()
    )
    flat = "\n".join(" ".join(str(c) for c in r) for r in errors)
    assert "赵六" in flat and "钱七" in flat and "王建国" not in flat
    assert AccessLog.objects.get(field="export").reason.startswith("导出 2 条；采集表问题行")
    importing.survey_import(actor=broker, record=record, **PATH["kwargs"])
    assert (record.created, record.refused) == (4, 2)
    assert not Person.objects.filter(name__in=["赵六", "钱七"]).exists()


def test_the_household_of_a_refused_head_waits_with_it_and_joins_no_other(
    broker: Staff, places: Places
) -> None:
    rows = [
        *family(),
        row(5, "赵六", "430527199001011234", "户主", "失业"),  # a wrong check digit
        row(6, "赵小六", make_id_number(born=dt.date(2006, 2, 1), seq=17), "子", "在校学生"),
    ]
    record = check_and_import(broker, places.village_a1, workbook(rows))
    assert (record.created, record.refused) == (4, 2)
    assert [line for line, _ in record.problems] == [7, 8]
    assert "本户户主（第7行）有问题" in record.problems[1][1]
    assert not Person.objects.filter(name="赵小六").exists()  # not a member of 李梅's household
    rows[4] = row(5, "赵六", make_id_number(born=dt.date(1988, 8, 1), seq=18), "户主", "失业")
    again = check_and_import(broker, places.village_a1, workbook(rows))
    assert (again.created, again.unchanged, again.refused) == (2, 4, 0)
    zhao, son = Person.objects.get(name="赵六"), Person.objects.get(name="赵小六")
    assert son.household_id == zhao.household_id and zhao.household.head_id == zhao.pk


def test_a_head_row_pasted_twice_keeps_the_household_together(broker: Staff, places: Places) -> None:
    head, *others = family()
    record = check_and_import(broker, places.village_a1, workbook([head, head, *others]))
    assert (record.created, record.refused) == (4, 1)  # only the repeated row
    assert "重复" in record.problems[0][1]
    wang = Person.objects.get(name="王建国")
    assert set(Person.objects.filter(household_id=wang.household_id).values_list("name", flat=True)) == {
        "王建国",
        "张秀英",
        "王小明",
    }


@pytest.mark.parametrize("mode", ["valid", "all"])
def test_a_row_the_registry_refuses_at_preparation_is_listed_and_the_mode_decides(
    broker: Staff, places: Places, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    # Nothing the cleaning lets through is refused by the registry's rules today; a rule added there one
    # day must still refuse its row, in either mode, whether the batch was prepared inside the transaction
    # (then nothing of it was written, and the rows are prepared again before the transaction) or before it.
    prepare = importing._prepare_batch

    def stricter(*args: Any, **kwargs: Any) -> tuple[list[dict[str, Any]], list[FieldError]]:
        persons, errors = prepare(*args, **kwargs)
        rows = args[3]
        refused = {row.line for row in rows if row.name == "张秀英"}
        kept = [p for p, row in zip(persons, rows, strict=True) if row.line not in refused]
        return kept, [*errors, *(FieldError(f"{line}.name", "姓名不符合新规则") for line in refused)]

    monkeypatch.setattr(importing, "_prepare_batch", stricter)
    record = check_and_import(broker, places.village_a1, workbook(family()), mode=mode)
    assert [line for line, _ in record.problems] == [4]
    if mode == "all":
        assert record.status == ImportStatus.REFUSED and not Person.objects.exists()
        assert not EmploymentProfile.objects.exists() and not Household.objects.exists()
        return
    assert (record.created, record.refused) == (3, 1)
    assert sorted(Person.objects.values_list("name", flat=True)) == ["李梅", "王小明", "王建国"]
    assert EmploymentProfile.objects.count() == 3 and Household.objects.count() == 2


def when_the_import_has_planned(monkeypatch: pytest.MonkeyPatch, then: Callable[[], object]) -> None:
    """Run `then` (someone else's write) just after the import's own plan, the second of a `check_and_import`
    (the first is the upload's check)."""
    plan = importing._plan
    calls: list[int] = []

    def planned(*args: Any, **kwargs: Any) -> Any:
        found = plan(*args, **kwargs)
        calls.append(1)
        if len(calls) == 2:
            then()
        return found

    monkeypatch.setattr(importing, "_plan", planned)


def test_a_number_registered_while_the_file_is_imported_refuses_it_with_a_message(
    broker: Staff, places: Places, monkeypatch: pytest.MonkeyPatch, make_person: Callable[..., Person]
) -> None:
    # Registered by someone else between the check and the write: the unique index refuses the batch (with
    # the rows written behind, at a later statement), and the clerk is told what happened.
    rows = family()
    when_the_import_has_planned(
        monkeypatch, lambda: make_person(broker, places.village_a1, id_number=rows[3][2], name="李梅")
    )
    monkeypatch.setattr(bulk, "existing_values", lambda *args, **kwargs: set())  # past the last look
    with pytest.raises(DomainError) as refused:
        check_and_import(broker, places.village_a1, workbook(rows))
    assert refused.value.errors[0].message == CHANGED_DURING_IMPORT
    assert list(Person.objects.values_list("name", flat=True)) == [
        "李梅"
    ]  # only the one registered meanwhile
    assert not EmploymentProfile.objects.exists() and not Household.objects.exists()


def test_a_number_registered_after_the_plan_is_refused_alone(
    broker: Staff, places: Places, monkeypatch: pytest.MonkeyPatch, make_person: Callable[..., Person]
) -> None:
    # Registered by someone else after the import's plan looked the numbers up: the page's preparation asks
    # the registry again; the CLI's, inside the write, does not, so the unique index refuses the batch, and
    # the import, which has written nothing, prepares again the way that asks. Either way that row alone is
    # refused and the rest imported, a change to a registered person included (the first try's change was
    # rolled back with it, and must not be taken for done).
    rows = family()
    check_and_import(broker, places.village_a1, workbook(rows[:1]))
    rows[0][HEADER.index("文化程度")] = "高中"
    when_the_import_has_planned(
        monkeypatch, lambda: make_person(broker, places.village_a1, id_number=rows[3][2], name="李梅")
    )
    record = check_and_import(broker, places.village_a1, workbook(rows))
    assert (record.status, record.created, record.updated, record.refused) == (ImportStatus.DONE, 2, 1, 1)
    assert [line for line, _ in record.problems] == [6] and "已登记" in record.problems[0][1]
    assert sorted(Person.objects.values_list("name", flat=True)) == ["张秀英", "李梅", "王小明", "王建国"]
    assert Person.objects.get(name="王建国").education == Education.SENIOR_SECONDARY
    assert EmploymentProfile.objects.count() == 3 and Household.objects.count() == 1


def test_a_person_registered_in_another_township_is_refused_and_the_lookup_logged(
    broker: Staff, places: Places, make_staff: Callable[..., Staff], make_person: Callable[..., Person]
) -> None:
    other = make_staff(Role.TOWNSHIP_OFFICER, places.township_b)
    elsewhere = make_person(
        other, places.village_b1, id_number=make_id_number(born=dt.date(1985, 1, 1), seq=16), name="孙八"
    )
    number = make_id_number(born=dt.date(1985, 1, 1), seq=16)
    record = check_and_import(broker, places.village_a1, workbook([row(1, "孙八", number, "户主", "失业")]))
    assert record.refused == 1 and "已在其他辖区登记" in record.problems[0][1]
    elsewhere.refresh_from_db()
    assert elsewhere.region_code == places.village_b1 and not EmploymentProfile.objects.exists()
    assert AccessLog.objects.filter(field="lookup").exists()


def test_a_village_outside_the_jurisdiction_and_unreadable_files_are_refused(
    broker: Staff, places: Places
) -> None:
    with pytest.raises(DomainError, match="不在您的辖区内"):
        importing.survey_check(
            actor=broker, region_code=places.village_b1, filename="a.xlsx", content=workbook(family())
        )
    with pytest.raises(DomainError) as caught:
        importing.survey_check(
            actor=broker, region_code=places.village_a1, filename="a.xlsx", content=b"not a workbook"
        )
    assert caught.value.errors[0].field == "file"
    with pytest.raises(DomainError, match="上传的文件是空的"):
        importing.survey_check(actor=broker, region_code=places.village_a1, filename="a.xlsx", content=b"")
    assert not SurveyImport.objects.exists()


def test_a_finished_import_cannot_run_twice(broker: Staff, places: Places) -> None:
    record = check_and_import(broker, places.village_a1, workbook(family()))
    with pytest.raises(DomainError, match="不能重复导入"):
        importing.survey_import(actor=broker, record=record)


def test_progress_is_reported(broker: Staff, places: Places) -> None:
    record = importing.survey_check(
        actor=broker, region_code=places.village_a1, filename="采集表.xlsx", content=workbook(family())
    )
    seen: list[int] = []
    importing.survey_import(actor=broker, record=record, progress=seen.append)
    assert seen and seen[-1] == 4
    record.refresh_from_db()
    assert record.progress == record.total_rows == 4


def test_a_10000_row_workbook_imports_whole(broker: Staff, places: Places) -> None:
    rows = [
        row(
            n + 1,
            "测试",
            make_id_number(born=dt.date(1978, 6, 1), seq=20_000 + n),
            "户主" if n % 3 == 0 else "子女",
            "失业" if n % 5 == 0 else "已就业",
            就业形式="务农",
        )
        for n in range(10_000)
    ]
    record = check_and_import(broker, places.village_a1, workbook(rows))
    assert (record.status, record.created, record.refused) == ("done", 10_000, 0)
    assert Household.objects.count() == 3334
    assert EmploymentProfile.objects.filter(labour_status="unemployed").count() == 2000
    assert not record.problems, record.problems[:3]


def test_problems_kept_with_the_upload_never_hold_a_whole_id_number(broker: Staff, places: Places) -> None:
    number = make_id_number(born=dt.date(1988, 8, 8), seq=31)
    # An ID number typed into the wrong column comes back in the problem that names the value.
    record = importing.survey_check(
        actor=broker,
        region_code=places.village_a1,
        filename="a.xlsx",
        content=workbook([row(1, "周九", number, "户主", number)]),
    )
    stored = str(record.problems)
    assert record.problem_rows == 1 and number not in stored and number[:6] in stored, stored


@pytest.mark.parametrize("path", ["read once", "kept file"])
def test_the_file_read_once_imports_as_the_kept_file_does(broker: Staff, places: Places, path: str) -> None:
    # The CLI hands the import the rows its preview read (parsed ID numbers and phones, blind indexes); the
    # page's import reads the kept file again. Same rows, same problems, same registry either way.
    rows = [
        *family(),
        row(5, "赵六", "430527199001011234", "户主", "失业"),  # a wrong check digit
        row(6, "孙小", make_id_number(born=dt.date(2015, 6, 1), seq=16), "户主", "在校学生"),  # too young
        row(
            7,
            "周八",
            make_id_number(born=dt.date(1985, 2, 1), seq=17),
            "户主",
            "务农",
            联系电话="13907391111/13907392222",
        ),
    ]
    content = workbook(rows)
    preview = importing.survey_preview(
        actor=broker, region_code=places.village_a1, filename="采集表.xlsx", content=content
    )
    record = importing.survey_check(
        actor=broker, region_code=places.village_a1, filename="采集表.xlsx", content=content, preview=preview
    )
    importing.survey_import(actor=broker, record=record, preview=preview if path == "read once" else None)
    assert (record.status, record.created, record.refused, record.problem_rows) == ("done", 5, 2, 2)
    assert [line for line, _ in record.problems] == [7, 8]
    assert "校验位" in record.problems[0][1] and "未满16周岁" in record.problems[1][1]
    zhou = Person.objects.get(name="周八")
    number = make_id_number(born=dt.date(1985, 2, 1), seq=17)
    assert zhou.phone_masked == "139****1111" and zhou.phone_index == people.phone_index("13907391111")
    assert zhou.id_number_index == people.id_index(number)
    assert provider().decrypt(zhou.id_number_encrypted, context=ID_CONTEXT) == number
    wang = Person.objects.get(name="王建国")
    assert set(Person.objects.filter(household_id=wang.household_id).values_list("name", flat=True)) == {
        "王建国",
        "张秀英",
        "王小明",
    }
    assert StatusEvent.objects.count() == 5
