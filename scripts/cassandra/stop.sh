#!/usr/bin/env bash
# Stops the Cassandra started by scripts/cassandra/start.sh: SIGTERM, then SIGKILL after a timeout.
# Removes the data dir when start.sh created it as a temp dir. No-op when nothing is running.
#
# Env: CASSANDRA_STATE_FILE    default $IOT_CACHE_DIR/cassandra.state
#      CASSANDRA_STOP_TIMEOUT  seconds to wait after SIGTERM, default 30 (it needs 6-7 s to flush)
set -euo pipefail

server_name=cassandra
# shellcheck source=scripts/lib/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/server.sh"
server_stop "${CASSANDRA_STATE_FILE:-$cache/cassandra.state}" "${CASSANDRA_STOP_TIMEOUT:-30}"
