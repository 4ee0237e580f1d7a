"""The change log in words (audit.presenters), over rows written by the real services: the record's kind and
name, each field's label, choice labels instead of codes, before → after, personal numbers masked."""

from __future__ import annotations

import datetime as dt

import pytest

from openpes.accounts import services as accounts
from openpes.accounts.roles import Role
from openpes.audit.models import AccessLog, ChangeLog
from openpes.audit.presenters import present_accesses, present_changes
from openpes.people import services as people
from openpes.people.models import Person
from openpes.regions.models import Region
from tests.factories import PersonInputFactory
from tests.pages.conftest import assert_no_full_identifiers, text_of

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 15)


@pytest.fixture
def county(make_staff, places):
    return make_staff(Role.COUNTY_OFFICER, places.county)


def register(actor, region: str, **fields) -> Person:
    data = PersonInputFactory(region_code=region, **fields)
    return people.person_create(actor=actor, data=data, today=TODAY)


def lines_of(entry) -> dict[str, tuple[str | None, str]]:
    return {line.label: (line.before, line.after) for line in entry.lines}


def entry_for(actor, **lookup):
    rows = ChangeLog.objects.filter(**lookup).order_by("-id")[:1]
    return present_changes(rows, actor=actor)[0]


def test_a_registration_reads_as_the_persons_name_with_labels_and_choice_names(county, places):
    person = register(
        county, places.village_a1, name="张三", ethnicity="06", education="50", phone="13800001111"
    )
    entry = entry_for(county, target_id=str(person.pk), action="create")
    assert entry.target == "劳动者 张三"
    lines = lines_of(entry)
    village = Region.objects.get(code=places.village_a1).name
    assert lines["姓名"] == (None, "张三")
    assert lines["民族"] == (None, "苗族")
    assert lines["文化程度"] == (None, "大学专科")
    assert lines["所在村（社区）"] == (None, f"{village}（{places.village_a1}）")
    assert lines["身份证号码"] == (
        None,
        person.id_number_masked[:6] + "*" * 12,
    )  # the division only (SECURITY.md #21)
    assert lines["联系电话"] == (None, "138****1111")


def test_an_update_reads_before_and_after_in_words(county, places):
    person = register(county, places.village_a1, name="张三", education="20", phone="13800001111")
    data = PersonInputFactory(education="60", phone="13900002222")
    people.person_update(actor=county, person=person, data=data, fields={"education", "phone"}, today=TODAY)
    lines = lines_of(entry_for(county, target_id=str(person.pk), action="update"))
    assert lines == {"文化程度": ("初中", "大学本科"), "联系电话": ("138****1111", "139****2222")}


def test_joining_a_household_names_the_relation_and_the_head(county, places):
    person = register(county, places.village_a1, name="张三")
    household = people.household_create(actor=county, region_code=places.village_a1, address="一组")
    people.household_add_member(actor=county, household=household, person=person, relation="01")
    lines = lines_of(
        entry_for(county, target_id=str(person.pk), action="update", target_type="people.person")
    )
    assert lines["与户主关系"] == ("（空）", "户主")
    assert lines["家庭"] == ("（空）", f"#{household.pk}")
    other = register(county, places.village_a1, name="李四")
    people.household_add_member(actor=county, household=household, person=other, relation="10")
    household.refresh_from_db()
    people.household_update(
        actor=county, household=household, region_code=household.region_code, address="二组", head=other
    )
    lines = lines_of(entry_for(county, target_type="people.household", action="update"))
    assert lines["户主"] == ("张三", "李四")
    assert lines["住址"] == ("一组", "二组")


def test_a_bulk_update_lists_the_records_and_what_they_were_set_to(county, places):
    persons = [register(county, places.village_a1) for _ in range(12)]
    people.persons_bulk_update(actor=county, person_ids=[p.pk for p in persons], changes={"ethnicity": "12"})
    entry = entry_for(county, action="bulk_update")
    assert entry.target == "劳动者"
    lines = lines_of(entry)
    assert lines["民族"] == (None, "侗族")
    first = ", ".join(str(p.pk) for p in persons[:10]).replace(", ", "、")
    assert lines["涉及记录"] == (None, f"编号 {first} 等，共12条")


def test_an_account_change_reads_as_the_staff_member_and_yes_or_no(make_staff, places):
    admin = make_staff(Role.ADMINISTRATOR, places.county)
    clerk = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    accounts.staff_set_active(actor=admin, staff=clerk, active=False)
    entry = entry_for(admin, target_id=str(clerk.pk), action="account")
    assert entry.target == "工作人员 测试员"
    assert lines_of(entry) == {"启用": ("是", "否")}


def test_a_record_outside_the_readers_jurisdiction_is_named_by_its_number_only(county, make_staff, places):
    person = register(county, places.village_b1, name="赵敏")
    reader = make_staff(Role.AUDITOR, places.township_a)
    entry = present_changes(
        ChangeLog.objects.filter(target_type="people.person", target_id=str(person.pk)), actor=reader
    )[0]
    assert entry.target == f"劳动者 #{person.pk}"


def test_a_full_number_that_reached_a_row_is_masked_on_screen(county, places):
    person = register(county, places.village_a1)
    row = ChangeLog.objects.create(
        actor=county,
        actor_name="x",
        channel="cli",
        target_type="people.person",
        target_id=str(person.pk),
        action="update",
        changes={"address": ["43052719900517001X 13812345678", "新址"]},
        summary="移出：旧号码 430527900517001 新号码 43052719900517001x",
    )
    (entry,) = present_changes([row], actor=county)
    # an ID number as the change log gives it (its division only: SECURITY.md #21), a mobile masked
    assert lines_of(entry)["住址"] == ("430527************ 138****5678", "新址")
    assert entry.summary == "移出：旧号码 430527********* 新号码 430527************"


def test_the_access_log_names_the_person_and_the_field(county, places):
    person = register(county, places.village_a1, name="张三")
    people.person_reveal(actor=county, person=person, field_name="phone", reason="电话回访")
    (entry,) = present_accesses(AccessLog.objects.all(), actor=county)
    assert (entry.target, entry.field_label) == ("劳动者 张三", "联系电话")


def test_the_change_log_page_reads_in_words_and_its_queries_do_not_grow_per_row(
    county, places, login_as, django_assert_max_num_queries
):
    names = [a + b for a in "张王李赵刘陈" for b in "一二三四五"]
    for n, name in enumerate(names):
        person = register(county, places.village_a1 if n % 2 else places.village_a2, name=name)
        household = people.household_create(actor=county, region_code=person.region_code, address="组")
        people.household_add_member(actor=county, household=household, person=person, relation="01")
    client = login_as(Role.AUDITOR, places.county)
    with django_assert_max_num_queries(14):
        text = text_of(client.get("/audit/changes/"))
    assert "劳动者 陈五" in text and "与户主关系：" in text and "（空） → 户主" in text
    assert "people.person" not in text and "{&#x27;" not in text and "['" not in text
    assert_no_full_identifiers(text)
