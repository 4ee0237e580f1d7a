"""The job search index (openpes.vacancies.search.engine): an FTS5 table on SQLite, a tsvector table with
a GIN index on PostgreSQL. Raw SQL because neither is a Django model; vacancies published before it existed
are indexed by `openpes.vacancies.search.rebuild()`."""

from typing import Any

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS vacancies_search_fts USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 0')"
)
POSTGRES_CREATE = (
    "CREATE TABLE IF NOT EXISTS vacancies_search_document ("
    "vacancy_id bigint PRIMARY KEY REFERENCES vacancies_vacancy (id) ON DELETE CASCADE DEFERRABLE "
    "INITIALLY DEFERRED, document tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS vacancies_search_document_gin ON vacancies_search_document USING gin (document)",
)


def create(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": (SQLITE_CREATE,), "postgresql": POSTGRES_CREATE}.get(vendor, ())
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    table = {"sqlite": "vacancies_search_fts", "postgresql": "vacancies_search_document"}.get(vendor)
    if table:
        schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [("vacancies", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
