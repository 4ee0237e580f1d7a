"""Speed and coverage of the pure posting parsers (pay, education, experience, work type) on real postings.

    uv run python benchmarks/posting_parsers.py [path/to/postings.csv]

Reads every row of the file (default: shared/data/jobs/postings_a.csv beside the repository), times each parser over all rows
(best of five passes, one process, the pay cache emptied before each), and prints rows per second and the share of pay texts read. Prints only:
the figures go into docs/benchmarks.md by hand, with the machine.
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from openpes.vacancies.normalise.pay import parse_pay
from openpes.vacancies.normalise.requirements import parse_education, parse_experience, parse_work_type

POSTINGS_FILE = Path("shared") / "data" / "jobs" / "postings_a.csv"
PASSES = 5

Row = dict[str, str]
PARSERS: dict[str, Callable[[Row], object]] = {
    "pay": lambda row: parse_pay(row["pay_text"]),
    "pay, every text read afresh (no cache)": lambda row: parse_pay.__wrapped__(row["pay_text"]),
    "education": lambda row: parse_education(row["education_text"]),
    "experience": lambda row: parse_experience(row["experience_text"]),
    "work type": lambda row: parse_work_type(
        row["title"], row["description"], row["pay_text"], row["experience_text"]
    ),
}
ALL_FOUR = ("pay", "education", "experience", "work type")


def default_postings() -> Path:
    """shared/ beside the repository, or beside a folder above it (as in a worktree)."""
    for folder in Path(__file__).resolve().parents:
        if (folder / POSTINGS_FILE).is_file():
            return folder / POSTINGS_FILE
    raise SystemExit(f"{POSTINGS_FILE} not found beside the repository: give the file's path")


def best_seconds(parse: Callable[[Row], object], rows: list[Row]) -> float:
    best = float("inf")
    for _ in range(PASSES):
        parse_pay.cache_clear()  # each pass reads the file as the first time
        started = time.perf_counter()
        for row in rows:
            parse(row)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("postings", nargs="?", type=Path)
    arguments = parser.parse_args()
    path: Path = arguments.postings or default_postings()
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))

    print(f"{len(rows):,} postings from {path.name}\n")
    print("| parser | rows/s | ms for all rows |")
    print("| --- | ---: | ---: |")
    total = 0.0
    for name, parse in PARSERS.items():
        seconds = best_seconds(parse, rows)
        if name in ALL_FOUR:
            total += seconds
        print(f"| {name} | {len(rows) / seconds:,.0f} | {seconds * 1000:,.0f} |")
    print(f"| all four | {len(rows) / total:,.0f} | {total * 1000:,.0f} |")

    texts = [row["pay_text"] for row in rows if row["pay_text"].strip()]
    unread = Counter(text for text in texts if parse_pay(text).unparsed)
    read = len(texts) - sum(unread.values())
    print(f"\npay texts read: {read:,} of {len(texts):,} non-empty ({read / len(texts):.2%})")
    for text, count in unread.most_common(20):
        print(f"  not read ×{count}: {text}")


if __name__ == "__main__":
    main()
