"""The data directory and the SQLite database are readable by their owner only, like the key files kept
beside them in demo mode: the database holds personal data (encrypted fields, but names, addresses and the
audit trail in plain text), and a copy readable by every local account is a copy of the registry.

Two guards, because the file is opened by more than the `openpes` command (tests, any WSGI server):
`prepare_sqlite_file` makes the directory (0700) and an empty database file (0600) before Django opens it,
and `restrict_sqlite_files` (on every new connection) tightens the database, its WAL and its shared-memory
file, which also fixes the modes of a database made before this rule. SQLite gives the WAL and shared-memory
files the mode of the database file, so a private database keeps them private from the start.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings

OWNER_ONLY_FILE = 0o600
OWNER_ONLY_DIR = 0o700
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def owner_only(path: Path, mode: int) -> None:
    """Take away group and other access from `path`, if it exists and has any."""
    try:
        current = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if current & 0o077:
        path.chmod(mode)


def sqlite_file(database: Mapping[str, Any]) -> Path | None:
    """The file of an SQLite database setting, None for another engine or an in-memory database."""
    name = str(database.get("NAME") or "")
    if not database.get("ENGINE", "").endswith("sqlite3") or not name or name == ":memory:":
        return None
    if name.startswith("file:") or "mode=memory" in name:
        return None
    return Path(name)


def prepare_data_dir() -> None:
    """Before the first connection: the data directory (0700) and, for SQLite, an empty database file
    made 0600 (an empty file is a valid empty database), so that no other mode is ever on disk."""
    data_dir = Path(settings.DATA_DIR)
    path = sqlite_file(settings.DATABASES["default"])
    if path is not None:
        path.parent.mkdir(mode=OWNER_ONLY_DIR, parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, OWNER_ONLY_FILE))
    owner_only(data_dir, OWNER_ONLY_DIR)
    if path is not None:
        owner_only(path.parent, OWNER_ONLY_DIR)


def restrict_sqlite_files(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created receiver: the database file and its companions are owner-only."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    path = sqlite_file(connection.settings_dict)
    if path is None:
        return
    for suffix in SQLITE_COMPANIONS:
        owner_only(path.with_name(path.name + suffix), OWNER_ONLY_FILE)
