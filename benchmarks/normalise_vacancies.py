"""Speed and shares resolved of the whole posting normaliser (`normalise_posting`, as `openpes normalise
vacancies` runs it) on real postings.

    uv run python benchmarks/normalise_vacancies.py [path/to/postings.csv]

Reads every row of the file (default: shared/data/jobs/postings_a.csv beside the repository); times the first
use (occupation coder and place index built), then the normaliser over all rows (best of three passes, the
pay and place caches emptied before each), in wall and CPU seconds; then the command itself, end to end, in a
process of its own. Prints the shares resolved per field and the flags. Prints only: the figures go into
docs/benchmarks.md by hand, with the machine.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from openpes.taxonomy.coder import default_coder
from openpes.vacancies.normalise import posting
from openpes.vacancies.normalise.pay import parse_pay
from openpes.vacancies.normalise.posting import FIELD_LABELS, ResolvedShares, normalise_posting

POSTINGS_FILE = Path("shared") / "data" / "jobs" / "postings_a.csv"
PASSES = 3


def default_postings() -> Path:
    """shared/ beside the repository, or beside a folder above it (as in a worktree)."""
    for folder in Path(__file__).resolve().parents:
        if (folder / POSTINGS_FILE).is_file():
            return folder / POSTINGS_FILE
    raise SystemExit(f"{POSTINGS_FILE} not found beside the repository: give the file's path")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("postings", nargs="?", type=Path)
    arguments = parser.parse_args()
    path: Path = arguments.postings or default_postings()
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    print(f"{len(rows):,} postings from {path.name}\n")

    wall, cpu = time.perf_counter(), time.process_time()
    default_coder()
    normalise_posting({"title": "会计", "place_text": "北京"})
    print(
        f"first use (coder and place index): {time.perf_counter() - wall:.2f} s wall, "
        f"{time.process_time() - cpu:.2f} s CPU"
    )

    best_wall = best_cpu = float("inf")
    for _ in range(PASSES):
        parse_pay.cache_clear()
        posting._place.cache_clear()
        wall, cpu = time.perf_counter(), time.process_time()
        shares = ResolvedShares()
        results = []
        for row in rows:
            result = normalise_posting(row)
            shares.add(row, result)
            results.append(result)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    print(
        f"normaliser, best of {PASSES}: {len(rows) / best_wall:,.0f} rows/s wall, "
        f"{len(rows) / best_cpu:,.0f} rows per CPU-second"
    )

    with tempfile.TemporaryDirectory() as folder:
        wall = time.perf_counter()
        subprocess.run(  # noqa: S603 - our own console script
            [str(Path(sys.executable).with_name("openpes")), "normalise", "vacancies", str(path),
             "--out", str(Path(folder) / "out.csv")],
            check=True, capture_output=True,
        )  # fmt: skip
        took = time.perf_counter() - wall
    print(
        f"`openpes normalise vacancies` end to end (start, load, read, write): {took:.1f} s wall, "
        f"{len(rows) / took:,.0f} rows/s\n"
    )

    print("| field | filled | resolved | share of filled | share of all rows |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, label in FIELD_LABELS.items():
        print(
            f"| {name} ({label}) | {shares.filled[name]:,} | {shares.resolved[name]:,} | "
            f"{shares.share_of_filled(name) or 0:.1%} | {shares.share_of_rows(name) or 0:.1%} |"
        )
    coded = sum(1 for result in results if result.occupation_code)
    deep = Counter(len(result.region_code.rstrip("0")) for result in results if result.region_code)
    county = sum(1 for result in results if result.region_code and result.region_code[4:6] != "00")
    print(f"\noccupation: a candidate for {coded:,} ({coded / len(rows):.1%}); first candidate's confidence:")
    bands = Counter(
        "≥ 0.8" if c >= 0.8 else "0.6–0.8" if c >= 0.6 else "0.4–0.6" if c >= 0.4 else "< 0.4"
        for c in (result.occupation_confidence for result in results)
        if c is not None
    )
    for band in ("≥ 0.8", "0.6–0.8", "0.4–0.6", "< 0.4"):
        print(f"  {band}: {bands[band]:,} ({bands[band] / len(rows):.1%})")
    print(
        f"place: a region code for {sum(deep.values()):,}; county or deeper (or a municipality's district): "
        f"{county:,} ({county / len(rows):.1%})"
    )
    print("flags:", ", ".join(f"{flag} {count:,}" for flag, count in shares.flagged.most_common()) or "none")


if __name__ == "__main__":
    main()
