#!/usr/bin/env bash
# Install everything and run the whole suite twice: on SQLite, then on a throwaway PostgreSQL cluster
# started on a free loopback port (stopped on exit). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
# The live server of the browser tests must not keep connections open past the test (PostgreSQL would
# refuse to drop the test database).
export LIANGHUA_CONN_MAX_AGE=0
# Chromium was installed above: the browser test must run, not skip.
export LIANGHUA_REQUIRE_BROWSER=1
export LIANGHUA_VAR_DIR="${LIANGHUA_VAR_DIR:-$(mktemp -d /tmp/lianghua-test-var.XXXXXX)}"

echo "== ruff"
.venv/bin/ruff check src tests bench
echo "== import-linter (the floors: no import runs back up a layer)"
.venv/bin/lint-imports --no-cache
echo "== mypy --strict (rulebook, progress, records, decomposition, import pipeline)"
.venv/bin/mypy

# The suite on both cores; the browser tests after it, in one process, since their live server flushes
# the database between tests.
run_suite() {
  .venv/bin/pytest -n 2 -m "not browser" "$@"
  .venv/bin/pytest -m browser "$@" || { rc=$?; [ "$rc" = 5 ] || return "$rc"; }  # 5: "$@" selected none
}

echo "== pytest on SQLite"
(unset DATABASE_URL; run_suite "$@")

echo "== pytest on PostgreSQL"
PG_SERVER_OPTIONS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
source scripts/pg-throwaway.sh
export DATABASE_URL="$PG_URL"
run_suite "$@"
