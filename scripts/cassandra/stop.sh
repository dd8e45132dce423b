#!/usr/bin/env bash
# Stops the Cassandra started by scripts/cassandra/start.sh: SIGTERM, then SIGKILL after a timeout.
# Removes the data dir when start.sh created it as a temp dir. No-op when nothing is running.
#
# Env: CASSANDRA_STATE_FILE    default $IOT_CACHE_DIR/cassandra.state
#      CASSANDRA_STOP_TIMEOUT  seconds to wait after SIGTERM, default 30 (it needs 6-7 s to flush)
set -euo pipefail

cache="${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}"
state="${CASSANDRA_STATE_FILE:-$cache/cassandra.state}"
timeout="${CASSANDRA_STOP_TIMEOUT:-30}"

if [[ ! -f "$state" ]]; then
  echo "cassandra: not running (no $state; skipped)" >&2
  exit 0
fi
field() { sed -n "s/^$1=//p" "$state"; }
pid="$(field CASSANDRA_PID)"
data="$(field CASSANDRA_DATA_DIR)"
temp="$(field CASSANDRA_TEMP_DATA)"

if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + timeout))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "cassandra: pid $pid still running after ${timeout}s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  echo "cassandra: stopped pid $pid" >&2
else
  echo "cassandra: pid ${pid:-?} not running" >&2
fi

if [[ "$temp" == 1 && -n "$data" && -d "$data" ]]; then
  rm -rf "$data"
fi
rm -f "$state"
