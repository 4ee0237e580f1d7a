"""The real postings of ../shared/data/jobs/ and the hand-labelled sample of them, for the parser tests.

The postings are read where the project keeps them, `shared/data` beside the repository (or beside any
folder above it, as in a worktree), not copied into the repository.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pytest

LABELLED = Path(__file__).parent / "data" / "labelled_pay.csv"
POSTINGS_FILE = Path("data") / "jobs" / "postings_a.csv"


def postings_path() -> Path:
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "shared" / POSTINGS_FILE
        if candidate.is_file():
            return candidate
    pytest.skip(f"shared/{POSTINGS_FILE} not found beside the repository")


@cache
def postings() -> tuple[dict[str, str], ...]:
    with postings_path().open(encoding="utf-8", newline="") as file:
        return tuple(csv.DictReader(file))


@cache
def labelled() -> tuple[dict[str, str], ...]:
    with LABELLED.open(encoding="utf-8", newline="") as file:
        return tuple(csv.DictReader(file))
