"""The labour-force survey import at scale: one workbook of `--rows` people through the real services.

For each database, in a fresh process with its own environment (Django reads its settings once per process):

1. a fresh database (SQLite: a new data directory, so the project's own pragmas; PostgreSQL: a new database
   on 127.0.0.1:5432, dropped at the end), migrated, with the Suining county (430527) divisions and a village
   broker of one village;
2. a survey workbook (.xlsx, written with xlsxwriter, not timed) of `--rows` people of that village from the
   demo generator (fixed seed): households of 1–6 people as offices list them (a 户主 row, then the others),
   valid ID numbers of the county, phones, addresses, and statuses in the demo's shares (farming, unit work
   with an employer, flexible work, a few unemployed with a reason and a month, students, the retired);
3. python-calamine reading the file's sheet into Python values: the floor no import can beat;
4. the import as `openpes import survey` runs it, reading the file once (`survey_preview`, then
   `survey_check` and `survey_import` given the rows it read; the headline figure), mode `valid`, timed phase by
   phase: reading and cleaning the rows, the plan (registered ID numbers, jurisdiction, age), preparing the
   new persons (the registry's rules, AES-256-GCM encryption and HMAC blind indexes), the writes (households,
   persons, profiles, timeline, audit) and the derived records (zero-employment households, key groups, tiers);
5. the same file imported again: it must change nothing (every row unchanged); then, on an emptied registry,
   the import as the upload page runs it (`survey_check` at upload, `survey_import` later from the kept
   encrypted file, read and cleaned a second time), reported on its own line;
6. the peer, django-import-export, importing the same file into the same models of an emptied registry
   (see `PeerResource` for what it does and does not do).

    uv run python benchmarks/survey_import.py --rows 10000 --no-record          # quick check
    uv run python benchmarks/survey_import.py --rows 100000                     # both databases

The figures are printed as Markdown and appended, with the machine and the command, to docs/benchmarks.md
(unless --no-record).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from registry import Meter, machine, speed_check

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
COUNTY = "430527000000"
TODAY = dt.date(2026, 1, 1)  # the generator's "today": the same seed gives the same ID numbers on any day
GOAL_RATE = 10_000  # rows per second, end to end
GOAL_PEER = 10.0  # times django-import-export
PG_BASE = "postgres://postgres@127.0.0.1:5432"
FILENAME = "实名制数据采集表.xlsx"
# Phases of the services, in order: (label, module attribute wrapped to time it).
PHASES = (
    ("read + clean", "read_survey"),
    ("plan", "_plan"),
    ("prepare + encrypt", "_prepare_new"),
    ("write + audit", "_write"),
    ("derived records", "refresh"),
    ("derived records", "refresh_registered"),  # inside the write: timed apart from it
)
PHASE_LABELS = tuple(dict.fromkeys(label for label, _ in PHASES))
# The two ways a file reaches the import (see `import_once`): label in the report, key in the results.
PATHS = (("one read (CLI)", "ours"), ("page, two reads", "page"))


# --- parent: one subprocess per database, then the report -----------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=100_000, help="people in the workbook (default 100000)")
    p.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    p.add_argument("--seed", type=int, default=430527)
    p.add_argument("--pg-url", default=PG_BASE, help="PostgreSQL server (a fresh database is created on it)")
    p.add_argument("--no-peer", action="store_true", help="skip django-import-export (a quicker run)")
    p.add_argument("--no-record", action="store_true", help="print only; do not append to docs/benchmarks.md")
    p.add_argument(
        "--profile", default="", help="write a cProfile of the first import to this path (per database)"
    )
    p.add_argument("--worker", default="", help=argparse.SUPPRESS)
    p.add_argument("--result", default="", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def run_database(name: str, args: argparse.Namespace) -> dict[str, Any]:
    data_dir = tempfile.mkdtemp(prefix=f"openpes-survey-bench-{name}-")
    result_path = Path(data_dir) / "result.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPES_")}
    env.update(
        OPENPES_DATA_DIR=data_dir,
        OPENPES_MODE="demo",
        OPENPES_CRYPTO="aes",
        DJANGO_SETTINGS_MODULE="openpes.settings",
    )
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    pg_name = ""
    if name == "postgresql":
        import psycopg

        pg_name = f"openpes_survey_bench_{os.getpid()}"
        with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        env["OPENPES_DATABASE_URL"] = f"{args.pg_url}/{pg_name}"
    elif name != "sqlite":
        raise SystemExit(f"unknown database {name!r}: use sqlite and/or postgresql")
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        name,
        "--result",
        str(result_path),
        "--rows",
        str(args.rows),
        "--seed",
        str(args.seed),
    ]
    if args.no_peer:
        command.append("--no-peer")
    if args.profile:
        command += ["--profile", f"{args.profile}.{name}"]
    try:
        subprocess.run(command, env=env, check=True)  # noqa: S603 - this script itself, with our arguments
        return json.loads(result_path.read_text())
    finally:
        if pg_name:
            import psycopg

            with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


def fmt(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def ok(flag: bool) -> str:
    return "met" if flag else "**missed**"


def render(results: list[dict[str, Any]], command: str, host: dict[str, str], started: str) -> str:
    versions = ", ".join(f"{r['database']} {r['database_version']}" for r in results)
    first = results[0]
    file = first["file"]
    out = [
        f"## survey_import.py — {started}",
        "",
        f"Command: `{command}` at commit {host['commit']}",
        "",
        f"Machine: {host['nproc']} CPUs ({host['cpu']}), Python {host['python']}, {versions}, {host['os']}.",
        "",
        "```",
        host["free"],
        "```",
        "",
        f"The workbook: {file['rows']:,} people in {file['households']:,} households of one village "
        f"({file['bytes'] / 2**20:,.1f} MB .xlsx; statuses: {file['shares']}).",
        "",
        "Machine state during each part (the machine is shared; `sum(range(1000))` is a fixed piece of "
        "Python, best of 5 — higher means a busier machine):",
        "",
        "| database | load average at start / end | `sum(range(1000))` µs at start / end |",
        "| --- | --- | --- |",
    ]
    for r in results:
        st = r["state"]
        out.append(
            f"| {r['database']} | {st['load_start']:.2f} / {st['load_end']:.2f} | "
            f"{st['speed_start_us']:.1f} / {st['speed_end_us']:.1f} |"
        )
    out += [
        "",
        "End to end through the services, mode `valid`, on an empty registry. **One read** (the headline): as "
        "`openpes import survey` runs it — `survey_preview` reads and checks the file once, `survey_check` "
        "keeps it encrypted with that preview, `survey_import` writes from the rows already read. **Page, two "
        "reads**: as the upload page runs it — `survey_check` reads and checks the file at upload, "
        "`survey_import` (later, often in the worker) decrypts the kept file and reads and cleans it again. "
        "Both then validate, encrypt, write, audit and derive. CPU is this process plus, on PostgreSQL, its "
        "server backend:",
        "",
        "| database | path | rows | check s | import s | total s | rows/s | goal ≥ 10,000/s | CPU µs/row | "
        "rows/s at one free core (10⁶ / CPU µs) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for r in results:
        for label, key in PATHS:
            run = r[key]
            out.append(
                f"| {r['database']} | {label} | {run['rows']:,} | {fmt(run['check_s'], 1)} | "
                f"{fmt(run['import_s'], 1)} | {fmt(run['total_s'], 1)} | {fmt(run['rows_per_s'])} | "
                f"{ok(run['rows_per_s'] >= GOAL_RATE)} | {fmt(run['cpu_us'])} | {fmt(1e6 / run['cpu_us'])} |"
            )
    out += [
        "",
        "| database | re-import s, one read (all unchanged) | calamine read s (floor) | floor rows/s |",
        "| --- | ---: | ---: | ---: |",
    ]
    for r in results:
        out.append(
            f"| {r['database']} | {fmt(r['again']['total_s'], 1)} | {fmt(r['floor_s'], 2)} | "
            f"{fmt(r['ours']['rows'] / r['floor_s'])} |"
        )
    out += [
        "",
        "Phases, check + import together: wall seconds (rows per second of that phase alone) and CPU µs per "
        "row (this process plus, on PostgreSQL, its server backend). With one read, the new persons are "
        "prepared batch by batch inside the write, each batch while the one before is written "
        "(`bulk.write_behind`): their preparation is in the write's figures; the page path prepares them "
        "before the transaction, where the page can show the progress. On both paths the derived records of "
        "the households the import registers are decided inside the write, while its rows are written "
        "(`derived.refresh_registered`): their time is shown under derived records, not in the write's (the "
        "split of the server's CPU between the two is approximate: the helper writes meanwhile):",
        "",
        "| database | path | " + " | ".join(PHASE_LABELS) + " | rest |",
        "| --- | --- | " + " | ".join("---:" for _ in PHASE_LABELS) + " | ---: |",
    ]
    for r in results:
        for path_label, key in PATHS:
            phases = r[key]["phases"]
            rows = r[key]["rows"]
            cells = [
                f"{fmt(phases[label]['seconds'], 2)} s ({fmt(rows / phases[label]['seconds'])}/s), "
                f"{fmt(phases[label]['cpu_us'])} µs"
                if phases[label]["seconds"]
                else "in the write"
                for label in PHASE_LABELS
            ]
            out.append(
                f"| {r['database']} | {path_label} | "
                + " | ".join(cells)
                + f" | {fmt(r[key]['rest_s'], 2)} s |"
            )
    peers = [r for r in results if r.get("peer")]
    if peers:
        out += [
            "",
            "The peer, django-import-export "
            f"{first['peer']['version']}, importing the same file into the same models of an emptied "
            "registry: a `ModelResource` on `people.Person` (rows matched on the ID number's blind index, "
            "`skip_unchanged`), each row's ID number and phone validated, encrypted and blind-indexed and its "
            "coded values read with the project's own vocabulary in `before_import_row`, the employment "
            "profile written in `after_save_instance`; the file is read with python-calamine into a tablib "
            "`Dataset` (its own XLSX format needs openpyxl, which the project does not install — calamine is "
            "the faster reader, so this favours the peer). It does not group households, keep a timeline, "
            "write audit rows or derive key groups and zero-employment households: ours does more work.",
            "",
            "| database | peer s | peer rows/s | peer CPU µs/row | ours/peer, one read | goal ≥ 10× | "
            "ours/peer, page (two reads) |",
            "| --- | ---: | ---: | ---: | ---: | --- | ---: |",
        ]
        for r in peers:
            peer = r["peer"]
            ratio = r["ours"]["rows_per_s"] / peer["rows_per_s"]
            page_ratio = r["page"]["rows_per_s"] / peer["rows_per_s"]
            out.append(
                f"| {r['database']} | {fmt(peer['seconds'], 1)} | {fmt(peer['rows_per_s'])} | "
                f"{fmt(peer['cpu_us'])} | {fmt(ratio, 1)}× | {ok(ratio >= GOAL_PEER)} | {fmt(page_ratio, 1)}× |"
            )
    out += [
        "",
        "Check: "
        + "; ".join(
            f"{r['database']}: {r['ours']['created']:,} created, {r['again']['unchanged']:,} unchanged on "
            f"re-import, {r['derived']}"
            + (f", peer {r['peer']['created']:,} persons and profiles" if r.get("peer") else "")
            for r in results
        )
        + ".",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.worker:
        worker(args)
        return
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = shlex.join(["uv", "run", "python", "benchmarks/survey_import.py", *sys.argv[1:]])
    host = machine()
    results = []
    for name in [d.strip() for d in args.databases.split(",") if d.strip()]:
        print(f"== {name}", file=sys.stderr, flush=True)
        results.append(run_database(name, args))
    text = render(results, command, host, started)
    print(text)
    if not args.no_record:
        DOC.parent.mkdir(parents=True, exist_ok=True)
        existing = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
        DOC.write_text(existing.rstrip("\n") + "\n\n" + text, encoding="utf-8")
        print(f"appended to {DOC.relative_to(ROOT)}", file=sys.stderr)


# --- the workbook -----------------------------------------------------------------------------------------

HEADERS = (
    "序号",
    "姓名",
    "公民身份号码",
    "性别",
    "民族",
    "文化程度",
    "联系电话",
    "户籍地址",
    "现居住地址",
    "与户主关系",
    "就业状态",
    "就业形式",
    "就业地点",
    "就业单位",
    "月收入",
    "失业原因",
    "失业时间",
    "就业意愿",
    "培训意愿",
)
# How offices write the coded values (not our labels): the reader must take them as they come.
EDUCATION_WORDS = {"10": "小学", "20": "初中", "30": "高中", "40": "中专", "50": "大专", "60": "本科"}
FORM_WORDS = {
    "farming": ("务农", ""),
    "unit": ("已就业", "单位就业"),
    "flexible": ("灵活就业", ""),
    "self_employed": ("已就业", "自主创业"),
    "public_welfare": ("公益性岗位", ""),
}
REASON_WORDS = ("单位解除劳动合同", "合同期满", "个人原因辞职", "返乡后未就业", "毕业后未就业")
PLACES = ("本县", "本县", "省内县外", "广东东莞", "浙江义乌")
JOB_WISHES = ("普工", "电工", "保洁", "司机", "厨师", "服务员")
TRAINING_WISHES = ("电工", "焊工", "养老护理", "电子商务", "中式烹调")


def survey_rows(generator: Any, rows: int, village_name: str, seed: int) -> Iterator[tuple[Any, ...]]:
    """`rows` survey rows as a village broker fills them in: household after household, the 户主 first."""
    import random

    from openpes.demo.services import EMPLOYED_FORMS, EMPLOYERS
    from openpes.employment import rules
    from openpes.people.models import Ethnicity, Relation

    rng = random.Random(seed)
    forms, weights = [f for f, _ in EMPLOYED_FORMS], [w for _, w in EMPLOYED_FORMS]
    number = 0
    for household in generator.households(rows):
        for member in household.members:
            if number == rows:
                return
            number += 1
            birth = dt.date(
                int(member.id_number[6:10]), int(member.id_number[10:12]), int(member.id_number[12:14])
            )
            sex = "M" if int(member.id_number[16]) % 2 else "F"
            age = rules.age_in_years(birth, TODAY)
            relation = {
                Relation.HEAD: "户主",
                Relation.SPOUSE: "配偶",
                Relation.CHILD: "子" if sex == "M" else "女",
                Relation.PARENT: "父亲" if sex == "M" else "母亲",
            }[Relation(member.relation)]
            status = form = place = employer = income = reason = since = wish = training = ""
            if rules.retirement_month(birth, rules.default_retirement_category(sex)) <= TODAY:
                status = "退休"
            elif age <= 22 and rng.random() < 0.6:
                status = "在校学生"
            elif rng.random() < 0.07:
                status = rng.choice(("失业", "未就业", "待业"))
                reason = rng.choice(REASON_WORDS)
                adult = (
                    birth.replace(year=birth.year + 16)
                    if (birth.month, birth.day) != (2, 29)
                    else birth.replace(year=birth.year + 16, day=28)
                )
                month = TODAY - dt.timedelta(days=rng.randint(20, max(20, min(500, (TODAY - adult).days))))
                since = rng.choice(
                    (f"{month:%Y-%m}", f"{month.year}.{month.month}", f"{month.year}年{month.month}月")
                )
                wish = rng.choice(JOB_WISHES)
                training = rng.choice(("无", *TRAINING_WISHES))
            elif rng.random() < 0.02:
                status = "无就业意愿"
            else:
                kind = rng.choices(forms, weights)[0]
                status, form = FORM_WORDS[kind]
                place = "本村" if kind == "farming" else rng.choice(PLACES)
                employer = rng.choice(EMPLOYERS) if kind == "unit" else ""
                income = str(rng.choice((1500, 2500, 3000, 3500, 4000, 4500, 5000, 6000)))
            yield (
                number,
                member.name,
                member.id_number,
                "男" if sex == "M" else "女",
                Ethnicity(member.ethnicity).label,
                EDUCATION_WORDS.get(member.education, "初中"),
                member.phone,
                household.address,
                household.address if rng.random() < 0.9 else f"{village_name}集镇",
                relation,
                status,
                form,
                place,
                employer,
                income,
                reason,
                since,
                wish,
                training,
            )


def write_workbook(rows: list[tuple[Any, ...]], title: str) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet("采集表")
    sheet.write_row(0, 0, [title])  # a title row above the header, as offices send it
    sheet.write_row(1, 0, HEADERS)
    for line, row in enumerate(rows, start=2):
        sheet.write_number(line, 0, row[0])
        for col, value in enumerate(row[1:], start=1):
            if value != "":
                sheet.write_string(line, col, value)
    book.close()
    return buffer.getvalue()


# --- the peer ---

PEER_COMPUTED = (
    "id_number_encrypted",
    "id_number_index",
    "id_tail_index",
    "birth_month",
    "sex",
    "phone_encrypted",
    "phone_index",
    "phone_masked",
    "region_code",
    "relation_to_head",
    "education",
    "ethnicity",
    "created_by_id",
)


def peer_resource(actor: Any, village: str) -> Any:
    """django-import-export as a developer would set it up for this file (see the report's paragraph)."""
    from import_export import fields, resources

    from openpes.core.identifiers import parse_id_number, parse_phone
    from openpes.employment.models import EmploymentProfile
    from openpes.employment.survey import vocabulary as words
    from openpes.employment.survey.values import parse_income, parse_month
    from openpes.people.models import Person
    from openpes.people.services import CleanPerson, identity_columns

    column_of = {"name": "姓名", "address": "现居住地址", **{c: c for c in PEER_COMPUTED}}

    class PeerResource(resources.ModelResource):
        def __init__(self) -> None:
            super().__init__()
            for attribute, column in column_of.items():
                self.fields[attribute] = fields.Field(attribute=attribute, column_name=column)

        class Meta:
            model = Person
            fields = tuple(column_of)
            import_id_fields = ("id_number_index",)
            skip_unchanged = True
            report_skipped = False

        def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
            clean = CleanPerson()
            clean.id_number = parse_id_number(str(row["公民身份号码"]), today=TODAY)
            clean.phone = parse_phone(str(row["联系电话"])) if row["联系电话"] else None
            row.update(
                {
                    "id_number_encrypted": "",
                    "phone_encrypted": "",
                    "phone_index": "",
                    "phone_masked": "",
                    **identity_columns(clean),
                    "region_code": village,
                    "relation_to_head": words.RELATION.lookup(row["与户主关系"]),
                    "education": words.EDUCATION.lookup(row["文化程度"]),
                    "ethnicity": words.ETHNICITY.lookup(row["民族"]),
                    "created_by_id": actor.pk,
                }
            )
            status, form = words.LABOUR_STATUS.lookup(row["就业状态"]) or ("", None)
            if row["就业形式"]:
                form = words.EMPLOYMENT_FORM.lookup(row["就业形式"])
            row["_profile"] = {
                "labour_status": status,
                "employment_form": form or "",
                "work_place": row["就业地点"],
                "employer_name": row["就业单位"],
                "monthly_income": parse_income(row["月收入"]),
                "unemployment_reason": words.UNEMPLOYMENT_REASON.lookup(row["失业原因"]) or "",
                "unemployed_since": parse_month(row["失业时间"]),
                "surveyed_on": TODAY,
            }

        def after_save_instance(self, instance: Any, row: dict[str, Any], **kwargs: Any) -> None:
            EmploymentProfile.objects.update_or_create(person_id=instance.pk, defaults=row["_profile"])

    return PeerResource()


# --- worker: runs inside the database's own environment -------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class PhaseClock:
    """Times the services' own steps (wall and CPU, with the PostgreSQL backend's) by wrapping them where
    the import module looks them up. A step timed inside another (the derived records of new households,
    decided inside the write) counts for itself only: its time is taken off the step around it."""

    def __init__(self, module: Any, connection: Any) -> None:
        self.module = module
        self.meters = {label: Meter(connection) for label in PHASE_LABELS}
        self._originals: dict[str, Callable[..., Any]] = {}
        self._running: list[Meter] = []

    def __enter__(self) -> PhaseClock:
        for label, name in PHASES:
            original = getattr(self.module, name)
            self._originals[name] = original
            setattr(self.module, name, self._timed(self.meters[label], original))
        return self

    def _timed(self, meter: Meter, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            outer = self._running[-1] if self._running else None
            before = (meter.wall, meter.client, meter.server)
            self._running.append(meter)
            try:
                with meter:
                    return function(*args, **kwargs)
            finally:
                self._running.pop()
                if outer is not None and outer is not meter:
                    outer.wall -= meter.wall - before[0]
                    outer.client -= meter.client - before[1]
                    outer.server -= meter.server - before[2]

        return timed

    def __exit__(self, *exc: object) -> None:
        for name, original in self._originals.items():
            setattr(self.module, name, original)

    def report(self, rows: int) -> dict[str, dict[str, float]]:
        return {
            label: {"seconds": m.wall, "cpu_us": (m.client + m.server) / rows * 1e6}
            for label, m in self.meters.items()
        }


def empty_registry(connection: Any) -> None:
    """Remove what the import wrote (persons, households and their employment records), so that the peer
    starts from the registry ours started from."""
    from django.db import transaction

    from openpes.employment import models as employment
    from openpes.people.models import Household, Person

    tables = [
        m._meta.db_table
        for m in (
            employment.KeyGroupMembership,
            employment.ZeroEmploymentHousehold,
            employment.StatusEvent,
            employment.EmploymentProfile,
            Person,
            Household,
        )
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(tables) + " CASCADE")  # and the empty tables that refer
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


def worker(args: argparse.Namespace) -> None:
    import django

    django.setup()

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from python_calamine import CalamineWorkbook

    from openpes.accounts import services as accounts
    from openpes.accounts.roles import Role
    from openpes.core.uploads import ImportStatus
    from openpes.demo.generator import CountyGenerator
    from openpes.employment.models import (
        EmploymentProfile,
        KeyGroupMembership,
        ZeroEmploymentHousehold,
    )
    from openpes.employment.services import survey_import as importing
    from openpes.people.models import Household, Person
    from openpes.regions import services as regions
    from openpes.regions.models import Region, RegionLevel

    vendor = connection.vendor
    state = {"load_start": os.getloadavg()[0], "speed_start_us": speed_check()}
    log(f"{vendor}: migrate")
    call_command("migrate", verbosity=0)
    regions.load_national(prefix=COUNTY[:6])
    village = (
        Region.objects.in_prefix(COUNTY[:6])
        .filter(level=RegionLevel.VILLAGE, retired=False)
        .order_by("code")
        .first()
    )
    assert village is not None
    broker = accounts.staff_create(
        actor=None,
        username="bench_broker",
        full_name="村级劳务经纪人",
        password="",
        password_hash=make_password(None),
        jurisdiction_code=village.code,
        roles=[Role.VILLAGE_BROKER],
    )

    log(f"{vendor}: writing a workbook of {args.rows:,} rows for {village.name} ({village.code})")
    generator = CountyGenerator(
        county_code=COUNTY, villages=[(village.code, village.name)], seed=args.seed, today=TODAY
    )
    rows = list(survey_rows(generator, args.rows, village.name, args.seed))
    content = write_workbook(rows, f"{village.name}劳动力实名制数据采集表")
    statuses: dict[str, int] = {}
    for row in rows:
        statuses[row[10]] = statuses.get(row[10], 0) + 1
    shares = ", ".join(
        f"{word} {count / len(rows):.1%}" for word, count in sorted(statuses.items(), key=lambda x: -x[1])
    )

    start = time.perf_counter()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    floor_s = time.perf_counter() - start
    assert len(sheet) == args.rows + 2

    def import_once(path: str, profile_path: str = "") -> tuple[Any, Meter, dict[str, Any], float, float]:
        """One import of the file through the services. `path` "cli": as `openpes import survey` runs it,
        the file read once (survey_preview, then survey_check and survey_import given what it read);
        "page": as the upload page runs it, survey_check at upload, then survey_import later from the kept
        (encrypted) file, which it reads and cleans again."""
        profiler = None
        if profile_path:
            import cProfile

            profiler = cProfile.Profile()
        meter = Meter(connection)
        with PhaseClock(importing, connection) as clock, meter:
            if profiler:
                profiler.enable()
            t0 = time.perf_counter()
            if path == "cli":
                preview = importing.survey_preview(
                    actor=broker, region_code=village.code, filename=FILENAME, content=content
                )
                record = importing.survey_check(
                    actor=broker,
                    region_code=village.code,
                    filename=FILENAME,
                    content=content,
                    preview=preview,
                )
                t1 = time.perf_counter()
                importing.survey_import(
                    actor=broker, record=record, progress=lambda done: None, preview=preview, overlap=True
                )
            else:
                record = importing.survey_check(
                    actor=broker, region_code=village.code, filename=FILENAME, content=content
                )
                t1 = time.perf_counter()
                importing.survey_import(actor=broker, record=record)  # progress on the record, as the worker
            t2 = time.perf_counter()
            if profiler:
                profiler.disable()
        if profiler:
            profiler.dump_stats(profile_path)
        assert record.status == ImportStatus.DONE, (record.status, record.message, record.problems[:5])
        assert record.problem_rows == 0, record.problems[:5]
        return record, meter, clock.report(args.rows), t1 - t0, t2 - t1

    def figures(record: Any, meter: Meter, phases: dict[str, Any], check_s: float, import_s: float) -> dict:
        total_s = check_s + import_s
        return {
            "rows": args.rows,
            "created": record.created,
            "check_s": check_s,
            "import_s": import_s,
            "total_s": total_s,
            "rows_per_s": args.rows / total_s,
            "cpu_us": (meter.client + meter.server) / args.rows * 1e6,
            "phases": phases,
            "rest_s": total_s - sum(p["seconds"] for p in phases.values()),
        }

    log(f"{vendor}: importing (one read, as the CLI)")
    record, meter, phases, check_s, import_s = import_once("cli", args.profile)
    assert record.created == args.rows, (record.created, args.rows)
    ours = figures(record, meter, phases, check_s, import_s)
    households = Household.objects.count()
    zero = ZeroEmploymentHousehold.objects.filter(cleared_on__isnull=True).count()
    groups = KeyGroupMembership.objects.filter(ended_on__isnull=True).count()
    assert Person.objects.count() == args.rows and EmploymentProfile.objects.count() == args.rows
    log(f"{vendor}: {ours['rows_per_s']:,.0f} rows/s ({check_s:.1f} s check, {import_s:.1f} s import)")

    log(f"{vendor}: importing the same file again")
    again, again_meter, _, again_check, again_import = import_once("cli")
    assert (again.created, again.updated, again.unchanged) == (0, 0, args.rows), (
        again.created,
        again.updated,
        again.unchanged,
    )
    assert Person.objects.count() == args.rows and Household.objects.count() == households

    empty_registry(connection)
    log(f"{vendor}: importing (check at upload, import later from the kept file, as the page)")
    page_record, page_meter, page_phases, page_check, page_import = import_once("page")
    assert page_record.created == args.rows, (page_record.created, args.rows)
    page = figures(page_record, page_meter, page_phases, page_check, page_import)
    assert Household.objects.count() == households
    assert ZeroEmploymentHousehold.objects.filter(cleared_on__isnull=True).count() == zero
    assert KeyGroupMembership.objects.filter(ended_on__isnull=True).count() == groups
    log(
        f"{vendor}: page path {page['rows_per_s']:,.0f} rows/s ({page_check:.1f} s check, {page_import:.1f} s import)"
    )

    peer: dict[str, Any] | None = None
    if not args.no_peer:
        import import_export
        import tablib

        empty_registry(connection)
        log(f"{vendor}: the peer, django-import-export")
        peer_meter = Meter(connection)
        with peer_meter:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
            # the columns before_import_row fills in must be in the headers: import-export checks them first
            computed = [c for c in PEER_COMPUTED if c not in sheet[1]]
            blanks = [""] * len(computed)
            dataset = tablib.Dataset(
                *[[str(v) for v in r] + blanks for r in sheet[2:]],
                headers=[str(h) for h in sheet[1]] + computed,
            )
            result = peer_resource(broker, village.code).import_data(
                dataset, dry_run=False, raise_errors=True
            )
        assert not result.has_errors() and not result.has_validation_errors()
        created = Person.objects.count()
        assert created == args.rows and EmploymentProfile.objects.count() == args.rows
        peer = {
            "version": import_export.__version__,
            "seconds": peer_meter.wall,
            "rows_per_s": args.rows / peer_meter.wall,
            "cpu_us": (peer_meter.client + peer_meter.server) / args.rows * 1e6,
            "created": created,
        }
        log(f"{vendor}: peer {peer['rows_per_s']:,.0f} rows/s")

    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SELECT current_setting('server_version')")
            (version,) = cursor.fetchone()
        else:
            import sqlite3

            version = sqlite3.sqlite_version
    state.update(load_end=os.getloadavg()[0], speed_end_us=speed_check())
    result_doc = {
        "state": state,
        "database": "PostgreSQL" if vendor == "postgresql" else "SQLite",
        "database_version": version,
        "file": {"rows": args.rows, "households": households, "bytes": len(content), "shares": shares},
        "floor_s": floor_s,
        "ours": ours,
        "page": page,
        "again": {
            "total_s": again_check + again_import,
            "unchanged": again.unchanged,
            "cpu_us": (again_meter.client + again_meter.server) / args.rows * 1e6,
        },
        "derived": f"{zero:,} zero-employment households and {groups:,} key-group memberships derived",
        "peer": peer,
    }
    Path(args.result).write_text(json.dumps(result_doc, indent=1))
    log(f"{vendor}: done")


if __name__ == "__main__":
    main()
