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

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}"
home="$cache/cassandra-5.0.9"
state="${CASSANDRA_STATE_FILE:-$cache/cassandra.state}"
timeout="${CASSANDRA_START_TIMEOUT:-120}"

log() { echo "cassandra: $*" >&2; }
die() { log "$*"; exit 1; }

[[ -f "$home/lib/.complete" && -f "$home/jvm.options" ]] ||
  die "jars missing in $home; run scripts/setup.sh"
command -v java >/dev/null || die "java not found; run scripts/setup.sh"

mkdir -p "$(dirname "$state")"
if [[ -f "$state" ]]; then
  old_pid="$(sed -n 's/^CASSANDRA_PID=//p' "$state")"
  if [[ -n "$old_pid" ]] && kill -0 "$old_pid" 2>/dev/null; then
    die "already running (pid $old_pid, state $state); run scripts/cassandra/stop.sh first"
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
port="${CASSANDRA_PORT:-$(free_port)}"
storage_port="${CASSANDRA_STORAGE_PORT:-$(free_port)}"
[[ "$port" != "$storage_port" ]] || storage_port="$(free_port)"

temp=0
if [[ $# -ge 1 ]]; then
  data="$1"
  mkdir -p "$data"
  data="$(cd "$data" && pwd)"
else
  data="$(mktemp -d "${TMPDIR:-/tmp}/iot-cassandra.XXXXXX")"
  temp=1
fi

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
cat >"$state" <<STATE
CASSANDRA_PID=$pid
CASSANDRA_CONTACT=127.0.0.1:$port
CASSANDRA_DATA_DIR=$data
CASSANDRA_TEMP_DATA=$temp
STATE

give_up() {
  echo "--- last lines of $data/cassandra.log ---" >&2
  tail -n 30 "$data/cassandra.log" >&2
  bash "$here/stop.sh" >/dev/null 2>&1 || true
  die "$1"
}
# The CQL port opens once the node serves clients ("Starting listening for CQL clients").
deadline=$((SECONDS + timeout))
until port_in_use "$port"; do
  kill -0 "$pid" 2>/dev/null || give_up "cassandra exited during startup"
  ((SECONDS < deadline)) || give_up "not ready after ${timeout}s"
  sleep 0.2
done

log "ready in $((($(date +%s%N) - started_at) / 1000000)) ms (pid $pid, data $data)"
echo "CASSANDRA_CONTACT=127.0.0.1:$port"
