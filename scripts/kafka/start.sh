#!/usr/bin/env bash
# Starts a single-node Apache Kafka (KRaft, combined broker+controller) on 127.0.0.1 and waits until
# it serves metadata. Prints `KAFKA_BOOTSTRAP=127.0.0.1:PORT` on stdout; progress goes to stderr.
#
# Usage: scripts/kafka/start.sh [DATA_DIR]
#   DATA_DIR   kept across runs and formatted only once; without it a temp dir is used and
#              scripts/kafka/stop.sh deletes it.
# Env:   KAFKA_PORT / KAFKA_CONTROLLER_PORT   listener ports (default: free ports)
#        KAFKA_STATE_FILE     default $IOT_CACHE_DIR/kafka.state (pid, bootstrap, data dir)
#        KAFKA_HEAP_OPTS      default "-Xms256m -Xmx1G"
#        KAFKA_ADVERTISED_HOST  host in advertised.listeners (default 127.0.0.1)
#        KAFKA_START_TIMEOUT  seconds to wait for readiness, default 90
#        IOT_CACHE_DIR        where scripts/kafka/fetch.sh put the jars
set -euo pipefail

server_name=kafka
server_noun=broker
# shellcheck source=scripts/lib/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/server.sh"
version="${KAFKA_VERSION:-4.3.1}"
home="$cache/kafka-$version"
state="${KAFKA_STATE_FILE:-$cache/kafka.state}"
timeout="${KAFKA_START_TIMEOUT:-90}"

[[ -f "$home/lib/.complete" ]] || die "jars missing in $home/lib; run scripts/setup.sh"
command -v java >/dev/null || die "java not found; run scripts/setup.sh"

server_claim_state "$state"
port="${KAFKA_PORT:-$(free_port)}"
controller_port="${KAFKA_CONTROLLER_PORT:-$(free_port)}"
[[ "$port" != "$controller_port" ]] || controller_port="$(free_port)"

server_data_dir "$@"

cat >"$data/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://${KAFKA_ADVERTISED_HOST:-127.0.0.1}:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data/logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.partitions=1
auto.create.topics.enable=true
PROPS

# shellcheck disable=SC2206 # KAFKA_HEAP_OPTS is a space-separated flag list on purpose
jvm=(java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx1G} -XX:+UseG1GC -XX:MaxGCPauseMillis=20
  -Djava.awt.headless=true -Dlog4j2.configurationFile="$home/log4j2.properties"
  -cp "$home/lib/*")

started_at=$(date +%s%N)
if [[ ! -f "$data/logs/meta.properties" ]]; then
  # A Kafka Uuid is 16 random bytes in unpadded base64url; Kafka avoids a leading '-'.
  cluster_id="-"
  while [[ "$cluster_id" == -* ]]; do
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  done
  "${jvm[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$data/server.properties" \
    >"$data/format.log" 2>&1 || { cat "$data/format.log" >&2; die "storage format failed"; }
fi

nohup "${jvm[@]}" kafka.Kafka "$data/server.properties" >"$data/broker.log" 2>&1 </dev/null &
pid=$!
server_write_state "$state" "$pid" "KAFKA_BOOTSTRAP=127.0.0.1:$port"

# Ready = the server logged that it started and a metadata request succeeds.
ready() {
  grep -q "Kafka Server started" "$data/broker.log" || return 1
  if command -v kcat >/dev/null; then
    kcat -L -b "127.0.0.1:$port" -m 2 >/dev/null 2>&1
  else
    port_in_use "$port"
  fi
}
server_await_ready "$pid" "$data/broker.log" "$timeout" 0.2 ready
server_report_ready "$started_at" "$pid" "KAFKA_BOOTSTRAP=127.0.0.1:$port"
