#!/usr/bin/env bash
# Installs the Delta Lake readers the lake sink's tests use (nobody here wrote them): Python's
# `deltalake` (delta-rs) and DuckDB with its delta extension from PyPI (`INSTALL delta` cannot
# download here), into ${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}/lake-venv. Idempotent: a venv
# whose marker matches the pinned versions is kept. Prints the venv's python path on stdout.
set -euo pipefail
CACHE="${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}"
VENV="$CACHE/lake-venv"
PINS="deltalake==1.6.6 pyarrow==26.0.1 duckdb==1.4.4 duckdb-ext[delta]==0.1.2 duckdb-ext-delta==1.4.4.20260205 pytz"
MARKER="$VENV/.iot-pins"
if [[ -x "$VENV/bin/python" && -f "$MARKER" && "$(cat "$MARKER")" == "$PINS" ]]; then
  echo "lake readers already installed in $VENV (skipped)" >&2
else
  mkdir -p "$CACHE"
  python3 -m venv "$VENV"
  # shellcheck disable=SC2086 # PINS is a list of requirement specifiers
  "$VENV/bin/pip" install --quiet --disable-pip-version-check $PINS >&2
  echo "$PINS" >"$MARKER"
  echo "lake readers installed in $VENV" >&2
fi
echo "$VENV/bin/python"
