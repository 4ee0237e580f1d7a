#!/usr/bin/env bash
# The whole test suite: lint, types and the app order, then pytest on SQLite and on PostgreSQL (when the
# server answers). docs/architecture.md ("What the machine checks") says what each step enforces.
# Run from the repository root through uv: `uv run --frozen scripts/test.sh` (README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL="${OPENPES_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
export OPENPES_DATA_DIR="${OPENPES_DATA_DIR:-$(mktemp -d)}"

echo "== ruff"
ruff check .
ruff format --check .

echo "== mypy"
mypy src

echo "== import-linter (app order, pyproject.toml [tool.importlinter])"
lint-imports

echo "== pytest on SQLite"
pytest -q -n 2 "$@"

if python - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable ({exc.__class__.__name__}): skipping the PostgreSQL run")
    sys.exit(1)
PY
then
  echo "== pytest on PostgreSQL"
  OPENPES_DATABASE_URL="$PG_URL" pytest -q -n 2 "$@"
elif [ -n "${CI:-}" ]; then
  echo "PostgreSQL is required in CI" >&2
  exit 1
fi
