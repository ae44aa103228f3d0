#!/usr/bin/env bash
# Install everything and run the whole suite twice: on SQLite, then on a throwaway PostgreSQL cluster
# started on a free loopback port (stopped on exit). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
# The live server of the browser tests must not keep connections open past the test (PostgreSQL would
# refuse to drop the test database).
export LIANGHUA_CONN_MAX_AGE=0
export LIANGHUA_VAR_DIR="${LIANGHUA_VAR_DIR:-$(mktemp -d /tmp/lianghua-test-var.XXXXXX)}"

echo "== ruff"
.venv/bin/ruff check src tests bench
echo "== mypy --strict (pure computations)"
.venv/bin/mypy

# The suite on both cores; the browser tests after it, in one process, since their live server flushes
# the database between tests.
run_suite() {
  .venv/bin/pytest -n 2 -m "not browser" "$@"
  .venv/bin/pytest -m browser "$@" || { rc=$?; [ "$rc" = 5 ] || return "$rc"; }
}

echo "== pytest on SQLite"
(unset DATABASE_URL; run_suite "$@")

echo "== pytest on PostgreSQL"
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_DIR=$(mktemp -d /tmp/lianghua-pg.XXXXXX)
PG_PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# PostgreSQL refuses to run as root: the cluster belongs to the postgres user when we are root.
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PG_DIR" postgres
  chown postgres "$PG_DIR"
  AS_PG=(runuser -u postgres --)
else
  AS_PG=()
fi
stop_pg() { "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
trap stop_pg EXIT
"${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U lianghua --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
export DATABASE_URL="postgres://lianghua@127.0.0.1:$PG_PORT/postgres"
run_suite "$@"
