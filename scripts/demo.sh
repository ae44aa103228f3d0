#!/usr/bin/env bash
# Install everything and serve the web app with demo data on http://127.0.0.1:8000 (SQLite under var/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/lianghua serve --demo 127.0.0.1:8000
