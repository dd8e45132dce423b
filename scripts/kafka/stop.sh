#!/usr/bin/env bash
# Stops the broker started by scripts/kafka/start.sh: SIGTERM, then SIGKILL after a timeout.
# Removes the data dir when start.sh created it as a temp dir. No-op when nothing is running.
#
# Env: KAFKA_STATE_FILE    default $IOT_CACHE_DIR/kafka.state
#      KAFKA_STOP_TIMEOUT  seconds to wait after SIGTERM, default 30
set -euo pipefail

server_name=kafka
# shellcheck source=scripts/lib/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/server.sh"
server_stop "${KAFKA_STATE_FILE:-$cache/kafka.state}" "${KAFKA_STOP_TIMEOUT:-30}"
