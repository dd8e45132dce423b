#!/usr/bin/env bash
# A three-node Apache Kafka cluster (KRaft, each node a broker and a controller voter) on
# 127.0.0.1: replication factor 3 and min.insync.replicas=2 by default (also for the offsets and
# transaction state topics), so any one node may be down; a dead node is noticed after 3 s
# (broker.session.timeout.ms), well within the workers' session timeouts. Mirrors startKafkaCluster() in
# testing/kafka_cluster.ts; keep the two in step.
#
# Usage: scripts/kafka/cluster.sh start [DATA_DIR]   prints KAFKA_BOOTSTRAP=H:P,H:P,H:P on stdout
#        scripts/kafka/cluster.sh stop               SIGTERM each node (SIGKILL after 30 s)
#        scripts/kafka/cluster.sh kill N             SIGKILL node N (1-3), keeps its data
#        scripts/kafka/cluster.sh restart N          starts node N again, waits until it serves
#        scripts/kafka/cluster.sh status             one line per node: id, address, pid, up/down
#   DATA_DIR   kept across runs (formatted once); without it a temp dir that `stop` deletes.
# Env:   KAFKA_CLUSTER_STATE  default $IOT_CACHE_DIR/kafka-cluster.state
#        KAFKA_HEAP_OPTS      per node, default "-Xms128m -Xmx384m"
#        KAFKA_START_TIMEOUT  seconds to wait for readiness, default 120
set -euo pipefail

server_name=kafka
server_noun="cluster node"
# shellcheck source=scripts/lib/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/server.sh"
version="${KAFKA_VERSION:-4.3.1}"
home="$cache/kafka-$version"
state="${KAFKA_CLUSTER_STATE:-$cache/kafka-cluster.state}"
timeout="${KAFKA_START_TIMEOUT:-120}"
nodes=(1 2 3)

# shellcheck disable=SC2206 # KAFKA_HEAP_OPTS is a space-separated flag list on purpose
jvm=(java ${KAFKA_HEAP_OPTS:--Xms128m -Xmx384m} -XX:+UseG1GC -XX:MaxGCPauseMillis=20
  -Djava.awt.headless=true -Dlog4j2.configurationFile="$home/log4j2.properties"
  -cp "$home/lib/*")

state_get() { sed -n "s/^$1=//p" "$state"; }

node_properties() { # ID PORT CONTROLLER_PORT VOTERS DIR
  cat <<PROPS
process.roles=broker,controller
node.id=$1
controller.quorum.voters=$4
listeners=PLAINTEXT://127.0.0.1:$2,CONTROLLER://127.0.0.1:$3
advertised.listeners=PLAINTEXT://127.0.0.1:$2
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$5/logs
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
transaction.state.log.num.partitions=6
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
unclean.leader.election.enable=false
broker.session.timeout.ms=3000
broker.heartbeat.interval.ms=500
group.initial.rebalance.delay.ms=0
num.partitions=3
auto.create.topics.enable=true
PROPS
}

# launch N: starts node N from the state file's ports and records its pid.
launch() {
  local n="$1" dir port
  dir="$(state_get KAFKA_DATA_DIR)/node-$n"
  port="$(state_get "NODE${n}_PORT")"
  : >>"$dir/broker.log"
  local offset
  offset="$(stat -c %s "$dir/broker.log")"
  nohup "${jvm[@]}" kafka.Kafka "$dir/server.properties" >>"$dir/broker.log" 2>&1 </dev/null &
  sed -i "/^NODE${n}_PID=/d" "$state"
  echo "NODE${n}_PID=$!" >>"$state"
  echo "$n $! $port $offset"
}

# await_ready N PID PORT OFFSET: the node logged "Kafka Server started" since OFFSET and serves.
await_ready() {
  local n="$1" pid="$2" port="$3" offset="$4" log_file
  log_file="$(state_get KAFKA_DATA_DIR)/node-$n/broker.log"
  local deadline=$((SECONDS + timeout))
  # Not server_await_ready: its give-up path runs stop.sh, which is the single broker's.
  until tail -c +"$((offset + 1))" "$log_file" | grep -q "Kafka Server started" &&
    port_in_use "$port"; do
    if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
      echo "--- last lines of $log_file ---" >&2
      tail -n 30 "$log_file" >&2
      die "node $n not ready (exited or ${timeout}s passed); '$0 stop' cleans up"
    fi
    sleep 0.3
  done
}

cmd_start() {
  [[ -f "$home/lib/.complete" ]] || die "jars missing in $home/lib; run scripts/setup.sh"
  command -v java >/dev/null || die "java not found; run scripts/setup.sh"
  [[ ! -f "$state" ]] || die "a cluster is running (state $state); run '$0 stop' first"
  server_data_dir "$@"
  mkdir -p "$(dirname "$state")"
  echo "KAFKA_DATA_DIR=$data" >"$state"
  echo "KAFKA_TEMP_DATA=$temp" >>"$state"
  local voters="" n
  for n in "${nodes[@]}"; do
    local port cport
    port="$(free_port)"
    cport="$(free_port)"
    echo "NODE${n}_PORT=$port" >>"$state"
    echo "NODE${n}_CONTROLLER_PORT=$cport" >>"$state"
    voters="${voters:+$voters,}$n@127.0.0.1:$cport"
  done
  local started_at cluster_id="-"
  started_at=$(date +%s%N)
  while [[ "$cluster_id" == -* ]]; do
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  done
  for n in "${nodes[@]}"; do
    local dir="$data/node-$n"
    mkdir -p "$dir"
    node_properties "$n" "$(state_get "NODE${n}_PORT")" "$(state_get "NODE${n}_CONTROLLER_PORT")" \
      "$voters" "$dir" >"$dir/server.properties"
    if [[ ! -f "$dir/logs/meta.properties" ]]; then
      "${jvm[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" \
        >"$dir/format.log" 2>&1 || { cat "$dir/format.log" >&2; die "format of node $n failed"; }
    fi
  done
  local launched=()
  for n in "${nodes[@]}"; do launched+=("$(launch "$n")"); done
  for l in "${launched[@]}"; do
    # shellcheck disable=SC2086 # "N PID PORT OFFSET"
    await_ready $l
  done
  local bootstrap=""
  for n in "${nodes[@]}"; do bootstrap="${bootstrap:+$bootstrap,}127.0.0.1:$(state_get "NODE${n}_PORT")"; done
  echo "KAFKA_BOOTSTRAP=$bootstrap" >>"$state"
  log "cluster ready in $((($(date +%s%N) - started_at) / 1000000)) ms (data $data)"
  echo "KAFKA_BOOTSTRAP=$bootstrap"
}

node_arg() {
  [[ "${1:-}" =~ ^[1-3]$ ]] || die "expected a node number 1-3, got '${1:-}'"
  [[ -f "$state" ]] || die "no cluster running (no $state)"
}

cmd_kill() {
  node_arg "$@"
  local pid
  pid="$(state_get "NODE$1_PID")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    log "node $1 killed (pid $pid)"
  else
    log "node $1 was not running"
  fi
}

cmd_restart() {
  node_arg "$@"
  local pid
  pid="$(state_get "NODE$1_PID")"
  kill -0 "$pid" 2>/dev/null && die "node $1 is running (pid $pid)"
  local started_at l
  started_at=$(date +%s%N)
  l="$(launch "$1")"
  # shellcheck disable=SC2086 # "N PID PORT OFFSET"
  await_ready $l
  log "node $1 ready in $((($(date +%s%N) - started_at) / 1000000)) ms"
}

cmd_status() {
  [[ -f "$state" ]] || die "no cluster running (no $state)"
  local n pid
  for n in "${nodes[@]}"; do
    pid="$(state_get "NODE${n}_PID")"
    local up=down
    kill -0 "$pid" 2>/dev/null && up=up
    echo "node $n 127.0.0.1:$(state_get "NODE${n}_PORT") pid $pid $up"
  done
}

cmd_stop() {
  if [[ ! -f "$state" ]]; then
    log "cluster not running (no $state; skipped)"
    return 0
  fi
  local n pid deadline
  for n in "${nodes[@]}"; do
    pid="$(state_get "NODE${n}_PID")"
    [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null || true
  done
  for n in "${nodes[@]}"; do
    pid="$(state_get "NODE${n}_PID")"
    [[ -n "$pid" ]] || continue
    deadline=$((SECONDS + ${KAFKA_STOP_TIMEOUT:-30}))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  data="$(state_get KAFKA_DATA_DIR)"
  [[ "$(state_get KAFKA_TEMP_DATA)" == 1 && -d "$data" ]] && rm -rf "$data"
  rm -f "$state"
  log "cluster stopped"
}

case "${1:-}" in
  start | stop | kill | restart | status)
    command="$1"
    shift
    "cmd_$command" "$@"
    ;;
  *) die "usage: $0 start [DATA_DIR] | stop | kill N | restart N | status" ;;
esac
