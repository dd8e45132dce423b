#!/usr/bin/env bash
# Stops the FerretDB started by scripts/ferretdb/start.sh: SIGTERM, then SIGKILL after a timeout.
# Removes the data dir when start.sh created it as a temp dir. No-op when nothing is running.
#
# Env: FERRETDB_STATE_FILE    default $IOT_CACHE_DIR/ferretdb.state
#      FERRETDB_STOP_TIMEOUT  seconds to wait after SIGTERM, default 10
set -euo pipefail

cache="${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}"
state="${FERRETDB_STATE_FILE:-$cache/ferretdb.state}"
timeout="${FERRETDB_STOP_TIMEOUT:-10}"

if [[ ! -f "$state" ]]; then
  echo "ferretdb: not running (no $state; skipped)" >&2
  exit 0
fi
field() { sed -n "s/^$1=//p" "$state"; }
pid="$(field FERRETDB_PID)"
data="$(field FERRETDB_DATA_DIR)"
temp="$(field FERRETDB_TEMP_DATA)"

if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + timeout))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "ferretdb: pid $pid still running after ${timeout}s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  echo "ferretdb: stopped pid $pid" >&2
else
  echo "ferretdb: pid ${pid:-?} not running" >&2
fi

if [[ "$temp" == 1 && -n "$data" && -d "$data" ]]; then
  rm -rf "$data"
fi
rm -f "$state"
