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
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from openpes.taxonomy.coder import default_coder
from openpes.vacancies.normalise import posting
from openpes.vacancies.normalise.pay import parse_pay
from openpes.vacancies.normalise.posting import (
    ACCEPTED_CONFIDENCE,
    FIELD_LABELS,
    ResolvedShares,
    normalise_posting,
)

POSTINGS_FILE = Path("shared") / "data" / "jobs" / "postings_a.csv"
PASSES = 3


def default_postings() -> Path:
    """shared/ beside the repository, or beside a folder above it (as in a worktree)."""
    for folder in Path(__file__).resolve().parents:
        if (folder / POSTINGS_FILE).is_file():
            return folder / POSTINGS_FILE
    raise SystemExit(f"{POSTINGS_FILE} not found beside the repository: give the file's path")


def machine() -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH, as a developer runs it
        capture_output=True, text=True, check=False, cwd=Path(__file__).parent,
    ).stdout.strip()  # fmt: skip
    return (
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}; "
        f"commit {commit or 'unknown'}; load average {os.getloadavg()[0]:.2f} at the start."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("postings", nargs="?", type=Path)
    arguments = parser.parse_args()
    path: Path = arguments.postings or default_postings()
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    print(f"## normalise_vacancies.py — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n")
    print("Command: `uv run python benchmarks/normalise_vacancies.py`\n")
    print(machine() + "\n")
    print(f"{len(rows):,} postings from {path.name}.\n")

    wall, cpu = time.perf_counter(), time.process_time()
    default_coder()
    normalise_posting({"title": "会计", "place_text": "北京"})
    first_wall, first_cpu = time.perf_counter() - wall, time.process_time() - cpu

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

    with tempfile.TemporaryDirectory() as folder:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        subprocess.run(  # noqa: S603 - our own console script
            [str(Path(sys.executable).with_name("openpes")), "normalise", "vacancies", str(path),
             "--out", str(Path(folder) / "out.csv")],
            check=True, capture_output=True,
        )  # fmt: skip
        took = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    command_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime

    print("| what | wall | CPU |")
    print("| --- | ---: | ---: |")
    print(f"| first use: occupation coder and place index built | {first_wall:.2f} s | {first_cpu:.2f} s |")
    print(
        f"| `normalise_posting` over all rows, best of {PASSES} (caches emptied) | "
        f"{len(rows) / best_wall:,.0f} rows/s | {len(rows) / best_cpu:,.0f} rows per CPU-second |"
    )
    cpu_text = f"{command_cpu:.1f} s" if command_cpu is not None else "–"
    print(
        f"| `openpes normalise vacancies` end to end (start, load, read, write) | {took:.1f} s | {cpu_text} |\n"
    )

    print("| field | filled | resolved | share of filled | share of all rows |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, label in FIELD_LABELS.items():
        print(
            f"| {name} ({label}) | {shares.filled[name]:,} | {shares.resolved[name]:,} | "
            f"{shares.share_of_filled(name) or 0:.1%} | {shares.share_of_rows(name) or 0:.1%} |"
        )
    print(
        f"\nResolved: the text is there and no flag of the field is set; for the occupation, the first candidate's "
        f"confidence is at least {ACCEPTED_CONFIDENCE}."
    )
    coded = sum(1 for result in results if result.occupation_code)
    bands = Counter(
        "≥ 0.8" if c >= 0.8 else "0.6–0.8" if c >= 0.6 else "0.4–0.6" if c >= 0.4 else "< 0.4"
        for c in (result.occupation_confidence for result in results)
        if c is not None
    )
    spread = ", ".join(
        f"{band} {bands[band] / len(rows):.1%}" for band in ("≥ 0.8", "0.6–0.8", "0.4–0.6", "< 0.4")
    )
    print(
        f"Occupation: a candidate for {coded / len(rows):.1%} of the rows; first candidate's confidence {spread}."
    )
    with_code = sum(1 for result in results if result.region_code)
    county = sum(1 for result in results if result.region_code[4:6].strip("0"))
    print(
        f"Place: a region code for {with_code / len(rows):.1%}; a county, district or deeper for "
        f"{county / len(rows):.1%} (the rest name a city or a province only)."
    )
    flags = ", ".join(f"{flag} {count:,}" for flag, count in shares.flagged.most_common()) or "none"
    print(f"Flags: {flags}.")


if __name__ == "__main__":
    main()
