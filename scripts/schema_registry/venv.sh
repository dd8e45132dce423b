#!/usr/bin/env bash
# Installs the Schema Registry client the shim's registry is checked with (nobody here wrote it):
# Python's `confluent-kafka` with its `schemaregistry`, `json` and `avro` extras (SchemaRegistryClient,
# JSON and Avro serializers) from PyPI, into
# ${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}/schema-registry-venv. Idempotent: a venv whose
# marker matches the pinned versions is kept. Prints the venv's python path on stdout.
set -euo pipefail
PINS="confluent-kafka[schemaregistry,json,avro]==2.16.1"
exec bash "$(dirname "${BASH_SOURCE[0]}")/../lib/pip_venv.sh" schema-registry-venv \
  "schema registry client" "$PINS"
