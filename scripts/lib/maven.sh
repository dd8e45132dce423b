# shellcheck shell=bash
# Resolving a Java server's jars from Maven Central, shared by scripts/kafka/fetch.sh and
# scripts/cassandra/fetch.sh. `source` it after `set -euo pipefail`.

# maven_resolve_jars LABEL LIB ARTIFACT_ID DEPENDENCIES: copies the runtime closure of
# DEPENDENCIES (the <dependency> elements of a pom) into LIB, unless LIB holds a `.complete`
# marker. LABEL names it in progress lines ("kafka 4.3.1"). Exits 1 when Maven fails.
maven_resolve_jars() {
  local label="$1" lib="$2" artifact="$3" dependencies="$4" work
  if [[ -f "$lib/.complete" ]]; then
    echo "$label jars: already in $lib (skipped)" >&2
    return 0
  fi
  command -v mvn >/dev/null || { echo "fetch.sh: mvn not found; run scripts/setup.sh" >&2; exit 1; }
  work="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: `work` is local, the trap runs at exit
  trap "rm -rf '$work'" EXIT
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>iot.platform</groupId>
  <artifactId>$artifact</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
$dependencies
  </dependencies>
</project>
POM
  echo "$label jars: resolving from Maven Central into $lib" >&2
  rm -rf "$lib.tmp"
  # Output kept aside: Debian's Maven 3.8 prints stray ANSI codes even with -q.
  mvn -q -B -f "$work/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$lib.tmp" >"$work/mvn.log" 2>&1 ||
    { cat "$work/mvn.log" >&2; echo "fetch.sh: mvn dependency:copy-dependencies failed" >&2; exit 1; }
  rm -rf "$lib"
  mv "$lib.tmp" "$lib"
  touch "$lib/.complete"
}
