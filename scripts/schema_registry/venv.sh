#!/usr/bin/env bash
# Installs the Schema Registry client the shim's registry is checked with (nobody here wrote it):
# Python's `confluent-kafka` with its `schemaregistry` and `json` extras (SchemaRegistryClient,
# JSONSerializer, JSONDeserializer) from PyPI, into
# ${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}/schema-registry-venv. Idempotent: a venv whose
# marker matches the pinned versions is kept. Prints the venv's python path on stdout.
set -euo pipefail
CACHE="${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}"
VENV="$CACHE/schema-registry-venv"
PINS="confluent-kafka[schemaregistry,json]==2.16.1"
MARKER="$VENV/.iot-pins"
if [[ -x "$VENV/bin/python" && -f "$MARKER" && "$(cat "$MARKER")" == "$PINS" ]]; then
  echo "schema registry client already installed in $VENV (skipped)" >&2
else
  mkdir -p "$CACHE"
  python3 -m venv "$VENV"
  # shellcheck disable=SC2086 # PINS is a list of requirement specifiers
  "$VENV/bin/pip" install --quiet --disable-pip-version-check $PINS >&2
  echo "$PINS" >"$MARKER"
  echo "schema registry client installed in $VENV" >&2
fi
echo "$VENV/bin/python"
