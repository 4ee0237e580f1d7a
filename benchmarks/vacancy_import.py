"""The vacancy-file import at the size it is capped at: `--rows` job rows through the real services, timed.

In a fresh SQLite data directory (or a fresh PostgreSQL database with --pg): migrated, the Suining county
(430527) divisions, a county officer and 20 verified employers; a CSV of `--rows` rows built from the real
postings bundled with the tests (tests/vacancies/data: title, pay, place, education, experience; each row's
description numbered so that no two rows are the same). Then, as the page and the CLI call them:

1. `vacancy_file_preview`: reading, employers, validation, normalisation and screening of every row;
2. `vacancy_file_import` (mode valid) of the checked upload: the employers looked up again and one
   `vacancy_create` a row (normalised, screened, saved, indexed, audited) in one transaction.

    uv run python benchmarks/vacancy_import.py --rows 1000
    uv run python benchmarks/vacancy_import.py --rows 1000 --pg postgres://postgres@127.0.0.1:5432

It prints rows per second of each phase; it does not write docs/benchmarks.md (the lead records the figures).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTINGS = ROOT / "tests" / "vacancies" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--pg", default="", help="PostgreSQL server URL (without a database name)")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="openpes-vacancy-import-bench-")
    os.environ.update(
        OPENPES_DATA_DIR=data_dir, OPENPES_MODE="demo", DJANGO_SETTINGS_MODULE="openpes.settings"
    )
    pg_name = ""
    if args.pg:
        import psycopg

        pg_name = f"openpes_vacancy_import_bench_{os.getpid()}"
        with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        os.environ["OPENPES_DATABASE_URL"] = f"{args.pg}/{pg_name}"
    else:
        os.environ.pop("OPENPES_DATABASE_URL", None)
    try:
        run(args.rows, "postgresql" if args.pg else "sqlite")
    finally:
        if pg_name:
            import psycopg

            with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


def postings() -> list[dict[str, str]]:
    """Title, pay, education and experience of the labelled pay sample; places of the labelled place sample."""
    with (POSTINGS / "labelled_pay.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row.get("title")]
    with (POSTINGS / "labelled_place.csv").open(encoding="utf-8", newline="") as handle:
        places = [row["place_text"] for row in csv.DictReader(handle)]
    for number, row in enumerate(rows):
        row["place_text"] = places[number % len(places)]
    return rows


def run(count: int, database: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from openpes.accounts import services as accounts
    from openpes.accounts.roles import Role
    from openpes.core.context import RequestContext, acting
    from openpes.core.identifiers import uscc_check_digit
    from openpes.employers import services as employers
    from openpes.regions.services import load_national
    from openpes.vacancies.models import Vacancy
    from openpes.vacancies.services import file_import

    call_command("migrate", interactive=False, verbosity=0)
    load_national(prefix="430527")
    officer = accounts.staff_create(
        actor=None,
        username="bench",
        full_name="测试员",
        password="Bench#Passw0rd-2026",  # noqa: S106 - a throwaway database
        jurisdiction_code="430527000000",
        roles=[Role.COUNTY_OFFICER],
    )
    names = []
    for number in range(20):
        first17 = f"91430527MA{number:07d}"
        employer = employers.employer_create(
            actor=officer,
            data=employers.EmployerInput(
                uscc=first17 + uscc_check_digit(first17),
                name=f"绥宁测试企业{number}有限公司",
                region_code="430527100000",
                contact_name="王经理",
                contact_phone="13807391234",
            ),
        )
        employers.employer_verify(actor=officer, employer=employer, approve=True)
        names.append(employer.name)
    source = postings()
    text = io.StringIO(newline="")
    out = csv.writer(text)
    out.writerow(["岗位名称", "单位名称", "薪资待遇", "工作地点", "学历要求", "工作经验", "岗位描述"])
    for number in range(count):
        posting = source[number % len(source)]
        out.writerow(
            [
                posting["title"][:100],
                names[number % len(names)],
                posting.get("pay_text", "")[:100],
                posting.get("place_text", "")[:200],
                posting.get("education_text", "")[:50],
                posting.get("experience_text", "")[:50],
                f"第{number}个岗位",
            ]
        )
    content = text.getvalue().encode("utf-8")
    with acting(RequestContext(channel="cli")):
        # A running server has its URLs, place table and occupation coder loaded: warm them first.
        warm = b"\n".join(content.split(b"\n")[:20])
        file_import.vacancy_file_preview(actor=officer, filename="warm.csv", content=warm)
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            cProfile.runctx(
                "file_import.vacancy_file_preview(actor=officer, filename='bench.csv', content=content)",
                globals(),
                locals(),
                sort="cumulative",
            )
        started, cpu = time.perf_counter(), time.process_time()
        plan = file_import.vacancy_file_preview(actor=officer, filename="bench.csv", content=content)
        checked, checked_cpu = time.perf_counter() - started, time.process_time() - cpu
        record = file_import.vacancy_file_check(
            actor=officer, filename="bench.csv", content=content, mode="valid"
        )
        started, cpu = time.perf_counter(), time.process_time()
        file_import.vacancy_file_import(actor=officer, record=record)
        imported, imported_cpu = time.perf_counter() - started, time.process_time() - cpu
    made = Vacancy.objects.count()
    print(f"{database}: {count} rows, {plan.problem_rows} with problems, {made} vacancies made")
    # Wall time counts the database server and other load on the machine; CPU time only this process.
    for label, wall, used in (
        ("check (read, employers, validate, normalise, screen)", checked, checked_cpu),
        ("import (employers again, one vacancy_create a row)", imported, imported_cpu),
    ):
        print(
            f"  {label}: {wall:.2f} s wall, {count / wall:,.0f} rows/s; {count / used:,.0f} rows/s of CPU time"
        )


if __name__ == "__main__":
    main()
