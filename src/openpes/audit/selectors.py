"""Reads of the audit tables, scoped to the auditor's jurisdiction; the tables themselves are append-only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from openpes.audit.models import AccessLog, ChangeLog, LoginLog
from openpes.core.jurisdiction import HasJurisdiction


@dataclass(frozen=True)
class LogFilters:
    date_from: dt.date | None = None  # first day shown (Asia/Shanghai)
    date_to: dt.date | None = None  # last day shown, inclusive
    actor: str = ""  # login name, or part of one


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _filtered(rows: QuerySet[Any], filters: LogFilters) -> QuerySet[Any]:
    if filters.date_from:
        rows = rows.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        rows = rows.filter(at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    if filters.actor:
        rows = rows.filter(actor_name__icontains=filters.actor)
    return rows


def change_log_list(*, actor: HasJurisdiction, filters: LogFilters = LogFilters()) -> QuerySet[ChangeLog]:
    return _filtered(ChangeLog.objects.within(actor), filters)


def access_log_list(*, actor: HasJurisdiction, filters: LogFilters = LogFilters()) -> QuerySet[AccessLog]:
    return _filtered(AccessLog.objects.within(actor), filters)


def login_log_list(*, actor: HasJurisdiction, filters: LogFilters = LogFilters()) -> QuerySet[LoginLog]:
    """Sign-ins of the auditor's jurisdiction, and attempts on names that belong to nobody (an attack on the
    installation, which every auditor should see)."""
    rows = LoginLog.objects.within(actor) | LoginLog.objects.filter(region_code="")
    if filters.actor:
        rows = rows.filter(username__icontains=filters.actor)
        filters = LogFilters(date_from=filters.date_from, date_to=filters.date_to)
    return _filtered(rows, filters)
