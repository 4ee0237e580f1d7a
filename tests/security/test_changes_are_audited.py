"""SECURITY.md #6: every change made through a service leaves change-log rows naming the actor and the
address it came from, bulk changes included."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from openpes.accounts import services as accounts
from openpes.accounts.roles import Role
from openpes.audit.models import ChangeLog
from openpes.core.context import RequestContext, acting
from openpes.people import services as people
from openpes.people.models import Relation
from tests.conftest import PASSWORD
from tests.factories import PersonInputFactory

CTX = RequestContext(ip_address="203.0.113.9", user_agent="pytest", channel="web")


@pytest.fixture
def county(make_staff, places):
    return make_staff(Role.COUNTY_OFFICER, places.county)


def new_rows(action: Callable[[], object]) -> list[ChangeLog]:
    last = ChangeLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with acting(CTX):
        action()
    return list(ChangeLog.objects.filter(id__gt=last).order_by("id"))


def assert_audited(rows: list[ChangeLog], actor, action: str, target_type: str) -> ChangeLog:
    assert rows, "no change-log row was written"
    matching = [r for r in rows if r.action == action and r.target_type == target_type]
    assert matching, [(r.action, r.target_type) for r in rows]
    for row in rows:
        assert row.actor == actor
        assert row.actor_name == actor.username
        assert row.ip_address == CTX.ip_address
        assert row.channel == "web"
    return matching[0]


def test_person_create_is_audited(county, places):
    rows = new_rows(
        lambda: people.person_create(actor=county, data=PersonInputFactory(region_code=places.village_a1))
    )
    row = assert_audited(rows, county, "create", "people.person")
    assert row.region_code == places.village_a1


def test_person_update_is_audited(county, places, make_person):
    person = make_person(county, places.village_a1, name="王芳")
    rows = new_rows(
        lambda: people.person_update(
            actor=county, person=person, data=people.PersonInput(name="王小芳"), fields=["name"]
        )
    )
    row = assert_audited(rows, county, "update", "people.person")
    assert row.target_id == str(person.pk)
    assert row.changes == {"name": ["王芳", "王小芳"]}


def test_bulk_create_is_audited_with_every_id(county, places):
    batch = [PersonInputFactory(region_code=places.village_a1) for _ in range(4)]
    rows = new_rows(lambda: people.persons_bulk_create(actor=county, rows=batch))
    row = assert_audited(rows, county, "bulk_create", "people.person")
    assert row.row_count == 4
    assert len(row.changes["ids"]) == 4


def test_bulk_update_is_audited_with_every_id(county, places, make_person):
    ids = [make_person(county, places.village_a1).pk for _ in range(3)]
    rows = new_rows(
        lambda: people.persons_bulk_update(actor=county, person_ids=ids, changes={"education": "50"})
    )
    row = assert_audited(rows, county, "bulk_update", "people.person")
    assert sorted(row.changes["ids"]) == sorted(map(str, ids))
    assert row.row_count == 3


def test_household_writes_are_audited(county, places, make_person):
    person = make_person(county, places.village_a1)
    rows = new_rows(lambda: people.household_create(actor=county, region_code=places.village_a1))
    assert_audited(rows, county, "create", "people.household")
    household = people.household_create(actor=county, region_code=places.village_a1)
    rows = new_rows(
        lambda: people.household_add_member(
            actor=county, household=household, person=person, relation=Relation.HEAD
        )
    )
    assert_audited(rows, county, "update", "people.person")
    rows = new_rows(
        lambda: people.household_update(
            actor=county, household=household, region_code=places.village_a1, address="二组", head=person
        )
    )
    assert_audited(rows, county, "update", "people.household")
    item = people.HouseholdInput(
        region_code=places.village_a1,
        address="三组",
        members=[PersonInputFactory(region_code=places.village_a1, relation_to_head=Relation.HEAD)],
    )
    rows = new_rows(lambda: people.households_bulk_create(actor=county, households=[item]))
    assert_audited(rows, county, "bulk_create", "people.household")
    assert_audited(rows, county, "bulk_create", "people.person")


def test_account_writes_are_audited(make_staff, places):
    admin = make_staff(Role.ADMINISTRATOR, places.county)
    rows = new_rows(
        lambda: accounts.staff_create(
            actor=admin,
            username="newclerk",
            full_name="新同事",
            password=PASSWORD,
            jurisdiction_code=places.township_a,
            roles=[Role.TOWNSHIP_OFFICER],
        )
    )
    row = assert_audited(rows, admin, "create", "accounts.staff")
    assert PASSWORD not in str(row.changes)
    clerk = row.target_id
    from openpes.accounts.models import Staff

    staff = Staff.objects.get(pk=clerk)
    rows = new_rows(lambda: accounts.staff_set_active(actor=admin, staff=staff, active=False))
    assert_audited(rows, admin, "account", "accounts.staff")
    rows = new_rows(
        lambda: accounts.institution_create(actor=admin, name="长铺镇服务站", region_code=places.township_a)
    )
    assert_audited(rows, admin, "create", "accounts.institution")


def test_token_writes_are_audited(make_staff, places):
    officer = make_staff(Role.COUNTY_OFFICER, places.county)
    holder: dict[str, object] = {}
    rows = new_rows(lambda: holder.update(token=accounts.token_create(actor=officer, name="对接")[0]))
    assert_audited(rows, officer, "account", "accounts.apitoken")
    rows = new_rows(lambda: accounts.token_revoke(actor=officer, token=holder["token"]))
    assert_audited(rows, officer, "account", "accounts.apitoken")
