#!/usr/bin/env bash
# Builds the peer client suites the broker shim is measured with into a cache outside the repo:
# franz-go v1.22.3's pkg/kgo tests and segmentio/kafka-go v0.4.51's root-package tests, each as a
# `go test -c` binary next to a copy of its module source (some tests read their own files).
# Module sources come from the Go module proxy (`go mod download`).
#
# Usage: scripts/peer_suites/build.sh   prints the suites' directory on stdout (progress on stderr)
# Env:   IOT_CACHE_DIR   cache root (default: $HOME/.cache/iot-platform)
#        GO              the go command (default: `go` on PATH, else /usr/local/go/bin/go)
#
# Idempotent: a suite with its `.complete` marker is skipped.
set -euo pipefail

cache="${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}"
root="$cache/peer-suites"
go="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"

# name module version package-dir
suites=(
  "kgo github.com/twmb/franz-go 1.22.3 pkg/kgo"
  "kafka-go github.com/segmentio/kafka-go 0.4.51 ."
)

build() {
  local name="$1" module="$2" version="$3" pkg="$4"
  local home="$root/$name-$version"
  if [[ -x "$home/suite.test" && -f "$home/.complete" ]]; then
    echo "peer suite $name $version: already built in $home (skipped)" >&2
    return
  fi
  [[ -x "$go" ]] || { echo "build.sh: go not found; run scripts/setup.sh" >&2; exit 1; }
  echo "peer suite $name $version: building $module/$pkg tests into $home" >&2
  local work dir
  work="$(mktemp -d)"
  # Outside any module, so only the suite's own zip is fetched here; its test deps follow below.
  dir="$(cd "$work" && "$go" mod download -json "$module@v$version" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$dir" ]] || { echo "build.sh: go mod download gave no module dir for $module" >&2; exit 1; }
  rm -rf "$home"
  mkdir -p "$home"
  cp -r "$dir" "$home/src"
  chmod -R u+w "$home/src"
  (cd "$home/src/$pkg" && GOFLAGS=-mod=mod "$go" test -c -o "$home/suite.test" .) >&2
  rm -rf "$work"
  echo "$module@v$version $pkg" >"$home/.complete"
}

for s in "${suites[@]}"; do
  # shellcheck disable=SC2086
  build $s
done
echo "$root"
