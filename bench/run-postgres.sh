#!/usr/bin/env bash
# The benchmark on a throwaway PostgreSQL cluster (loopback, free port, removed on exit), the way
# scripts/test.sh starts one. Arguments go to bench/run.py, e.g.: bash bench/run-postgres.sh --scale small
set -euo pipefail
cd "$(dirname "$0")/.."
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_DIR=$(mktemp -d /tmp/lianghua-bench-pg.XXXXXX)
PG_PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# PostgreSQL refuses to run as root: the cluster belongs to the postgres user when we are root.
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PG_DIR" postgres
  chown postgres "$PG_DIR"
  AS_PG=(runuser -u postgres --)
else
  AS_PG=()
fi
stop_pg() { "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
trap stop_pg EXIT
"${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U lianghua --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# Durable settings (fsync on), as production would run; only the socket and port are throwaway.
"${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c shared_buffers=512MB -c max_wal_size=4GB" start >/dev/null
.venv/bin/python bench/run.py --database-url "postgres://lianghua@127.0.0.1:$PG_PORT/postgres" "$@"
