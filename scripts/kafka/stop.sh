#!/usr/bin/env bash
# Stops the broker started by scripts/kafka/start.sh: SIGTERM, then SIGKILL after a timeout.
# Removes the data dir when start.sh created it as a temp dir. No-op when nothing is running.
#
# Env: KAFKA_STATE_FILE    default $IOT_CACHE_DIR/kafka.state
#      KAFKA_STOP_TIMEOUT  seconds to wait after SIGTERM, default 30
set -euo pipefail

cache="${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}"
state="${KAFKA_STATE_FILE:-$cache/kafka.state}"
timeout="${KAFKA_STOP_TIMEOUT:-30}"

if [[ ! -f "$state" ]]; then
  echo "kafka: not running (no $state; skipped)" >&2
  exit 0
fi
field() { sed -n "s/^$1=//p" "$state"; }
pid="$(field KAFKA_PID)"
data="$(field KAFKA_DATA_DIR)"
temp="$(field KAFKA_TEMP_DATA)"

if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + timeout))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "kafka: pid $pid still running after ${timeout}s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  echo "kafka: stopped pid $pid" >&2
else
  echo "kafka: pid ${pid:-?} not running" >&2
fi

if [[ "$temp" == 1 && -n "$data" && -d "$data" ]]; then
  rm -rf "$data"
fi
rm -f "$state"
