"""core.bulk: keys reserved ahead of the rows, rows written without the ORM's per-row cost."""

from __future__ import annotations

import datetime as dt
import sys

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from openpes.accounts.roles import Role
from openpes.core import bulk
from openpes.employment.models import EmploymentProfile
from openpes.people.models import Household, Person


def household_row(key: int, region: str, address: str = "") -> dict:
    return {**bulk.new_row(Household), "id": key, "region_code": region, "address": address}


@pytest.mark.django_db
def test_rows_without_a_key_get_theirs_from_the_database_beside_reserved_ones(places):
    with transaction.atomic():
        keys = bulk.reserve_keys(Household, 2)
        bulk.insert_rows(Household, [household_row(k, places.village_a1, "reserved") for k in keys])
        unkeyed = [{**bulk.new_row(Household), "region_code": places.village_a1, "address": "db"}] * 3
        bulk.insert_rows(Household, unkeyed)
        more = bulk.reserve_keys(Household, 2)
        bulk.insert_rows(Household, [household_row(k, places.village_a1, "later") for k in more])
    given = list(Household.objects.filter(address="db").values_list("pk", flat=True))
    assert len(set(given)) == 3
    assert not set(given) & set(keys + more)  # neither hands out a key the other took
    assert Household.objects.count() == 7


@pytest.mark.django_db
def test_a_write_of_many_statements_goes_in_whole_or_raises_the_first_error(places):
    keys = bulk.reserve_keys(Household, 2_500)  # several statements on SQLite
    with transaction.atomic():
        bulk.insert_rows(Household, [household_row(k, places.village_a1) for k in keys])
    assert Household.objects.count() == 2_500
    more = bulk.reserve_keys(Household, 2_500)
    clash = [household_row(k, places.village_a1) for k in more[:-1]] + [
        household_row(keys[0], places.village_a1)
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_rows(Household, clash)  # the last row's key is taken: the last statement fails
    assert Household.objects.count() == 2_500  # nothing of the failed write stayed


@pytest.mark.django_db
def test_writes_behind_are_seen_by_the_next_statement_and_kept_in_the_transaction(places):
    with transaction.atomic(), bulk.write_behind(Household):
        for batch in range(3):
            keys = bulk.reserve_keys(Household, 1_500)  # a statement of its own: waits for the writes before
            bulk.insert_rows(Household, [household_row(k, places.village_a1, f"批{batch}") for k in keys])
        assert Household.objects.count() == 4_500  # a read waits for every write handed over
        bulk.insert_rows(
            Household, [household_row(k, places.village_a1, "末批") for k in bulk.reserve_keys(Household, 10)]
        )
    assert Household.objects.filter(address="末批").count() == 10  # the block waits for the last one


@pytest.mark.django_db
def test_the_interpreter_switches_threads_quicker_only_while_writing_behind():
    before = sys.getswitchinterval()
    with transaction.atomic(), bulk.write_behind(Household):
        assert sys.getswitchinterval() <= bulk.WRITE_BEHIND_SWITCH_INTERVAL
        with bulk.write_behind(Household):  # nested: the outer one's helper and setting serve
            assert sys.getswitchinterval() <= bulk.WRITE_BEHIND_SWITCH_INTERVAL
    assert sys.getswitchinterval() == before


@pytest.mark.django_db
def test_a_failed_write_behind_raises_and_leaves_nothing(places):
    keys = bulk.reserve_keys(Household, 2)
    with transaction.atomic():
        bulk.insert_rows(Household, [household_row(k, places.village_a1) for k in keys])
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.write_behind(Household):
        fresh = bulk.reserve_keys(Household, 1_500)
        bulk.insert_rows(Household, [household_row(k, places.village_a1, "新") for k in fresh])
        bulk.insert_rows(Household, [household_row(keys[0], places.village_a1, "重复")])  # a key taken
        bulk.insert_rows(
            Household, [household_row(k, places.village_a1, "后") for k in bulk.reserve_keys(Household, 5)]
        )
    assert Household.objects.count() == 2


@pytest.mark.django_db
def test_a_failed_write_behind_cannot_be_passed_over(places):
    keys = bulk.reserve_keys(Household, 1)
    bulk.insert_rows(Household, [household_row(keys[0], places.village_a1)])
    with transaction.atomic():
        with pytest.raises(IntegrityError), bulk.write_behind(Household):  # its end raises it too
            bulk.insert_rows(Household, [household_row(keys[0], places.village_a1, "重复")])  # fails behind
            with pytest.raises(IntegrityError), transaction.atomic():  # raised here, at the savepoint
                Household.objects.create(region_code=places.village_a1, address="无辜")
            with pytest.raises(IntegrityError):  # and again for what follows: the block is lost
                bulk.insert_rows(Household, [household_row(k, places.village_a1, "之后") for k in range(5)])
            with pytest.raises(IntegrityError):
                Household.objects.count()
        assert connection.needs_rollback  # the transaction around it will not commit: rolled back here
    assert not Household.objects.filter(address__in=["无辜", "之后"]).exists()


def test_write_behind_needs_a_transaction():
    with pytest.raises(TransactionManagementError), bulk.write_behind(Household):
        pass


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL defers the checks to commit")
def test_references_are_checked_as_written_except_the_ones_named(places):
    with transaction.atomic():
        bulk.check_references_as_written(Household, except_for=("head",))
        (future_head,) = bulk.reserve_keys(Person, 1)
        (household,) = bulk.reserve_keys(Household, 1)
        row = {**household_row(household, places.village_a1), "head_id": future_head}
        bulk.insert_rows(Household, [row])  # its head is not written yet: that check waits for the commit
        with pytest.raises(IntegrityError), transaction.atomic():  # a person in a household that is not there
            Person.objects.create(
                name="无户",
                region_code=places.village_a1,
                id_number_index="0" * 32,
                household_id=household + 999,
            )
        Household.objects.filter(pk=household).delete()


@pytest.mark.django_db
def test_reserved_keys_are_fresh_ascending_and_never_handed_out_again(places):
    before = Household.objects.create(region_code=places.village_a1)
    with transaction.atomic():
        keys = bulk.reserve_keys(Household, 3)
        bulk.insert_rows(Household, [household_row(k, places.village_a1) for k in keys])
    after = Household.objects.create(region_code=places.village_a1)
    assert keys == sorted(keys)
    assert len(set(keys)) == 3
    assert min(keys) > before.pk
    assert after.pk > max(keys)
    assert Household.objects.count() == 5


@pytest.mark.django_db
def test_reserving_keys_on_a_table_that_never_had_a_row(places):
    assert not Household.objects.exists()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # as on a new database: SQLite keeps no counter for the table yet
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = 'people_household'")
    with transaction.atomic():
        keys = bulk.reserve_keys(Household, 2)
        bulk.insert_rows(Household, [household_row(k, places.village_a1) for k in keys])
    assert Household.objects.create(region_code=places.village_a1).pk > max(keys)


@pytest.mark.django_db
def test_reserving_no_keys_writes_nothing():
    assert bulk.reserve_keys(Household, 0) == []
    bulk.insert_rows(Household, [])
    assert not Household.objects.exists()


@pytest.mark.django_db
def test_inserted_rows_read_back_as_written_with_one_creation_time(places):
    with transaction.atomic():
        keys = bulk.reserve_keys(Household, 3)
        bulk.insert_rows(Household, [household_row(k, places.village_b1, f"{k}号") for k in keys])
    rows = list(Household.objects.filter(pk__in=keys).order_by("pk"))
    assert [(h.pk, h.region_code, h.address) for h in rows] == [
        (k, places.village_b1, f"{k}号") for k in keys
    ]
    assert len({h.created_at for h in rows}) == 1
    assert rows[0].created_at is not None


@pytest.mark.django_db
def test_text_with_placeholder_characters_reads_back_verbatim(places):
    # SQLite's statement goes to the driver as written, with ? placeholders: %s and %% in a value are text
    addresses = ["100%s号", "50%%村", "?号院"]
    with transaction.atomic():
        keys = bulk.reserve_keys(Household, len(addresses))
        bulk.insert_rows(
            Household, [household_row(k, places.village_b1, a) for k, a in zip(keys, addresses, strict=True)]
        )
    assert list(Household.objects.filter(pk__in=keys).order_by("pk").values_list("address", flat=True)) == (
        addresses
    )


@pytest.mark.django_db
def test_more_rows_than_one_statement_takes(places):
    # SQLite binds at most a few thousand parameters per statement: the rows go in several statements
    count = 2500
    with transaction.atomic():
        keys = bulk.reserve_keys(Household, count)
        bulk.insert_rows(Household, [household_row(k, places.village_a2) for k in keys])
    assert Household.objects.filter(region_code=places.village_a2).count() == count


@pytest.mark.django_db
def test_rows_may_point_at_rows_written_later_in_the_same_transaction(places, make_staff, make_person):
    # A household names its head before the head's row exists: foreign keys are checked at commit.
    with transaction.atomic():
        (household_key,) = bulk.reserve_keys(Household, 1)
        (person_key,) = bulk.reserve_keys(Person, 1)
        bulk.insert_rows(
            Household, [{**household_row(household_key, places.village_a1), "head_id": person_key}]
        )
        template = make_person(make_staff(Role.COUNTY_OFFICER, places.county), places.village_a1)
        person = {
            **{f.attname: getattr(template, f.attname) for f in Person._meta.concrete_fields},
            "id": person_key,
            "id_number_index": "x" * 32,
            "household_id": household_key,
        }
        bulk.insert_rows(Person, [person])
        connection.check_constraints()
    assert Household.objects.get(pk=household_key).head_id == person_key
    assert Person.objects.get(pk=person_key).household_id == household_key


@pytest.mark.django_db
def test_a_dangling_reference_is_refused_when_foreign_keys_are_checked(places):
    with pytest.raises(IntegrityError), transaction.atomic():
        (key,) = bulk.reserve_keys(Household, 1)
        bulk.insert_rows(Household, [{**household_row(key, places.village_a1), "head_id": 987654321}])
        connection.check_constraints()
    assert not Household.objects.filter(pk=key).exists()


@pytest.mark.django_db
def test_existing_values_names_exactly_the_values_already_stored(places):
    stored = [f"{n}号" for n in range(3)]
    with transaction.atomic():
        keys = bulk.reserve_keys(Household, len(stored))
        bulk.insert_rows(
            Household, [household_row(k, places.village_a1, a) for k, a in zip(keys, stored, strict=True)]
        )
    asked = [*stored[:2], "5号", "'); DROP TABLE people_household; --", *[f"x{n}" for n in range(3000)]]
    assert bulk.existing_values(Household, "address", asked) == set(stored[:2])
    assert bulk.existing_values(Household, "address", []) == set()
    assert Household.objects.count() == 3


@pytest.mark.django_db
def test_any_of_filters_as_an_in_list_would_for_keys_and_text(places):
    addresses = [f"{n}号" for n in range(4)] + ['引"号\\{1,2}', "NULL"]
    with transaction.atomic():
        keys = bulk.reserve_keys(Household, len(addresses))
        bulk.insert_rows(
            Household, [household_row(k, places.village_a1, a) for k, a in zip(keys, addresses, strict=True)]
        )
    wanted = [keys[0], keys[2], *range(max(keys) + 1, max(keys) + 5000)]  # more than SQLite binds at once
    assert set(Household.objects.filter(pk__any_of=wanted).values_list("pk", flat=True)) == {
        keys[0],
        keys[2],
    }
    asked = [addresses[1], "'); DROP TABLE people_household; --", '"}, {', "\\", "a,b", "NULL", ""]
    found = Household.objects.filter(address__any_of=asked).values_list("pk", flat=True)
    assert list(found) == [keys[1], keys[5]]  # "NULL" is the text NULL, not a missing value
    odd = Household.objects.filter(address__any_of=[addresses[4]]).values_list("pk", flat=True)
    assert list(odd) == [keys[4]]  # quotes, backslashes, braces and commas are text too
    assert not Household.objects.filter(pk__any_of=[]).exists()
    assert not Household.objects.filter(address__any_of=[]).exists()
    assert not Household.objects.filter(head_id__any_of=[]).exists()  # a key through a foreign key
    assert Household.objects.filter(region_code__any_of=[places.village_a1]).count() == len(addresses)
    assert not Household.objects.filter(head_id__any_of=keys).exists()
    assert Household.objects.count() == len(addresses)
    with pytest.raises(ValueError, match="None"):
        Household.objects.filter(address__any_of=["a", None])
    with pytest.raises(TypeError, match="DateTimeField"):
        list(Household.objects.filter(closed_at__any_of=[dt.datetime(2026, 1, 1, tzinfo=dt.UTC)]))


@pytest.mark.django_db
def test_inserted_dates_and_missing_dates_read_back(places, make_staff, make_person):
    person = make_person(make_staff(Role.COUNTY_OFFICER, places.county), places.village_a1)
    since = dt.date(2026, 3, 1)
    with transaction.atomic():
        (key,) = bulk.reserve_keys(EmploymentProfile, 1)
        row = {
            **bulk.new_row(EmploymentProfile),
            "id": key,
            "person_id": person.pk,
            "unemployed_since": since,
        }
        bulk.insert_rows(EmploymentProfile, [row])
    profile = EmploymentProfile.objects.get(pk=key)
    assert profile.unemployed_since == since
    assert profile.graduated_on is None and profile.surveyed_on is None
    assert profile.able_to_work is True and profile.updated_at is not None


def believed_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_the_planner_learns_of_rows_written_earlier_in_the_same_transaction(places):
    # Written in chunks, as an import writes, into a table the planner believes empty: the queries that
    # follow in the transaction must be planned for what is there now, and it is not analyzed per chunk.
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE people_household"
        )  # what a new database believes (statistics outlive a rollback)
    assert believed_rows("people_household") == 0
    with transaction.atomic():
        for _ in range(6):
            keys = bulk.reserve_keys(Household, 500)
            bulk.insert_rows(Household, [household_row(k, places.village_a1) for k in keys])
        believed = believed_rows("people_household")
        assert 1_000 <= believed <= 3_000
        keys = bulk.reserve_keys(Household, 50)  # a small write does not trigger another analysis
        bulk.insert_rows(Household, [household_row(k, places.village_a1) for k in keys])
        assert believed_rows("people_household") == believed


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_writing_behind_asks_about_a_table_s_statistics_until_the_planner_knows_it_is_big(places):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_household")
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), bulk.write_behind(Household):
        for _ in range(8):
            keys = bulk.reserve_keys(Household, 500)
            bulk.insert_rows(Household, [household_row(k, places.village_a1) for k in keys])
    sql = [q["sql"] for q in queries.captured_queries]
    analyzed = [n for n, statement in enumerate(sql) if statement.startswith("ANALYZE")]
    # Asked at 500 rows and at 1,000, when it is analyzed (at 500 too if PostgreSQL's insert counter still
    # holds an earlier test's rows); asked once more to see that the planner now knows (an ANALYZE skipped
    # for a lock is tried again); then not asked again: 8 writes, at most 4 questions.
    assert analyzed
    assert sum("reltuples" in statement for statement in sql[analyzed[-1] :]) == 1
    assert sum("reltuples" in statement for statement in sql) <= 4
