#!/usr/bin/env bash
# The benchmark on a throwaway PostgreSQL cluster (loopback, free port, removed on exit), the way
# scripts/test.sh starts one. Arguments go to bench/run.py, e.g.: bash bench/run-postgres.sh --scale small
set -euo pipefail
cd "$(dirname "$0")/.."
# Durable settings (fsync on), as production would run; only the socket and port are throwaway.
PG_SERVER_OPTIONS="-c shared_buffers=512MB -c max_wal_size=4GB"
source scripts/pg-throwaway.sh
.venv/bin/python bench/run.py --database-url "$PG_URL" "$@"
