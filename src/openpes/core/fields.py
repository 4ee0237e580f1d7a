"""Model fields of our own."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class BlindIndexField(models.CharField):
    """The hex digits of a keyed hash (core.crypto blind_index): only ever matched exactly, so PostgreSQL
    compares them byte by byte (the "C" collation) instead of by the database's linguistic collation, which
    under zh_CN.UTF-8 costs a strcoll() at every step down the index. SQLite compares bytes already."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
