"""Writes of the division tree: the national load and local corrections."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from openpes.audit import services as audit
from openpes.core.errors import DomainError, FieldError
from openpes.core.jurisdiction import CODE_LENGTH, code_range, covers
from openpes.core.text import clean_text
from openpes.regions.models import Region, RegionCorrection, RegionLevel, RegionSource

NATIONAL_DIR = Path(__file__).with_name("data") / "2023"  # one gzip CSV per province
BATCH = 5000


@dataclass(frozen=True)
class NationalRow:
    code: str
    name: str
    level: int
    parent_code: str


def read_national(province: str = "") -> Iterator[NationalRow]:
    paths = [NATIONAL_DIR / f"{province}.csv.gz"] if province else sorted(NATIONAL_DIR.glob("*.csv.gz"))
    for path in paths:
        if not path.exists():
            continue
        with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                yield NationalRow(row["code"], row["name"], int(row["level"]), row["parent"])


def ancestor_codes(code: str) -> list[str]:
    """The 12-digit codes of the province, city, county and township above a code (as far as they exist)."""
    digits = code.rstrip("0") or code
    result = []
    for length in (2, 4, 6, 9):
        if length < len(digits):
            result.append(code[:length].ljust(CODE_LENGTH, "0"))
    return result


def load_national(*, prefix: str = "", actor: Any = None) -> int:
    """Load (or reload) the national table: the whole country when `prefix` is empty, else the subtree of
    `prefix` with its ancestors. Idempotent; local corrections are re-applied afterwards."""
    if prefix and (not prefix.isdigit() or len(prefix) not in (2, 4, 6, 9, 12)):
        raise DomainError("prefix", "区划范围应为2、4、6、9或12位数字代码，例如 430527")
    low, high = code_range(prefix) if prefix else ("", "~")
    wanted_ancestors = set(ancestor_codes(prefix.ljust(CODE_LENGTH, "0"))) if prefix else set()
    rows = (r for r in read_national(prefix[:2]) if low <= r.code <= high or r.code in wanted_ancestors)
    loaded = inside = 0  # inside: rows of the subtree itself, not its ancestors
    with transaction.atomic():
        for batch in _batches(rows, BATCH):
            Region.objects.bulk_create(
                [
                    Region(
                        code=r.code,
                        name=r.name,
                        national_name=r.name,
                        level=r.level,
                        parent_code=r.parent_code,
                    )
                    for r in batch
                ],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "national_name", "level", "parent_code"],
            )
            loaded += len(batch)
            inside += sum(1 for r in batch if low <= r.code <= high)
        if not inside:
            raise DomainError("prefix", f"国家区划表中没有代码以 {prefix} 开头的区划")
        _apply_corrections(RegionCorrection.objects.all())
        audit.record_bulk_change(
            actor=actor,
            action="bulk_create",
            model=Region,
            ids=[],
            region_code=prefix.ljust(CODE_LENGTH, "0") if prefix else "",
            summary=f"载入国家统计用区划代码 {prefix or '全国'}：{loaded} 条",
        )
    return loaded


def _batches(rows: Iterable[NationalRow], size: int) -> Iterator[list[NationalRow]]:
    batch: list[NationalRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


CORRECTION_COLUMNS = ("code", "kind", "name", "parent_code", "replaced_by", "note")
KIND_WORDS = {
    "rename": "rename",
    "更名": "rename",
    "add": "add",
    "新增": "add",
    "retire": "retire",
    "撤销": "retire",
}


def parse_corrections(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ("code", "kind", "name") if c not in (reader.fieldnames or [])]
    if missing:
        raise DomainError(
            "file", f"更正文件缺少列：{'、'.join(missing)}（应有 {', '.join(CORRECTION_COLUMNS)}）"
        )
    return [{k: (row.get(k) or "").strip() for k in CORRECTION_COLUMNS} for row in reader]


def import_corrections(*, actor: Any, rows: list[dict[str, str]]) -> list[RegionCorrection]:
    """Validate every row first; one bad row rejects the file and nothing is written."""
    errors: list[FieldError] = []
    known = set(Region.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", flat=True))
    parents = set(
        Region.objects.filter(code__in=[r["parent_code"] for r in rows if r["parent_code"]]).values_list(
            "code", flat=True
        )
    )
    new_codes = {r["code"] for r in rows if KIND_WORDS.get(r["kind"]) == "add"}
    cleaned: list[dict[str, str]] = []
    scope = getattr(actor, "jurisdiction_prefix", None)  # None: the CLI, which may correct any region
    for line, row in enumerate(rows, start=2):
        where = f"第{line}行"
        kind = KIND_WORDS.get(row["kind"])
        code = row["code"]
        try:
            name = clean_text(
                row["name"], field="name", label="名称", max_length=100, required=kind != "retire"
            )
            note = clean_text(row["note"], field="note", label="说明", max_length=200)
        except DomainError as exc:
            errors.extend(FieldError(f"{where}.{e.field}", e.message) for e in exc.errors)
            continue
        if not (code.isdigit() and len(code) == CODE_LENGTH):
            errors.append(FieldError(f"{where}.code", "区划代码应为12位数字"))
        elif scope is not None and not all(
            covers(scope, c) for c in (code, row["parent_code"], row["replaced_by"]) if c
        ):
            errors.append(FieldError(f"{where}.code", f"区划 {code} 不在您的辖区内，不能更正"))
        elif kind is None:
            errors.append(FieldError(f"{where}.kind", "类型应为 更名、新增 或 撤销"))
        elif kind == "add" and code in known:
            errors.append(FieldError(f"{where}.code", f"区划 {code} 已存在，不能新增，可改为更名"))
        elif kind != "add" and code not in known:
            errors.append(FieldError(f"{where}.code", f"区划 {code} 不存在"))
        elif kind == "add" and row["parent_code"] not in parents | new_codes:
            errors.append(FieldError(f"{where}.parent_code", "新增区划须填写已有的上级区划代码"))
        elif kind == "retire" and row["replaced_by"] and row["replaced_by"] not in known | new_codes:
            errors.append(FieldError(f"{where}.replaced_by", "合并至的区划代码不存在"))
        else:
            cleaned.append({**row, "kind": kind, "name": name, "note": note})
    if errors:
        raise DomainError(errors)
    username = actor.get_username() if actor is not None else "system"
    with transaction.atomic():
        corrections = [RegionCorrection.objects.create(**row, imported_by=username) for row in cleaned]
        _apply_corrections(corrections)
        for correction in corrections:
            audit.record_change(
                actor=actor,
                action="create",
                target=correction,
                region_code=correction.code,
                changes={"kind": correction.kind, "name": correction.name},
                summary=f"区划本地更正：{correction}",
            )
    return corrections


def _apply_corrections(corrections: Iterable[RegionCorrection]) -> None:
    for c in corrections:
        if c.kind == RegionCorrection.Kind.RENAME:
            Region.objects.filter(code=c.code).update(name=c.name)
        elif c.kind == RegionCorrection.Kind.ADD:
            parent = Region.objects.get(code=c.parent_code)
            Region.objects.update_or_create(
                code=c.code,
                defaults={
                    "name": c.name,
                    "level": min(parent.level + 1, RegionLevel.VILLAGE),
                    "parent_code": c.parent_code,
                    "source": RegionSource.LOCAL,
                },
            )
        else:
            Region.objects.filter(code=c.code).update(retired=True, replaced_by=c.replaced_by)
