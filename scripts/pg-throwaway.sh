# Source this file to start a throwaway PostgreSQL cluster on a free loopback port, removed on exit.
# Sets PG_URL. Extra server settings: PG_SERVER_OPTIONS (e.g. "-c fsync=off" for tests).
# Used by scripts/test.sh (the suite) and bench/run-postgres.sh (the benchmark).
# PostgreSQL 15 (what the issue asks CI to prove, and Debian 12's package) when installed, else the newest.
if [ -d /usr/lib/postgresql/15/bin ]; then PG_BIN=/usr/lib/postgresql/15/bin
else PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); fi
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
pg_throwaway_stop() {
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap pg_throwaway_stop EXIT
"${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U lianghua --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR ${PG_SERVER_OPTIONS:-}" start >/dev/null
PG_URL="postgres://lianghua@127.0.0.1:$PG_PORT/postgres"
