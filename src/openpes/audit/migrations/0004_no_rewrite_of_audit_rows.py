"""Close every SQL path that could rewrite an audit row, for all three audit tables.

0002 refuses UPDATE and the DELETE of young rows. On SQLite that left a hole: `REPLACE INTO` (and
`INSERT OR REPLACE`) removes the row whose id it takes without firing DELETE triggers, because SQLite
fires them on conflict resolution only when `PRAGMA recursive_triggers` is on, a setting of each connection
that any other client (the sqlite3 shell) leaves off. A BEFORE INSERT trigger that refuses an id already in
the table is part of the schema instead: it runs before conflict resolution, so it stops REPLACE, INSERT OR
REPLACE and `INSERT … ON CONFLICT DO UPDATE` whoever connects. On PostgreSQL an upsert or MERGE that
touches an existing row fires the UPDATE/DELETE row triggers of 0002, which already refuse it; the new
sign-in log gets the guards of 0002 here."""

from django.db import migrations

OLD_TABLES = ("audit_changelog", "audit_accesslog")
NEW_TABLE = "audit_loginlog"
DAYS = 180


def _sqlite_update_delete_guards(schema_editor, table):  # type: ignore[no-untyped-def]
    schema_editor.execute(
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
    )
    schema_editor.execute(
        f"CREATE TRIGGER {table}_no_young_delete BEFORE DELETE ON {table} "
        f"WHEN OLD.at > strftime('%Y-%m-%d %H:%M:%f', 'now', '-{DAYS} days') "
        f"BEGIN SELECT RAISE(ABORT, 'audit rows younger than {DAYS} days cannot be deleted'); END;"
    )


def _postgresql_guards(schema_editor, table):  # type: ignore[no-untyped-def]
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {table}_guard() RETURNS trigger AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'TRUNCATE') THEN
                RAISE EXCEPTION 'audit rows are append-only';
            END IF;
            IF OLD.at > now() - interval '{DAYS} days' THEN
                RAISE EXCEPTION 'audit rows younger than {DAYS} days cannot be deleted';
            END IF;
            RETURN OLD;
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER {table}_guard BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_guard();
        CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {table}_guard();
        """
    )


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _sqlite_update_delete_guards(schema_editor, NEW_TABLE)
        for table in (*OLD_TABLES, NEW_TABLE):
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "  # noqa: S608 - our table names
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
                f"BEGIN SELECT RAISE(ABORT, 'audit rows are append-only: this id is taken'); END;"
            )
    elif vendor == "postgresql":
        _postgresql_guards(schema_editor, NEW_TABLE)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in (*OLD_TABLES, NEW_TABLE):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace;")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NEW_TABLE}_no_update;")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NEW_TABLE}_no_young_delete;")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NEW_TABLE}_guard ON {NEW_TABLE};")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NEW_TABLE}_no_truncate ON {NEW_TABLE};")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {NEW_TABLE}_guard();")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_loginlog")]
    operations = [migrations.RunPython(create, drop)]
