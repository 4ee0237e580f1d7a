"""Occupation coding measured on hand-labelled real postings (../shared/data/jobs/postings_a.csv) and on crafted
titles from outside IT. The labels were written from the titles and checked against the classification by
hand, before the coder was run on them (data/README.md says how each file was made and what was measured on
each the first time the coder met it).

The goal of the issue: the right occupation among the top 3 for at least 90 % of real postings, also when a
row has nothing but its title.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from openpes.taxonomy.coder import code_occupation

HERE = Path(__file__).parent / "data"
GOAL_TOP3 = 0.90


def read(name: str) -> list[dict[str, str]]:
    with open(HERE / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def postings() -> list[dict[str, str]]:
    """The postings file of ../shared beside the project (or beside a directory above a git worktree)."""
    for folder in Path(__file__).resolve().parents:
        path = folder / "shared" / "data" / "jobs" / "postings_a.csv"
        if path.exists():
            with open(path, encoding="utf-8", newline="") as fh:
                return list(csv.DictReader(fh))
    return []


def share_in_top3(rows: list[dict[str, str]], with_context: bool) -> float:
    source = postings() if with_context else []
    hits = 0
    for row in rows:
        if with_context:
            posting = source[int(row["row"])]
            assert posting["title"] == row["title"], "the labelled file no longer matches the postings"
            candidates = code_occupation(row["title"], posting["description"], posting["industry_text"])
        else:
            candidates = code_occupation(row["title"])
        hits += row["expected_code"] in [c.code for c in candidates]
    return hits / len(rows)


@pytest.mark.parametrize("name", ["labelled_occupation.csv", "holdout_occupation.csv"])
def test_real_postings_by_title_alone(name: str) -> None:
    assert share_in_top3(read(name), with_context=False) >= GOAL_TOP3


@pytest.mark.parametrize("name", ["labelled_occupation.csv", "holdout_occupation.csv"])
def test_real_postings_with_description_and_industry(name: str) -> None:
    if not postings():
        pytest.skip("../shared/data/jobs/postings_a.csv is not beside the project")
    assert share_in_top3(read(name), with_context=True) >= GOAL_TOP3


@pytest.mark.parametrize("name", ["crafted_occupation.csv", "crafted_occupation_fresh.csv"])
def test_crafted_titles_from_outside_it(name: str) -> None:
    rows = read(name)
    assert {r["domain"] for r in rows} >= {
        "factory",
        "retail",
        "logistics",
        "care",
        "catering",
        "construction",
        "agriculture",
        "teaching",
        "health",
    }
    assert share_in_top3(rows, with_context=False) >= GOAL_TOP3


def test_labelled_files_name_real_occupations() -> None:
    from openpes.taxonomy.coder import default_coder

    names = default_coder().names
    for name in (
        "labelled_occupation.csv",
        "holdout_occupation.csv",
        "crafted_occupation.csv",
        "crafted_occupation_fresh.csv",
    ):
        for row in read(name):
            assert names.get(row["expected_code"]) == row["expected_name"], row
    assert len(read("labelled_occupation.csv")) >= 300
