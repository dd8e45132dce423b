#!/usr/bin/env bash
# Installs the Delta Lake readers the lake sink's tests use (nobody here wrote them): Python's
# `deltalake` (delta-rs) and DuckDB with its delta extension from PyPI (`INSTALL delta` cannot
# download here), into ${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}/lake-venv. Idempotent: a venv
# whose marker matches the pinned versions is kept. Prints the venv's python path on stdout.
set -euo pipefail
PINS="deltalake==1.6.6 pyarrow==26.0.1 duckdb==1.4.4 duckdb-ext[delta]==0.1.2 duckdb-ext-delta==1.4.4.20260205 pytz"
exec bash "$(dirname "${BASH_SOURCE[0]}")/../lib/pip_venv.sh" lake-venv "lake readers" "$PINS"
