#!/usr/bin/env bash
# Install the project into .venv (Python 3.11; python3-venv from apt when Debian's python3 lacks it).
# With --test, also the system packages the suite needs: PostgreSQL (a throwaway cluster per run),
# Debian's Chromium (browser tests) and CJK fonts.
set -euo pipefail
cd "$(dirname "$0")/.."
apt_install() {
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
need=()
# Debian's python3 comes without venv's pip bootstrap (package python3-venv).
if [ ! -x .venv/bin/python ]; then
  python3 -c "import ensurepip, venv" >/dev/null 2>&1 || need+=(python3-venv)
fi
# WeasyPrint (bulletins as PDF) lays text out with Pango; the bulletins are set in Noto Sans CJK.
ldconfig -p 2>/dev/null | grep "libpangoft2-1.0.so.0" >/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
if [ "${1:-}" = "--test" ]; then
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)  # the tests read the PDFs back
  command -v /usr/bin/chromium >/dev/null 2>&1 || need+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  apt_install "${need[@]}"
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# Hide pip's notes about local mirror folders that a machine's pip.conf may name but not hold.
quiet_pip() { .venv/bin/python -m pip "$@" 2>&1 | { grep -v "is neither a file nor a directory" || true; }; }
quiet_pip install -q --upgrade pip >/dev/null
quiet_pip install -q -e ".[dev]"
