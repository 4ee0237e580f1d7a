"""Copy the reference data from ../shared/data into the package, compressed, in the shape our loaders read.

Run from the repository root: `uv run python scripts/build_reference_data.py [path/to/shared/data]`.
The outputs are committed; this script is how they were made (nothing is typed by hand).
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "openpes"


def pad(code: str) -> str:
    return code.ljust(12, "0")


def build_regions(shared: Path) -> None:
    regions = shared / "regions"
    by_province: dict[str, list[list[object]]] = {}
    count = 0

    class Writer:
        @staticmethod
        def writerow(row: list[object]) -> None:
            by_province.setdefault(str(row[0])[:2], []).append(row)

    writer = Writer()

    def rows(name: str) -> list[dict[str, str]]:
        with open(regions / name, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    for row in rows("provinces.csv"):
        writer.writerow([pad(row["code"]), row["name"], 1, ""])
        count += 1
    for row in rows("cities.csv"):
        writer.writerow([pad(row["code"]), row["name"], 2, pad(row["provinceCode"])])
        count += 1
    for row in rows("areas.csv"):
        writer.writerow([pad(row["code"]), row["name"], 3, pad(row["cityCode"])])
        count += 1
    for row in rows("streets.csv"):
        writer.writerow([pad(row["code"]), row["name"], 4, pad(row["areaCode"])])
        count += 1
    with gzip.open(regions / "villages.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            writer.writerow([row["code"], row["name"], 5, pad(row["streetCode"])])
            count += 1
    # One file per province, so that loading one county reads only its province.
    target_dir = PACKAGE / "regions" / "data" / "2023"
    target_dir.mkdir(parents=True, exist_ok=True)
    for province, rows in sorted(by_province.items()):
        out = io.StringIO()
        csv_writer = csv.writer(out, lineterminator="\n")
        csv_writer.writerow(["code", "name", "level", "parent"])
        csv_writer.writerows(rows)
        with gzip.GzipFile(target_dir / f"{province}.csv.gz", "wb", compresslevel=9, mtime=0) as fh:
            fh.write(out.getvalue().encode())
    print(f"{target_dir.relative_to(ROOT)}: {count} rows in {len(by_province)} files")


def copy_compressed(source: Path, target: Path) -> None:
    with open(source, "rb") as src, gzip.GzipFile(target, "wb", compresslevel=9, mtime=0) as dst:
        shutil.copyfileobj(src, dst)
    print(f"{target.relative_to(ROOT)}: from {source}")


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    build_regions(shared)
    copy_compressed(
        shared / "occupations" / "occupations_2022.csv",
        PACKAGE / "taxonomy" / "data" / "occupations_2022.csv.gz",
    )
    copy_compressed(
        shared / "industries" / "gbt4754_2017.csv", PACKAGE / "taxonomy" / "data" / "industries_2017.csv.gz"
    )


if __name__ == "__main__":
    main()
