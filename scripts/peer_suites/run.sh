#!/usr/bin/env bash
# Runs a peer client suite (franz-go's kgo tests or segmentio/kafka-go's tests, built by
# build.sh) against the broker shim or against Apache Kafka, each started fresh on 127.0.0.1:9092
# (kafka-go's tests hard-code localhost:9092) inside a private network namespace (`unshare -rn`),
# so nothing else on the machine is in the way. Writes `<suite>-<target>.log` (go test -v output)
# and `<suite>-<target>.results` (`TestName PASS|FAIL|SKIP`, top-level tests) to the output dir,
# then checks the suite's expected-to-pass list (scripts/peer_suites/<suite>.expected).
#
# Usage: scripts/peer_suites/run.sh kgo|kafka-go shim|kafka
# Env:   PEER_SUITE_OUT        output dir (default: $IOT_CACHE_DIR/peer-suites/results)
#        PEER_SUITE_TIMEOUT    go test -test.timeout (default: 12m)
#        KGO_TEST_RECORDS      records per kgo ETL test (default: 20000; franz-go's own is 500000)
#        PEER_SUITE_RUN        go test -test.run filter (default: all tests)
#        PEER_SUITE_COUNT      go test -test.count: run each test this many times in a row
#        PEER_SUITE_NO_CHECK   1 = only run and record, do not check the expected list
#        PEER_SUITE_BROKER     the shim's main.ts (default: this checkout's broker/main.ts), e.g.
#                              another worktree's, for a before/after comparison
# Exit:  0 every expected test passed, 1 otherwise (the missing ones are listed), 2 bad usage.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
suite="${1:-}"
target="${2:-}"
# kafka-go's tests expect the broker to advertise `localhost` (as its docker-compose does).
case "$suite" in kgo) version=1.22.3 pkg=pkg/kgo advertised=127.0.0.1 ;;
  kafka-go) version=0.4.51 pkg=. advertised=localhost ;;
  *) echo "usage: run.sh kgo|kafka-go shim|kafka" >&2; exit 2 ;; esac
case "$target" in shim | kafka) ;; *) echo "usage: run.sh kgo|kafka-go shim|kafka" >&2; exit 2 ;; esac
cache="${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}"
out="${PEER_SUITE_OUT:-$cache/peer-suites/results}"
mkdir -p "$out"
log="$out/$suite-$target.log"
results="$out/$suite-$target.results"

if [[ "${PEER_SUITE_IN_NETNS:-}" != 1 ]]; then
  bash "$here/build.sh" >/dev/null
  command -v unshare >/dev/null || { echo "run.sh: unshare (util-linux) not found" >&2; exit 1; }
  command -v ip >/dev/null || { echo "run.sh: ip (iproute2) not found; run scripts/setup.sh" >&2; exit 1; }
  set +e
  PEER_SUITE_IN_NETNS=1 unshare -rn bash "${BASH_SOURCE[0]}" "$@"
  code=$?
  set -e
  [[ $code == 0 || "${PEER_SUITE_NO_CHECK:-}" == 1 ]] || echo "run.sh: see $log" >&2
  exit $code
fi

# --- inside the namespace: a fresh loopback, port 9092 is ours ---
ip link set lo up
home="$cache/peer-suites/$suite-$version"
work="$(mktemp -d)"
stop_target() { :; }
trap 'stop_target; rm -rf "$work"' EXIT
wait_port() {
  for _ in $(seq 1 300); do (: >/dev/tcp/127.0.0.1/9092) 2>/dev/null && return 0; sleep 0.2; done
  echo "run.sh: nothing listens on 127.0.0.1:9092 after 60 s" >&2
  return 1
}
if [[ "$target" == shim ]]; then
  # Compaction promptly after a roll, as the kafka-go compaction test expects of Kafka's cleaner.
  broker="${PEER_SUITE_BROKER:-$repo/broker/main.ts}"
  cleaner=()
  help="$(deno run --allow-all "$broker" --help 2>&1 || true)"
  [[ "$help" == *--log-cleaner-backoff-ms* ]] && cleaner=(--log-cleaner-backoff-ms 1000)
  deno run --allow-all "$broker" --port 9092 --data-dir "$work/broker" \
    --advertised-host "$advertised" --log-level warn "${cleaner[@]}" >"$out/$suite-$target.broker.log" 2>&1 &
  broker_pid=$!
  stop_target() { kill "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null; }
else
  # scripts/kafka/start.sh reads KAFKA_VERSION as its own version: keep kafka-go's out of it.
  env -u KAFKA_VERSION KAFKA_PORT=9092 KAFKA_ADVERTISED_HOST="$advertised" \
    KAFKA_STATE_FILE="$work/kafka.state" \
    bash "$repo/scripts/kafka/start.sh" >/dev/null
  stop_target() { KAFKA_STATE_FILE="$work/kafka.state" bash "$repo/scripts/kafka/stop.sh" >/dev/null 2>&1; }
fi
wait_port

# A panicking test ends the whole binary: then record it as failed and rerun the tests that did
# not finish (at most 5 rounds). A timeout ends the run.
start=$(date +%s)
: >"$log"
: >"$results"
done_re=""
for round in 1 2 3 4 5; do
  set +e
  (
    cd "$home/src/$pkg"
    KGO_SEEDS=127.0.0.1:9092 KGO_TEST_RF=1 KGO_TEST_RECORDS="${KGO_TEST_RECORDS:-20000}" \
      KAFKA_VERSION=4.3.1 "$home/suite.test" -test.v -test.timeout "${PEER_SUITE_TIMEOUT:-12m}" \
      ${PEER_SUITE_RUN:+-test.run "$PEER_SUITE_RUN"} ${PEER_SUITE_COUNT:+-test.count "$PEER_SUITE_COUNT"} \
      ${done_re:+-test.skip "^($done_re)\$"}
  ) >"$work/round.log" 2>&1
  go_code=$?
  set -e
  cat "$work/round.log" >>"$log"
  sed -n 's/^--- \(PASS\|FAIL\|SKIP\): \([^ ]*\) .*/\2 \1/p' "$work/round.log" >>"$results"
  grep -q '^panic: ' "$work/round.log" || break
  if grep -q '^panic: test timed out' "$work/round.log"; then
    sed -n 's/^\t\(Test[A-Za-z0-9_]*\) (.*/\1 FAIL/p' "$work/round.log" | sort -u >>"$results"
    break
  fi
  # The test named in the panic message ("Fail in goroutine after TestX/sub has completed"),
  # else the first test function in the panicking goroutine's stack.
  crashed="$({ grep -m1 '^panic: ' "$work/round.log" | grep -o 'Test[A-Za-z0-9_]*' ||
    sed -n '/^panic: /,$p' "$work/round.log" | grep -o '\.Test[A-Za-z0-9_]*' | tr -d .; } |
    head -1 || true)"
  [[ -n "$crashed" ]] || break
  echo "$crashed FAIL" >>"$results"
  echo "peer suite $suite on $target: $crashed panicked; rerunning the tests not yet finished" >&2
  done_re="$(cut -d' ' -f1 "$results" | sort -u | paste -sd'|')"
done
sort -u -o "$results" "$results"
secs=$(($(date +%s) - start))
count() { grep -c " $1\$" "$results" || true; }
echo "peer suite $suite on $target: $(count PASS) passed, $(count FAIL) failed, $(count SKIP) skipped" \
  "in ${secs}s (go test exit $go_code)" >&2
[[ "${PEER_SUITE_NO_CHECK:-}" == 1 ]] && exit 0
missing=()
while read -r name; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  grep -qx "$name PASS" "$results" || missing+=("$name")
done <"$here/$suite.expected"
if ((${#missing[@]} > 0)); then
  echo "peer suite $suite on $target: ${#missing[@]} expected test(s) did not pass: ${missing[*]}" >&2
  exit 1
fi
echo "peer suite $suite on $target: every expected test passed" >&2
