#!/usr/bin/env bash
# Starts a single-node Apache Cassandra on 127.0.0.1 and waits until it serves CQL clients.
# Prints `CASSANDRA_CONTACT=127.0.0.1:PORT` on stdout; progress goes to stderr.
#
# Usage: scripts/cassandra/start.sh [DATA_DIR]
#   DATA_DIR   kept across runs; without it a temp dir is used and scripts/cassandra/stop.sh
#              deletes it.
# Env:   CASSANDRA_PORT / CASSANDRA_STORAGE_PORT  CQL and internode ports (default: free ports)
#        CASSANDRA_STATE_FILE     default $IOT_CACHE_DIR/cassandra.state (pid, contact, data dir)
#        CASSANDRA_START_TIMEOUT  seconds to wait for readiness, default 120
#        IOT_CACHE_DIR            where scripts/cassandra/fetch.sh put the jars
set -euo pipefail

server_name=cassandra
# shellcheck source=scripts/lib/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/server.sh"
home="$cache/cassandra-5.0.9"
state="${CASSANDRA_STATE_FILE:-$cache/cassandra.state}"
timeout="${CASSANDRA_START_TIMEOUT:-120}"

[[ -f "$home/lib/.complete" && -f "$home/jvm.options" ]] ||
  die "jars missing in $home; run scripts/setup.sh"
command -v java >/dev/null || die "java not found; run scripts/setup.sh"

server_claim_state "$state"
port="${CASSANDRA_PORT:-$(free_port)}"
storage_port="${CASSANDRA_STORAGE_PORT:-$(free_port)}"
[[ "$port" != "$storage_port" ]] || storage_port="$(free_port)"
server_data_dir "$@"

# The smallest config the loader accepts for one node (it rejects unknown keys). Keep in step with
# cassandraYaml() in testing/cassandra_runtime.ts.
cat >"$data/cassandra.yaml" <<YAML
cluster_name: iot-test
num_tokens: 1
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
commitlog_sync: periodic
commitlog_sync_period: 10000ms
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:$storage_port"
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: $storage_port
native_transport_port: $port
start_native_transport: true
auto_snapshot: false
YAML

mapfile -t jvm_options <"$home/jvm.options"
started_at=$(date +%s%N)
nohup java "${jvm_options[@]}" \
  -Dcassandra.config="file://$data/cassandra.yaml" -Dcassandra.storagedir="$data" \
  -Dlogback.configurationFile="file://$home/logback.xml" \
  -Dcassandra.skip_wait_for_gossip_to_settle=0 \
  -cp "$home/lib/*" org.apache.cassandra.service.CassandraDaemon \
  >>"$data/cassandra.log" 2>&1 </dev/null &
pid=$!
server_write_state "$state" "$pid" "CASSANDRA_CONTACT=127.0.0.1:$port"
# The CQL port opens once the node serves clients ("Starting listening for CQL clients").
server_await_ready "$pid" "$data/cassandra.log" "$timeout" 0.2 port_in_use "$port"
server_report_ready "$started_at" "$pid" "CASSANDRA_CONTACT=127.0.0.1:$port"
