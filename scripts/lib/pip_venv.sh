#!/usr/bin/env bash
# Usage: pip_venv.sh NAME WHAT PINS — installs the PyPI requirement specifiers PINS into the venv
# ${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}/NAME (WHAT names them in the messages on stderr).
# Idempotent: a venv whose marker matches PINS is kept. Prints the venv's python path on stdout.
set -euo pipefail
NAME="$1" WHAT="$2" PINS="$3"
CACHE="${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}"
VENV="$CACHE/$NAME"
MARKER="$VENV/.iot-pins"
if [[ -x "$VENV/bin/python" && -f "$MARKER" && "$(cat "$MARKER")" == "$PINS" ]]; then
  echo "$WHAT already installed in $VENV (skipped)" >&2
else
  mkdir -p "$CACHE"
  python3 -m venv "$VENV"
  # shellcheck disable=SC2086 # PINS is a list of requirement specifiers
  "$VENV/bin/pip" install --quiet --disable-pip-version-check $PINS >&2
  echo "$PINS" >"$MARKER"
  echo "$WHAT installed in $VENV" >&2
fi
echo "$VENV/bin/python"
