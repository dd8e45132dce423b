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

server_name=ferretdb
# shellcheck source=scripts/lib/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/server.sh"
bin="$cache/ferretdb-1.24.2/ferretdb"
state="${FERRETDB_STATE_FILE:-$cache/ferretdb.state}"
timeout="${FERRETDB_START_TIMEOUT:-30}"

[[ -x "$bin" ]] || die "binary missing at $bin; run scripts/setup.sh"

server_claim_state "$state"
port="${FERRETDB_PORT:-$(free_port)}"
server_data_dir "$@"

started_at=$(date +%s%N)
# --sqlite-url needs the trailing slash (a folder of databases); --debug-addr=- else it binds
# 127.0.0.1:8088; --state-dir else it writes state.json into the working directory.
nohup "$bin" --handler=sqlite --sqlite-url="file:$data/" --state-dir="$data" \
  --listen-addr="127.0.0.1:$port" --debug-addr=- --telemetry=disable --log-level=warn \
  >>"$data/ferretdb.log" 2>&1 </dev/null &
pid=$!
server_write_state "$state" "$pid" "MONGO_URL=mongodb://127.0.0.1:$port/"
server_await_ready "$pid" "$data/ferretdb.log" "$timeout" 0.05 port_in_use "$port"
server_report_ready "$started_at" "$pid" "MONGO_URL=mongodb://127.0.0.1:$port/"
