import { assertEquals, assertMatch } from "@std/assert";
import { cassandraLayout } from "@iot/events";
import { aggregateInserts, hourBucket } from "./cassandra_schema.ts";
import { sampleRecord } from "./writer_contract_test_util.ts";

Deno.test("aggregateInserts: the cross-device tables get the window's hour and the storage hour", () => {
  const record = sampleRecord("window-aggregate", 3);
  const storedAt = Date.parse("2026-03-04T05:59:59.999Z");
  const inserts = aggregateInserts("ks", record, (day) => day, () => storedAt);
  const byTable = new Map(inserts.map((i) => [/INSERT INTO ks\.(\w+)/.exec(i.query)![1], i]));
  const start = new Date(record.value.windowStart);
  const byWindow = byTable.get(cassandraLayout.windowAggregatesByWindow.table)!;
  assertEquals(byWindow.params.slice(0, 3), [
    hourBucket(start.getTime()),
    start,
    record.value.deviceId,
  ]);
  assertEquals(byWindow.params.length, cassandraLayout.windowAggregatesByWindow.columns.length);
  const byIngest = byTable.get(cassandraLayout.windowAggregatesByIngest.table)!;
  // The timeuuid is the node's (now()); the hour partition the writer's clock.
  assertMatch(byIngest.query, /VALUES \(\?, now\(\), \?/);
  assertEquals(byIngest.params[0], new Date("2026-03-04T05:00:00.000Z"));
  assertEquals(byIngest.params.length, cassandraLayout.windowAggregatesByIngest.columns.length - 1);
  assertEquals(byTable.size, 4);
});
