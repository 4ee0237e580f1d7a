"""Database-level protection of the audit tables: no UPDATE ever, no DELETE of rows younger than 180 days.

The application already refuses such writes; these triggers make a raw query or a bug refuse too. 180 days
is the floor of 等保 2.0 (six months); a longer OPENPES_AUDIT_RETENTION_DAYS is enforced by purge()."""

from django.db import migrations

TABLES = ("audit_changelog", "audit_accesslog")
DAYS = 180


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_young_delete BEFORE DELETE ON {table} "
                f"WHEN OLD.at > strftime('%Y-%m-%d %H:%M:%f', 'now', '-{DAYS} days') "
                f"BEGIN SELECT RAISE(ABORT, 'audit rows younger than {DAYS} days cannot be deleted'); END;"
            )
        elif vendor == "postgresql":
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


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_young_delete;")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_guard ON {table};")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_guard();")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
