#!/usr/bin/env bash
# Starts FerretDB (MongoDB wire protocol, SQLite backend) on 127.0.0.1 and waits until it accepts
# connections. Prints `MONGO_URL=mongodb://127.0.0.1:PORT/` on stdout; progress goes to stderr.
#
# Usage: scripts/ferretdb/start.sh [DATA_DIR]
#   DATA_DIR   kept across runs; without it a temp dir is used and scripts/ferretdb/stop.sh
#              deletes it.
# Env:   FERRETDB_PORT           listen port (default: a free port)
#        FERRETDB_STATE_FILE     default $IOT_CACHE_DIR/ferretdb.state (pid, url, data dir)
#        FERRETDB_START_TIMEOUT  seconds to wait for readiness, default 30
#        IOT_CACHE_DIR           where scripts/ferretdb/fetch.sh put the binary
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}"
bin="$cache/ferretdb-1.24.2/ferretdb"
state="${FERRETDB_STATE_FILE:-$cache/ferretdb.state}"
timeout="${FERRETDB_START_TIMEOUT:-30}"

log() { echo "ferretdb: $*" >&2; }
die() { log "$*"; exit 1; }

[[ -x "$bin" ]] || die "binary missing at $bin; run scripts/setup.sh"

mkdir -p "$(dirname "$state")"
if [[ -f "$state" ]]; then
  old_pid="$(sed -n 's/^FERRETDB_PID=//p' "$state")"
  if [[ -n "$old_pid" ]] && kill -0 "$old_pid" 2>/dev/null; then
    die "already running (pid $old_pid, state $state); run scripts/ferretdb/stop.sh first"
  fi
  rm -f "$state"
fi

# Ports are drawn below the kernel's ephemeral range (see scripts/kafka/start.sh for why).
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
port="${FERRETDB_PORT:-$(free_port)}"

temp=0
if [[ $# -ge 1 ]]; then
  data="$1"
  mkdir -p "$data"
  data="$(cd "$data" && pwd)"
else
  data="$(mktemp -d "${TMPDIR:-/tmp}/iot-ferretdb.XXXXXX")"
  temp=1
fi

started_at=$(date +%s%N)
# --sqlite-url needs the trailing slash (a folder of databases); --debug-addr=- else it binds
# 127.0.0.1:8088; --state-dir else it writes state.json into the working directory.
nohup "$bin" --handler=sqlite --sqlite-url="file:$data/" --state-dir="$data" \
  --listen-addr="127.0.0.1:$port" --debug-addr=- --telemetry=disable --log-level=warn \
  >>"$data/ferretdb.log" 2>&1 </dev/null &
pid=$!
cat >"$state" <<STATE
FERRETDB_PID=$pid
MONGO_URL=mongodb://127.0.0.1:$port/
FERRETDB_DATA_DIR=$data
FERRETDB_TEMP_DATA=$temp
STATE

give_up() {
  echo "--- last lines of $data/ferretdb.log ---" >&2
  tail -n 30 "$data/ferretdb.log" >&2
  bash "$here/stop.sh" >/dev/null 2>&1 || true
  die "$1"
}
deadline=$((SECONDS + timeout))
until port_in_use "$port"; do
  kill -0 "$pid" 2>/dev/null || give_up "ferretdb exited during startup"
  ((SECONDS < deadline)) || give_up "not ready after ${timeout}s"
  sleep 0.05
done

log "ready in $((($(date +%s%N) - started_at) / 1000000)) ms (pid $pid, data $data)"
echo "MONGO_URL=mongodb://127.0.0.1:$port/"
