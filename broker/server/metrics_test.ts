import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { BrokerMetrics } from "./metrics.ts";

Deno.test("BrokerMetrics renders per-API counters, histograms, connections and partitions", () => {
  const m = new BrokerMetrics();
  m.connectionOpened();
  m.observeRequest("Produce", 100, 40, 0.002);
  m.observeRequest("Produce", 50, 0, 0.3, true);
  const text = m.render([{
    topic: "t",
    partition: 0,
    sizeBytes: 123,
    highWatermark: 7,
    logStartOffset: 0,
  }]);
  assertStringIncludes(text, 'broker_requests_total{api="Produce"} 2\n');
  assertStringIncludes(text, 'broker_request_errors_total{api="Produce"} 1\n');
  assertStringIncludes(text, 'broker_request_bytes_total{api="Produce"} 150\n');
  assertStringIncludes(
    text,
    'broker_request_duration_seconds_bucket{api="Produce",le="0.0025"} 1\n',
  );
  assertStringIncludes(text, 'broker_request_duration_seconds_bucket{api="Produce",le="+Inf"} 2\n');
  assertStringIncludes(text, "broker_connections_open 1\n");
  assertStringIncludes(text, 'broker_partition_size_bytes{topic="t",partition="0"} 123\n');
  assertEquals(m.requestCount("Produce"), 2);
  for (const line of text.trimEnd().split("\n")) {
    assert(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? [\d.e+-]+)$/.test(line), line);
  }
});
