#!/usr/bin/env bash
# Resolves Apache Cassandra's server jars (cassandra-all, pinned, with transitive runtime
# dependencies) from Maven Central into a cache outside the repo, and writes beside them the JVM
# flags (`jvm.options`, one per line) and a quiet logback config that scripts/cassandra/start.sh and
# startCassandra() in @iot/testing both use.
#
# Usage: scripts/cassandra/fetch.sh    prints the lib dir on stdout (progress goes to stderr)
# Env:   IOT_CACHE_DIR                 cache root (default: $HOME/.cache/iot-platform)
#
# Idempotent: skips resolution when the lib dir holds a `.complete` marker.
set -euo pipefail

# shellcheck source=scripts/lib/maven.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/maven.sh"

# Pinned: Maven's LATEST resolves to a 6.0 alpha.
version="5.0.9"
cache="${IOT_CACHE_DIR:-$HOME/.cache/iot-platform}"
home="$cache/cassandra-$version"
lib="$home/lib"

maven_resolve_jars "cassandra $version" "$lib" cassandra-runtime "$(cat <<DEPS
    <dependency>
      <groupId>org.apache.cassandra</groupId><artifactId>cassandra-all</artifactId>
      <version>$version</version>
    </dependency>
DEPS
)"

# Small heap and serial GC: a test server needs ~0.4 GB RSS this way (Cassandra's defaults ~0.9 GB).
# The --add-exports/--add-opens list is Cassandra's conf/jvm17-server.options (without it the
# daemon fails at start with IllegalAccessException on sun.nio.ch.DirectBuffer).
cat >"$home/jvm.options.tmp" <<'OPTS'
-Xms64m
-Xmx512m
-XX:+ExitOnOutOfMemoryError
-XX:+UseSerialGC
-XX:TieredStopAtLevel=1
-XX:ReservedCodeCacheSize=64m
-XX:MaxDirectMemorySize=128m
-Djava.awt.headless=true
-Dcassandra-foreground=yes
-Djdk.attach.allowAttachSelf=true
-Dio.netty.tryReflectionSetAccessible=true
--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED
--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED
--add-exports=java.sql/java.sql=ALL-UNNAMED
--add-exports=java.base/java.lang.ref=ALL-UNNAMED
--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED
--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED
--add-opens=java.base/java.lang.module=ALL-UNNAMED
--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED
--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED
--add-opens=java.base/jdk.internal.math=ALL-UNNAMED
--add-opens=java.base/jdk.internal.module=ALL-UNNAMED
--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED
--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED
--add-opens=java.base/java.io=ALL-UNNAMED
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED
--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
--add-opens=java.base/java.lang=ALL-UNNAMED
--add-opens=java.base/java.util=ALL-UNNAMED
OPTS
mv "$home/jvm.options.tmp" "$home/jvm.options"

# Logback: warnings and errors to the console (the caller redirects it to a log file), plus the
# line that says CQL clients are served, which start scripts and test helpers wait for.
cat >"$home/logback.xml.tmp" <<'LOG'
<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <logger name="org.apache.cassandra.transport.Server" level="INFO"/>
  <logger name="org.apache.cassandra.service.CassandraDaemon" level="INFO"/>
  <root level="WARN"><appender-ref ref="STDOUT"/></root>
</configuration>
LOG
mv "$home/logback.xml.tmp" "$home/logback.xml"

echo "$lib"
