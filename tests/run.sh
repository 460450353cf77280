#!/usr/bin/env bash
# Sets up everything the test suite needs on a fresh Debian/Ubuntu machine, then runs it.
# Idempotent: system packages are installed only when missing, the venv is reused.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v Xvfb >/dev/null 2>&1 || need_apt+=(xvfb)
# Libraries the PyQt6 wheels load even on the offscreen platform.
for lib in libEGL.so.1 libxkbcommon.so.0 libfontconfig.so.1 libdbus-1.so.3 libGL.so.1; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || { need_apt+=(libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libgl1); break; }
done
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# PostgreSQL for the server tests (they also run on SQLite): Debian's package, a cluster of
# our own on 127.0.0.1 (never the system's), started once and reused by later runs.
if [ -z "${MOTCUA_TEST_PG_URL:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    PG_DIR=${MOTCUA_PG_DIR:-/var/tmp/motcua-pg}
    PG_PORT=${MOTCUA_PG_PORT:-54329}
    as_postgres() { runuser -u postgres -- "$@"; }
    if [ ! -s "$PG_DIR/PG_VERSION" ]; then
      mkdir -p "$PG_DIR" && chown postgres:postgres "$PG_DIR" && chmod 700 "$PG_DIR"
      as_postgres "$PG_BIN/initdb" -D "$PG_DIR" -U postgres -A trust --encoding=UTF8 \
        --no-locale >/dev/null
    fi
    if ! as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
      as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c max_connections=200" \
        start >/dev/null
    fi
    pg_sql() { as_postgres "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
      -tAc "$1"; }
    [ "$(pg_sql "SELECT 1 FROM pg_database WHERE datname = 'motcua_test'")" = 1 ] \
      || pg_sql "CREATE DATABASE motcua_test" >/dev/null
    export MOTCUA_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/motcua_test"
  else
    echo "run.sh: PostgreSQL server tests will be skipped (needs root and apt-get to install" \
      "and start PostgreSQL; or set MOTCUA_TEST_PG_URL)" >&2
  fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
