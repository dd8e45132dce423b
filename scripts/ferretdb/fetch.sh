#!/usr/bin/env bash
# Builds FerretDB (a MongoDB-wire server on SQLite) from its Go module source into a cache outside
# the repo. No registry ships a `mongod`; `go install ...@v1.24.2` builds a binary that panics at
# start (the module zip lacks build/version/version.txt), so the module is copied, completed and
# patched (scripts/ferretdb/patches/, two small upstream bugs: see the patch comments), then built.
#
# Usage: scripts/ferretdb/fetch.sh     prints the binary's path on stdout (progress goes to stderr)
# Env:   IOT_CACHE_DIR                 cache root (default: $HOME/.cache/iot-platform)
#        GO                            the go command (default: `go` on PATH, else /usr/local/go/bin/go)
#
# Idempotent: skips the build when the binary's `.complete` marker names the same patch digest.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="1.24.2"
cache="${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}"
home="$cache/ferretdb-$version"
bin="$home/ferretdb"
patch_file="$here/patches/v$version.patch"
digest="$(sha256sum "$patch_file" | cut -d' ' -f1)"

if [[ -x "$bin" && "$(cat "$home/.complete" 2>/dev/null)" == "$digest" ]]; then
  echo "ferretdb $version: already built in $bin (skipped)" >&2
  echo "$bin"
  exit 0
fi

go="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
[[ -x "$go" ]] || { echo "fetch.sh: go not found; run scripts/setup.sh" >&2; exit 1; }
command -v patch >/dev/null || { echo "fetch.sh: patch not found; run scripts/setup.sh" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "ferretdb $version: building from the Go module source into $bin" >&2
# Outside any module, so only FerretDB's own zip is fetched (not its ~740 MB of test deps).
dir="$(cd "$work" && "$go" mod download -json "github.com/FerretDB/FerretDB@v$version" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[[ -d "$dir" ]] || { echo "fetch.sh: go mod download gave no module dir" >&2; exit 1; }
cp -r "$dir" "$work/src"
chmod -R u+w "$work/src"
echo "v$version" >"$work/src/build/version/version.txt"
patch -s -d "$work/src" -p1 <"$patch_file"
mkdir -p "$home"
(cd "$work/src" && "$go" build -buildvcs=false -o "$bin.tmp" ./cmd/ferretdb) >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; echo "fetch.sh: go build failed" >&2; exit 1; }
mv "$bin.tmp" "$bin"
echo "$digest" >"$home/.complete"
echo "$bin"
