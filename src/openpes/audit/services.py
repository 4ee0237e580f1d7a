"""Writers of the audit tables. Every service that changes data calls one of these inside its transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from openpes.audit.models import AccessLog, ChangeLog, LoginLog
from openpes.core import bulk, context


class Actor(Protocol):
    pk: Any

    def get_username(self) -> str: ...


def _who(actor: Actor | None) -> dict[str, Any]:
    ctx = context.current()
    return {
        "actor": actor if actor is not None and actor.pk else None,
        "actor_name": actor.get_username() if actor is not None else "system",
        "channel": ctx.channel,
        "ip_address": ctx.ip_address,
    }


def target_label(target: models.Model | type[models.Model]) -> str:
    return target._meta.label_lower


def record_change(
    *,
    actor: Actor | None,
    action: str,
    target: models.Model,
    changes: Mapping[str, Any] | None = None,
    region_code: str = "",
    summary: str = "",
) -> ChangeLog:
    return ChangeLog.objects.create(
        **_who(actor),
        action=action,
        target_type=target_label(target),
        target_id=str(target.pk),
        region_code=region_code,
        changes=dict(changes or {}),
        summary=summary[:200],
    )


def record_bulk_change(
    *,
    actor: Actor | None,
    action: str,
    model: type[models.Model],
    ids: list[Any],
    changes: Mapping[str, Any] | None = None,
    region_code: str = "",
    summary: str = "",
) -> None:
    """One row for a bulk write, listing the ids it touched (a bulk load of a million rows is one entry
    per batch, not a million entries). Written as a plain row (`bulk.insert_rows`), so that beside rows
    written behind (`bulk.write_behind`) it goes behind too, in order, instead of waiting for them: the
    bulk services write it before or after their rows as they please."""
    who = _who(actor)
    acting = who.pop("actor")
    bulk.insert_rows(
        ChangeLog,
        [
            {
                **bulk.new_row(ChangeLog),
                **who,
                "actor_id": acting.pk if acting is not None else None,
                "action": action,
                "target_type": target_label(model),
                "target_id": "",
                "region_code": region_code,
                "changes": {"ids": [str(i) for i in ids], **dict(changes or {})},
                "row_count": len(ids),
                "summary": summary[:200],
            }
        ],
    )


def record_access(
    *, actor: Actor, target: models.Model, field: str, reason: str, region_code: str = ""
) -> AccessLog:
    ctx = context.current()
    return AccessLog.objects.create(
        **_who(actor),
        user_agent=ctx.user_agent,
        target_type=target_label(target),
        target_id=str(target.pk),
        field=field,
        reason=reason[:200],
        region_code=region_code,
    )


def record_login(
    *,
    username: str,
    outcome: str,
    ip_address: str,
    user_agent: str = "",
    staff: Actor | None = None,
    region_code: str = "",
) -> LoginLog:
    """One sign-in attempt. Written outside the caller's transaction on purpose: a failed attempt must stay
    recorded even if the page that saw it fails afterwards."""
    return LoginLog.objects.create(
        username=username[:150],
        staff_id=staff.pk if staff is not None and staff.pk else None,
        ip_address=ip_address[:45],
        user_agent=user_agent[:300],
        outcome=outcome,
        region_code=region_code,
    )


LOOKUP_FIELD = "lookup"  # AccessLog.field of an answer to "is this number registered here?"
EXPORT_FIELD = "export"  # AccessLog.field of a list taken away as a file, not of one revealed value


def _record_list_access(
    *, actor: Actor, model: type[models.Model], field: str, reason: str, region_code: str
) -> AccessLog:
    """An access-log row about personal data of no single record (a file taken, a lookup answered)."""
    return AccessLog.objects.create(
        **_who(actor),
        user_agent=context.current().user_agent,
        target_type=target_label(model),
        target_id="",
        field=field,
        reason=reason[:200],
        region_code=region_code,
    )


def record_lookup(
    *, actor: Actor, model: type[models.Model], reason: str, region_code: str = ""
) -> AccessLog:
    """A search by a whole identifier. It answers "is this the number of someone here?", which a masked ID
    number and an age narrow to a few dozen guesses: each answer is logged like a reveal."""
    return _record_list_access(
        actor=actor, model=model, field=LOOKUP_FIELD, reason=reason, region_code=region_code
    )


def record_export(
    *, actor: Actor, model: type[models.Model], rows: int, description: str, region_code: str = ""
) -> AccessLog:
    """A list of personal data (masked) leaving the system as a file: who, when, from where, how many rows
    and which filter; kept with the reveals, since both are personal data in someone's hands."""
    return _record_list_access(
        actor=actor,
        model=model,
        field=EXPORT_FIELD,
        reason=f"导出 {rows} 条；{description}",
        region_code=region_code,
    )


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def retention_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)


def purge(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete audit rows older than the retention period (at least 180 days); younger rows stay, and the
    database triggers refuse to delete them even if asked."""
    cutoff = retention_cutoff(now)
    removed: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (ChangeLog, AccessLog, LoginLog):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE at < %s", [cutoff])  # noqa: S608 - table names are ours
            removed[model._meta.label_lower] = cursor.rowcount
    return removed
