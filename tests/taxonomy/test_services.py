"""The classification standards shipped with the package load completely and idempotently."""

from __future__ import annotations

import csv
import gzip
from collections import Counter

import pytest

from openpes.audit.models import ChangeLog
from openpes.taxonomy import services
from openpes.taxonomy.models import Industry, Occupation

DERIVED = ["1-06-01-00", "2-01-04-00", "2-02-32-00", "5-02-03-00"]
DUPLICATES = ["2-03-01-00", "4-12-04-02", "5-03-00-00", "6-20-05-03"]


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("1-00-00-00", "major", ""),
        ("2-02-00-00", "sub_major", "2-00-00-00"),
        ("2-02-10-00", "minor", "2-02-00-00"),
        ("2-02-10-03", "unit", "2-02-10-00"),
    ],
)
def test_occupation_parent_is_derived_from_the_code(code, level, parent):
    assert services.occupation_parent(code, level) == parent


def shipped_rows() -> list[dict[str, str]]:
    with gzip.open(services.DATA / "occupations_2022.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_shipped_occupation_file_has_2051_rows_and_repeats_four_codes():
    rows = shipped_rows()
    assert len(rows) == 2051
    repeated = sorted(code for code, n in Counter(r["code"] for r in rows).items() if n > 1)
    assert repeated == DUPLICATES


def test_occupations_load_every_distinct_code_and_report_the_derived_minor_groups(db):
    report = services.load_occupations()
    assert report.derived_parents == DERIVED
    assert report.duplicates == DUPLICATES
    assert report.loaded == 2051 - len(DUPLICATES) == Occupation.objects.count()
    assert {r["code"] for r in shipped_rows()} == set(Occupation.objects.values_list("code", flat=True))
    # of a code listed twice the first row wins: 2-03-01-00 stays the minor group its units hang under
    assert Occupation.objects.get(code="2-03-01-00").level == "minor"
    levels = Counter(Occupation.objects.values_list("level", flat=True))
    assert levels == {"major": 8, "sub_major": 72, "minor": 336, "unit": 1631}
    codes = set(Occupation.objects.values_list("code", flat=True))
    orphans = set(Occupation.objects.exclude(parent_code="").values_list("parent_code", flat=True)) - codes
    assert sorted(orphans) == DERIVED
    assert Occupation.objects.filter(digital=True).exists()
    assert Occupation.objects.filter(green=True).exists()
    assert ChangeLog.objects.filter(target_type="taxonomy.occupation", action="bulk_create").count() == 1


def test_occupation_load_is_idempotent(db):
    services.load_occupations()
    Occupation.objects.filter(code="1-00-00-00").update(name="被改动的名称")
    again = services.load_occupations()
    assert again.loaded == Occupation.objects.count() == 2047
    assert Occupation.objects.get(code="1-00-00-00").name.startswith("党的机关")


def test_industries_load_all_rows_with_their_parents(db):
    report = services.load_industries()
    assert report.loaded == 1972
    assert Industry.objects.count() == 1972
    assert services.load_industries().loaded == 1972
    assert Industry.objects.count() == 1972
    codes = set(Industry.objects.values_list("code", flat=True))
    parents = set(Industry.objects.exclude(parent_code="").values_list("parent_code", flat=True))
    assert parents <= codes
    assert Industry.objects.filter(level="section").count() == 20
    assert Industry.objects.get(code="A").name == "农、林、牧、渔业"
    assert Industry.objects.get(code="01").parent_code == "A"
