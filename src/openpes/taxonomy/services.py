"""Loading the classification standards shipped with the package (idempotent)."""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from openpes.audit import services as audit
from openpes.taxonomy.models import Industry, Occupation

DATA = Path(__file__).with_name("data")
OCCUPATION_PARENT_LEVEL = {"sub_major": 1, "minor": 2, "unit": 3}


@dataclass
class LoadReport:
    loaded: int = 0
    derived_parents: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # codes listed twice in the shipped file; first kept


def occupation_parent(code: str, level: str) -> str:
    """`2-02-10-03` (unit) → `2-02-10-00`; the parent is derived from the code, not looked up, because the
    shipped table lacks a few minor-group rows (see docs/data.md)."""
    if level == "major":
        return ""
    parts = code.split("-")
    keep = OCCUPATION_PARENT_LEVEL[level]
    return "-".join(parts[:keep] + ["00"] * (4 - keep))


def load_occupations(*, actor: Any = None) -> LoadReport:
    with gzip.open(DATA / "occupations_2022.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    objects = [
        Occupation(
            code=r["code"],
            name=r["name"],
            level=r["level"],
            parent_code=occupation_parent(r["code"], r["level"]),
            digital=r["digital"] == "1",
            green=r["green"] == "1",
            definition=r["definition"],
            tasks=r["tasks"],
        )
        for r in rows
    ]
    # One upsert must not name a code twice (PostgreSQL refuses it), and the shipped file repeats four codes.
    unique: dict[str, Occupation] = {}
    for o in objects:
        unique.setdefault(o.code, o)
    duplicates = sorted({o.code for o in objects if unique[o.code] is not o})
    objects = list(unique.values())
    codes = {o.code for o in objects}
    report = LoadReport(loaded=len(objects), duplicates=duplicates)
    report.derived_parents = sorted(
        {o.parent_code for o in objects if o.parent_code and o.parent_code not in codes}
    )
    with transaction.atomic():
        Occupation.objects.bulk_create(
            objects,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "level", "parent_code", "digital", "green", "definition", "tasks"],
            batch_size=500,
        )
        audit.record_bulk_change(
            actor=actor,
            action="bulk_create",
            model=Occupation,
            ids=[],
            summary=f"载入职业分类大典2022：{len(objects)} 条",
        )
    return report


def load_industries(*, actor: Any = None) -> LoadReport:
    with gzip.open(DATA / "industries_2017.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with transaction.atomic():
        Industry.objects.bulk_create(
            [
                Industry(code=r["code"], name=r["name"], level=r["level"], parent_code=r["parent_code"])
                for r in rows
            ],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "level", "parent_code"],
            batch_size=500,
        )
        audit.record_bulk_change(
            actor=actor,
            action="bulk_create",
            model=Industry,
            ids=[],
            summary=f"载入国民经济行业分类：{len(rows)} 条",
        )
    return LoadReport(loaded=len(rows))
