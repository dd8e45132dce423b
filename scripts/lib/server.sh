# shellcheck shell=bash
# The lifecycle every local server script shares (scripts/{kafka,ferretdb,cassandra}/start.sh and
# stop.sh): a state file with the pid and data dir, free ports, a data dir kept or temp, waiting
# for readiness, and a stop with SIGTERM then SIGKILL that removes temp data.
#
# Usage: set `server_name` (kafka, ferretdb, cassandra: the log prefix, the folder under scripts/,
# and, upper-cased, the prefix of the state file's keys) and optionally `server_noun` (what the
# startup failure calls the process; default: server_name), then `source` this file. It sets
# `cache` (IOT_CACHE_DIR or its default) and defines `log` and `die` (exit 1).

scripts_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}"
state_prefix="${server_name^^}"
server_noun="${server_noun:-$server_name}"

log() { echo "$server_name: $*" >&2; }
die() { log "$*"; exit 1; }

# server_claim_state STATE: refuses to start while the state file names a live process; removes a
# stale one.
server_claim_state() {
  local state="$1" old_pid
  mkdir -p "$(dirname "$state")"
  [[ -f "$state" ]] || return 0
  old_pid="$(sed -n "s/^${state_prefix}_PID=//p" "$state")"
  if [[ -n "$old_pid" ]] && kill -0 "$old_pid" 2>/dev/null; then
    die "already running (pid $old_pid, state $state); run scripts/$server_name/stop.sh first"
  fi
  rm -f "$state"
}

# A port is taken if something accepts a connection on it. Ports are drawn below the kernel's
# ephemeral range, so an outgoing connection's local port (which a connect test cannot see)
# never takes them; the race with other listeners is accepted (the server fails loudly).
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ephemeral_low="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
((ephemeral_low > 12000)) || ephemeral_low=32768
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((10000 + RANDOM % (ephemeral_low - 10000)))
    if ! port_in_use "$p"; then echo "$p"; return; fi
  done
  die "no free port found"
}

# server_data_dir [DATA_DIR]: sets `data` to DATA_DIR (created, absolute; temp=0) or to a new temp
# dir that stop.sh deletes (temp=1).
server_data_dir() {
  temp=0
  if [[ $# -ge 1 ]]; then
    data="$1"
    mkdir -p "$data"
    data="$(cd "$data" && pwd)"
  else
    data="$(mktemp -d "${TMPDIR:-/tmp}/iot-$server_name.XXXXXX")"
    temp=1
  fi
}

# server_write_state STATE PID ADDRESS_LINE: records what stop.sh needs, and the address line.
server_write_state() {
  cat >"$1" <<STATE
${state_prefix}_PID=$2
$3
${state_prefix}_DATA_DIR=$data
${state_prefix}_TEMP_DATA=$temp
STATE
}

# server_await_ready PID LOG_FILE TIMEOUT POLL CHECK...: polls the command CHECK until it succeeds.
# When the process exits or TIMEOUT seconds pass first: shows the log's tail, runs stop.sh (which
# deletes a temp data dir, log included) and dies.
server_await_ready() {
  local pid="$1" log_file="$2" timeout="$3" poll="$4" deadline
  shift 4
  deadline=$((SECONDS + timeout))
  until "$@"; do
    kill -0 "$pid" 2>/dev/null || server_give_up "$log_file" "$server_noun exited during startup"
    ((SECONDS < deadline)) || server_give_up "$log_file" "not ready after ${timeout}s"
    sleep "$poll"
  done
}

server_give_up() {
  echo "--- last lines of $1 ---" >&2
  tail -n 30 "$1" >&2
  bash "$scripts_dir/$server_name/stop.sh" >/dev/null 2>&1 || true
  die "$2"
}

# server_report_ready STARTED_AT_NS PID ADDRESS_LINE: the progress line, then the address on stdout.
server_report_ready() {
  log "ready in $((($(date +%s%N) - $1) / 1000000)) ms (pid $2, data $data)"
  echo "$3"
}

# server_stop STATE TIMEOUT: SIGTERM to the recorded pid, SIGKILL after TIMEOUT seconds; removes a
# temp data dir and the state file. No-op without a state file.
server_stop() {
  local state="$1" timeout="$2" pid data temp deadline
  if [[ ! -f "$state" ]]; then
    log "not running (no $state; skipped)"
    return 0
  fi
  pid="$(sed -n "s/^${state_prefix}_PID=//p" "$state")"
  data="$(sed -n "s/^${state_prefix}_DATA_DIR=//p" "$state")"
  temp="$(sed -n "s/^${state_prefix}_TEMP_DATA=//p" "$state")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + timeout))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid still running after ${timeout}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    log "stopped pid $pid"
  else
    log "pid ${pid:-?} not running"
  fi
  if [[ "$temp" == 1 && -n "$data" && -d "$data" ]]; then
    rm -rf "$data"
  fi
  rm -f "$state"
}
