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
#        KAFKA_START_TIMEOUT  seconds to wait for readiness, default 90
#        IOT_CACHE_DIR        where scripts/kafka/fetch.sh put the jars
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="${KAFKA_VERSION:-4.3.1}"
cache="${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}"
home="$cache/kafka-$version"
state="${KAFKA_STATE_FILE:-$cache/kafka.state}"
timeout="${KAFKA_START_TIMEOUT:-90}"

log() { echo "kafka: $*" >&2; }
die() { log "$*"; exit 1; }

[[ -f "$home/lib/.complete" ]] || die "jars missing in $home/lib; run scripts/setup.sh"
command -v java >/dev/null || die "java not found; run scripts/setup.sh"

mkdir -p "$(dirname "$state")"
if [[ -f "$state" ]]; then
  old_pid="$(sed -n 's/^KAFKA_PID=//p' "$state")"
  if [[ -n "$old_pid" ]] && kill -0 "$old_pid" 2>/dev/null; then
    die "already running (pid $old_pid, state $state); run scripts/kafka/stop.sh first"
  fi
  rm -f "$state"
fi

# A port is taken if something accepts a connection on it. Ports are drawn below the kernel's
# ephemeral range, so an outgoing connection's local port (which a connect test cannot see)
# never takes them; the race with other listeners is accepted (the broker fails loudly).
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
port="${KAFKA_PORT:-$(free_port)}"
controller_port="${KAFKA_CONTROLLER_PORT:-$(free_port)}"
[[ "$port" != "$controller_port" ]] || controller_port="$(free_port)"

temp=0
if [[ $# -ge 1 ]]; then
  data="$1"
  mkdir -p "$data"
  data="$(cd "$data" && pwd)"
else
  data="$(mktemp -d "${TMPDIR:-/tmp}/iot-kafka.XXXXXX")"
  temp=1
fi

cat >"$data/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
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
cat >"$state" <<STATE
KAFKA_PID=$pid
KAFKA_BOOTSTRAP=127.0.0.1:$port
KAFKA_DATA_DIR=$data
KAFKA_TEMP_DATA=$temp
STATE

# Ready = the server logged that it started and a metadata request succeeds.
ready() {
  grep -q "Kafka Server started" "$data/broker.log" || return 1
  if command -v kcat >/dev/null; then
    kcat -L -b "127.0.0.1:$port" -m 2 >/dev/null 2>&1
  else
    port_in_use "$port"
  fi
}
# On failure: show the log tail, then stop (which deletes a temp data dir, log included).
give_up() {
  echo "--- last lines of $data/broker.log ---" >&2
  tail -n 30 "$data/broker.log" >&2
  bash "$here/stop.sh" >/dev/null 2>&1 || true
  die "$1"
}
deadline=$((SECONDS + timeout))
until ready; do
  kill -0 "$pid" 2>/dev/null || give_up "broker exited during startup"
  ((SECONDS < deadline)) || give_up "not ready after ${timeout}s"
  sleep 0.2
done

log "ready in $((($(date +%s%N) - started_at) / 1000000)) ms (pid $pid, data $data)"
echo "KAFKA_BOOTSTRAP=127.0.0.1:$port"
