#!/usr/bin/env bash
# Resolves the Apache Kafka broker and tools jars (with transitive dependencies) from Maven Central
# into a cache outside the repo, and writes a quiet Log4j 2 config beside them.
#
# Usage: scripts/kafka/fetch.sh        prints the lib dir on stdout (progress goes to stderr)
# Env:   IOT_CACHE_DIR                 cache root (default: $HOME/.cache/iot-platform)
#        KAFKA_VERSION                 default 4.3.1
#
# Idempotent: skips resolution when the lib dir holds a `.complete` marker.
set -euo pipefail

# shellcheck source=scripts/lib/maven.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/maven.sh"

version="${KAFKA_VERSION:-4.3.1}"
log4j_version="2.25.4" # what kafka-tools 4.3.1 resolves (mvn dependency:tree)
cache="${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}"
home="$cache/kafka-$version"
lib="$home/lib"

# Kafka 4.3's POMs pin slf4j-api 1.7.36 and bring log4j-core (via kafka-tools) but no SLF4J
# binding, so the broker's logs would go nowhere. Add the slf4j-1.x -> Log4j 2 bridge the release
# tarball ships (log4j-slf4j-impl), at the log4j-core version kafka-tools resolves.
maven_resolve_jars "kafka $version" "$lib" kafka-runtime "$(cat <<DEPS
    <dependency>
      <groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version>
    </dependency>
    <dependency>
      <groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$version</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId>
      <version>$log4j_version</version>
    </dependency>
DEPS
)"

# Log4j 2: warnings and errors only, to the console (the caller redirects it to a log file).
if [[ ! -f "$home/log4j2.properties" ]]; then
  cat >"$home/log4j2.properties" <<'LOG'
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.stdout.ref = STDOUT
# Keep the "started" line so start scripts and test helpers can wait for readiness.
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = info
logger.broker.name = kafka.server.BrokerServer
logger.broker.level = info
LOG
fi

echo "$lib"
