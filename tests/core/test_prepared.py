"""core.prepared: a queryset compiled once gives, for any values, the rows and count the ORM gives, and a
queryset whose values do not reach the SQL whole is refused rather than run wrongly."""

from __future__ import annotations

import pytest
from django.db.models import Count

from openpes.accounts.roles import Role
from openpes.core.jurisdiction import code_range
from openpes.core.prepared import PreparedQueryError, PreparedRows
from openpes.people.models import Person
from tests.factories import make_id_number

COLUMNS = ("id", "name", "region_code", "household_id", "created_at", "sex")


def in_range(low: str, high: str):
    return Person.objects.in_range(low, high).values(*COLUMNS)


@pytest.fixture
def persons(make_staff, make_person, places):
    county = make_staff(Role.COUNTY_OFFICER, places.county)
    addresses = ["王家村1组", "李家_2组", "赵家%3组", "王家\\4组", "钱家5组", "王_%6组", "孙家7组"]
    villages = [places.village_a1, places.village_a2, places.village_b1]
    return [
        make_person(county, villages[i % 3], address=address, id_number=make_id_number())
        for i, address in enumerate(addresses)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("prefix_of", ["county", "township_a", "township_b", "village_a1"])
@pytest.mark.parametrize(("offset", "limit"), [(0, 20), (0, 2), (2, 2), (6, 5), (50, 5)])
def test_pages_and_counts_are_the_orms(persons, places, prefix_of, offset, limit):
    prepared = PreparedRows(in_range, str, str)
    low, high = code_range(getattr(places, prefix_of).rstrip("0") or "0")
    expected = in_range(low, high)
    prepared.verify((low, high), offset=offset, limit=limit)
    page = list(expected[offset : offset + limit])
    assert prepared.page((low, high), offset=offset, limit=limit) == page
    assert prepared.count((low, high)) == expected.count()
    # in one statement: the same page, and the count beside it unless the page is empty
    assert prepared.page_and_count((low, high), offset=offset, limit=limit) == (
        page,
        expected.count() if page else None,
    )


@pytest.mark.django_db
def test_values_are_converted_as_the_orm_converts_them(persons):
    prepared = PreparedRows(lambda pk: Person.objects.filter(pk=pk).values("created_at", "id"), int)
    (row,) = prepared.page((persons[0].pk,), offset=0, limit=1)
    assert row == {"created_at": persons[0].created_at, "id": persons[0].pk}
    assert row["created_at"].tzinfo is not None  # a datetime, not SQLite's text


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["王", "_", "%", "\\", "王_", "_%", "家%3", "无此处"])
def test_a_value_inside_a_pattern_is_escaped_as_the_orm_escapes_it(persons, word):
    prepared = PreparedRows(lambda q: Person.objects.filter(address__contains=q).values("address"), str)
    prepared.verify((word,), offset=0, limit=50)
    found = {row["address"] for row in prepared.page((word,), offset=0, limit=50)}
    assert found == set(Person.objects.filter(address__contains=word).values_list("address", flat=True))
    assert prepared.count((word,)) == len(found)
    rows, total = prepared.page_and_count((word,), offset=0, limit=50)
    assert {row["address"] for row in rows} == found
    assert total == (len(found) or None)


@pytest.mark.django_db
def test_each_connection_compiles_once(persons, django_assert_num_queries):
    prepared = PreparedRows(in_range, str, str)
    values = code_range("43")
    prepared.page(values, offset=0, limit=1)
    with django_assert_num_queries(3):  # the page and the count, nothing compiled or looked up again
        prepared.page(values, offset=0, limit=1)
        prepared.count(values)
        prepared.page_and_count(values, offset=0, limit=1)
    assert len(prepared._compiled) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("build", "kinds", "why"),
    [
        (lambda low, high: in_range(low, high)[:5], (str, str), "slice"),
        (lambda low, high: Person.objects.in_range(low, high), (str, str), "values"),
        (lambda name: Person.objects.filter(name=name.upper()).values("id"), (str,), "does not reach"),
        (lambda pk: Person.objects.filter(pk=pk + 1).values("id"), (int,), "does not reach"),
        (lambda pk, _unused: Person.objects.filter(pk=pk).values("id"), (int, int), "does not reach"),
        (
            lambda q: Person.objects.filter(name__contains=q[:3]).values("id"),
            (str,),
            "does not reach",
        ),
        (lambda name: Person.objects.filter(name=name + name).values("id"), (str,), "changed"),
        (lambda a, b: Person.objects.filter(address__contains=a + b).values("id"), (str, str), "two values"),
    ],
)
def test_a_queryset_that_would_run_wrongly_is_refused(build, kinds, why):
    with pytest.raises(PreparedQueryError, match=why):
        PreparedRows(build, *kinds).page(["x"] * len(kinds), offset=0, limit=1)


@pytest.mark.django_db
def test_grouped_rows_and_their_count(persons):
    """A count over grouped rows counts the groups, as the ORM's count of the same queryset does."""

    def build(low: str, high: str):
        return (
            Person.objects.in_range(low, high)
            .values("region_code")
            .annotate(n=Count("id"))
            .order_by("region_code")
        )

    prepared = PreparedRows(build, str, str)
    values = code_range("43")
    assert prepared.page(values, offset=0, limit=10) == list(build(*values))
    assert prepared.count(values) == build(*values).count()
    assert prepared.page_and_count(values, offset=1, limit=1) == (
        list(build(*values)[1:2]),
        build(*values).count(),
    )


@pytest.mark.django_db
def test_a_moment_is_passed_as_the_orm_passes_it(persons):
    """On SQLite a datetime reaches the SQL as text, on PostgreSQL as itself: each call's moment is adapted
    as the ORM adapts it, so a comparison on either side of a row's time finds or misses that row."""
    import datetime as dt

    prepared = PreparedRows(
        lambda after: Person.objects.filter(created_at__gt=after).values("id"), dt.datetime
    )
    first = min(p.created_at for p in persons)
    before, after = first - dt.timedelta(microseconds=1), max(p.created_at for p in persons)
    prepared.verify((before,), offset=0, limit=10)
    assert prepared.count((before,)) == len(persons)
    assert prepared.count((after,)) == 0
    assert {row["id"] for row in prepared.page((before,), offset=0, limit=10)} == {p.pk for p in persons}


@pytest.mark.django_db
def test_columns_keep_their_names_whatever_order_values_gives_them_in(persons):
    """An annotation named between two fields comes back under its own name (Django orders the columns as
    values() lists them)."""
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    def build(low: str, high: str):
        return (
            Person.objects.in_range(low, high)
            .annotate(label=Concat(F("name"), Value("·"), F("region_code")))
            .values("id", "label", "region_code", "name")
        )

    prepared = PreparedRows(build, str, str)
    values = code_range("43")
    assert prepared.page(values, offset=0, limit=10) == list(build(*values)[:10])
