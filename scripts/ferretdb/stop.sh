#!/usr/bin/env bash
# Stops the FerretDB started by scripts/ferretdb/start.sh: SIGTERM, then SIGKILL after a timeout.
# Removes the data dir when start.sh created it as a temp dir. No-op when nothing is running.
#
# Env: FERRETDB_STATE_FILE    default $IOT_CACHE_DIR/ferretdb.state
#      FERRETDB_STOP_TIMEOUT  seconds to wait after SIGTERM, default 10
set -euo pipefail

server_name=ferretdb
# shellcheck source=scripts/lib/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/server.sh"
server_stop "${FERRETDB_STATE_FILE:-$cache/ferretdb.state}" "${FERRETDB_STOP_TIMEOUT:-10}"
