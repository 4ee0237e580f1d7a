"""The data directory holds the keys (demo mode) and the SQLite database: readable by its owner only. The
files are made by separate processes, as users make them, under a permissive umask (022) so that only our
own care can make them private."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

OPENPES = Path(sys.executable).with_name("openpes")

WRITE_AND_SHOW_MODES = """
import os, sys
os.umask(0o022)
from openpes.cli import setup_django
setup_django(sys.argv[1])
from django.contrib.sessions.backends.db import SessionStore
session = SessionStore()
session["probe"] = 1
session.save()  # a write, so the WAL holds something while the connection stays open
data = sys.argv[1]
for name in ("openpes.sqlite3", "openpes.sqlite3-wal", "openpes.sqlite3-shm"):
    print(name, oct(os.stat(os.path.join(data, name)).st_mode & 0o777))
"""


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPES_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own console script and interpreter
        list(args),
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        umask=0o022,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes_while_open(data_dir: Path) -> dict[str, str]:
    result = run(sys.executable, "-c", WRITE_AND_SHOW_MODES, str(data_dir))
    assert result.returncode == 0, result.stderr
    return dict(line.split() for line in result.stdout.splitlines())


def test_migrate_into_a_fresh_data_dir_makes_it_and_the_database_owner_only(tmp_path):
    data_dir = tmp_path / "fresh" / "var"
    result = run(str(OPENPES), "--data-dir", str(data_dir), "migrate")
    assert result.returncode == 0, result.stderr
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "openpes.sqlite3") == 0o600
    for key in ("secret_key", "field_keys", "index_key"):
        assert mode(data_dir / key) == 0o600
    assert modes_while_open(data_dir) == {
        "openpes.sqlite3": "0o600",
        "openpes.sqlite3-wal": "0o600",
        "openpes.sqlite3-shm": "0o600",
    }


def test_an_existing_database_readable_by_others_is_made_owner_only(tmp_path):
    data_dir = tmp_path / "var"
    assert run(str(OPENPES), "--data-dir", str(data_dir), "migrate").returncode == 0
    data_dir.chmod(0o755)
    (data_dir / "openpes.sqlite3").chmod(0o644)
    assert set(modes_while_open(data_dir).values()) == {"0o600"}
    result = run(str(OPENPES), "--data-dir", str(data_dir), "check")
    assert result.returncode == 0, result.stderr
    assert mode(data_dir) == 0o700
