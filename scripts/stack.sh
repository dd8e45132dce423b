#!/usr/bin/env bash
# The compose.yaml topology without Docker: real Apache Kafka 4.3.1, FerretDB (the MongoDB wire
# protocol) and Cassandra 5 from the registries (scripts/{kafka,ferretdb,cassandra}/start.sh), and
# the services against them through the dev launcher (`deno task dev --kafka --mongo
# --cassandra`): producer, processor, sinks into MongoDB + Cassandra, API on that store.
#
# Usage: scripts/stack.sh start   starts what is missing, waits until every service runs, then
#                                 prints KAFKA_BOOTSTRAP=, MONGO_URL=, CASSANDRA_CONTACT=, API_URL=
#        scripts/stack.sh stop    Ctrl-C to the launcher (services stop gracefully), then stops
#                                 the servers it started; removes nothing under STACK_DIR
#        scripts/stack.sh status  the addresses, or "not running"
# Env:   STACK_DIR          state, logs and data of every part (default ./data/stack)
#        STACK_PORT_BASE    the launcher's --port-base (default 9192: 9194 processor, 9196 API)
#        STACK_KAFKA, STACK_MONGO_URL, STACK_CASSANDRA   use these servers instead of starting
#                           one (e.g. the shared test servers); stop leaves them running
#        STACK_START_TIMEOUT  seconds to wait for the services, default 120
#        Services read their own variables too (PROCESSOR_*, SINKS_*, API_*, PRODUCER_*).
set -Eeuo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${STACK_DIR:-$root/data/stack}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
state="$dir/stack.state"

log() { echo "stack: $*" >&2; }
die() { log "$*"; exit 1; }
value() { sed -n "s/^$1=//p" "$2" 2>/dev/null | tail -n 1; }
alive() { [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; }

# start_server NAME KEY OVERRIDE: the server's address line, from OVERRIDE or from its start.sh
# (state file and data under STACK_DIR/NAME, kept across runs).
start_server() {
  local name="$1" key="$2" override="$3"
  if [[ -n "$override" ]]; then
    echo "$key=$override"
    echo "${name^^}_EXTERNAL=1" >>"$state"
    return
  fi
  local upper="${name^^}"
  env "${upper}_STATE_FILE=$dir/$name.state" bash "$root/scripts/$name/start.sh" "$dir/$name" |
    grep "^$key="
}

stop_servers() {
  local name upper
  for name in cassandra ferretdb kafka; do
    upper="${name^^}"
    [[ "$(value "${upper}_EXTERNAL" "$state")" == 1 ]] && continue
    [[ -f "$dir/$name.state" ]] || continue
    env "${upper}_STATE_FILE=$dir/$name.state" bash "$root/scripts/$name/stop.sh" || true
  done
}

cmd_start() {
  if [[ -f "$state" ]] && alive "$(value LAUNCHER_PID "$state")"; then
    die "already running (state $state); scripts/stack.sh stop first"
  fi
  : >"$state"
  local kafka mongo cassandra base timeout deadline pid
  # On any failure below, stop what was started.
  trap 'log "start failed; stopping what was started"; stop_servers; rm -f "$state"' ERR
  kafka="$(start_server kafka KAFKA_BOOTSTRAP "${STACK_KAFKA:-}")"
  mongo="$(start_server ferretdb MONGO_URL "${STACK_MONGO_URL:-}")"
  cassandra="$(start_server cassandra CASSANDRA_CONTACT "${STACK_CASSANDRA:-}")"
  printf '%s\n%s\n%s\n' "$kafka" "$mongo" "$cassandra" >>"$state"
  base="${STACK_PORT_BASE:-9192}"
  timeout="${STACK_START_TIMEOUT:-120}"
  NO_COLOR=1 nohup deno run --allow-all "$root/dev/main.ts" --data-dir "$dir/dev" \
    --port-base "$base" --kafka "${kafka#*=}" --mongo "${mongo#*=}" \
    --cassandra "${cassandra#*=}" >"$dir/services.log" 2>&1 </dev/null &
  pid=$!
  echo "LAUNCHER_PID=$pid" >>"$state"
  deadline=$((SECONDS + timeout))
  until grep -q "all services started" "$dir/services.log"; do
    if ! alive "$pid" || ((SECONDS >= deadline)); then
      tail -n 30 "$dir/services.log" >&2
      false # the ERR trap stops the servers
    fi
    sleep 0.2
  done
  trap - ERR
  echo "API_URL=http://127.0.0.1:$((base + 4))" >>"$state"
  log "running (logs: $dir/services.log; stop: scripts/stack.sh stop)"
  cmd_status
}

cmd_stop() {
  [[ -f "$state" ]] || { log "not running (no $state)"; return 0; }
  local pid deadline
  pid="$(value LAUNCHER_PID "$state")"
  if alive "$pid"; then
    kill -INT "$pid"
    # The launcher gives each service 10 s before SIGKILL; it exits once all stopped.
    deadline=$((SECONDS + 60))
    while alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
    alive "$pid" && { log "launcher $pid still running after 60 s; SIGKILL"; kill -KILL "$pid"; }
    log "services stopped: $(grep 'dev *| stopped' "$dir/services.log" | tail -n 1)"
  fi
  stop_servers
  rm -f "$state"
}

cmd_status() {
  if [[ -f "$state" ]] && alive "$(value LAUNCHER_PID "$state")"; then
    grep -E '^(KAFKA_BOOTSTRAP|MONGO_URL|CASSANDRA_CONTACT|API_URL)=' "$state"
  else
    echo "not running"
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) die "usage: scripts/stack.sh start|stop|status (see the comment at the top)" ;;
esac
