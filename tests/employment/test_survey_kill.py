"""A survey import killed half way (the process, with SIGKILL) leaves no partial rows: the registry holds
either none of the file or all of it. Run as users run it: `openpes import survey` in a process of its own,
on its own SQLite data directory, killed at several moments after its progress has started."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.employment.test_survey_import import row, workbook
from tests.factories import make_id_number

OPENPES = Path(sys.executable).with_name("openpes")
# The command runs on its own SQLite data directory whatever the suite's database: once is enough.
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("OPENPES_DATABASE_URL")), reason="runs once, on the SQLite pass of the suite"
)
ROWS = 4_000
VILLAGE = "430527100001"


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPES_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["OPENPES_DATA_DIR"] = str(data_dir)
    return env


def _run(data_dir: Path, *args: str) -> None:
    subprocess.run([str(OPENPES), *args], env=_env(data_dir), check=True, capture_output=True, timeout=300)  # noqa: S603


def _count(data_dir: Path, sql: str) -> tuple:
    with sqlite3.connect(data_dir / "openpes.sqlite3", timeout=30) as db:
        return db.execute(sql).fetchone()


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = []
    for n in range(ROWS):
        relation = "户主" if n % 4 == 0 else "子"
        rows.append(
            row(
                n + 1,
                "测试",
                make_id_number(born=dt.date(1975, 1, 1), seq=n),
                relation,
                "失业" if n % 3 else "已就业",
            )
        )
    path = tmp_path_factory.mktemp("survey") / "大表.xlsx"
    path.write_bytes(workbook(rows))
    return path


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the county's divisions and a village broker, copied for each kill."""
    data_dir = tmp_path_factory.mktemp("prepared") / "var"
    _run(data_dir, "load-reference", "--regions", "430527")
    _run(data_dir, "createstaff", "--username", "broker", "--name", "经纪人", "--jurisdiction", VILLAGE, "--role", "village_broker", "--password", "Strong#Pass-2026")  # fmt: skip
    return data_dir


@pytest.mark.parametrize("delay", [0.0, 0.3, 0.8])
def test_a_killed_import_leaves_nothing_or_everything(
    tmp_path: Path, prepared: Path, big_file: Path, delay: float
) -> None:
    data_dir = tmp_path / "var"
    shutil.copytree(prepared, data_dir)
    process = subprocess.Popen(  # noqa: S603
        [str(OPENPES), "import", "survey", str(big_file), "--region", VILLAGE, "--as", "broker"],
        env=_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                started = _count(
                    data_dir, "SELECT count(*) FROM employment_surveyimport WHERE status = 'running'"
                )[0]
            except sqlite3.OperationalError:  # the tables are still being made
                started = 0
            if started or process.poll() is not None:
                break
            time.sleep(0.05)
        time.sleep(delay)
        finished_first = process.poll() is not None
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    persons = _count(data_dir, "SELECT count(*) FROM people_person")[0]
    profiles = _count(data_dir, "SELECT count(*) FROM employment_employmentprofile")[0]
    assert (persons, profiles) in {(0, 0), (ROWS, ROWS)}, (persons, profiles)
    if not finished_first and delay == 0.0:
        assert persons == 0  # killed while preparing: the transaction had not begun
