import { assertEquals } from "@std/assert";
import cassandra from "cassandra-driver";
import { type RealCassandra, startCassandra, uniqueName } from "@iot/testing";
import { readAggregates, readSeedTable } from "./cassandra_reader_test_util.ts";
import { CassandraWriter } from "./cassandra_writer.ts";
import { sampleRecord, sinkWriterContract } from "./writer_contract_test_util.ts";

const keyspaceName = () => uniqueName("sinks").replaceAll("-", "_");

sinkWriterContract("CassandraWriter", async ({ lifecycle }) => {
  const node: RealCassandra = await startCassandra({ dedicated: lifecycle });
  const keyspace = keyspaceName();
  const writer = new CassandraWriter({
    contactPoints: [node.contactPoint],
    localDataCenter: node.localDataCenter,
    keyspace,
    timeoutMs: 5_000,
  });
  const reader = new cassandra.Client({
    contactPoints: [node.contactPoint],
    localDataCenter: node.localDataCenter,
  });
  // A partition key over Cassandra's 64 KiB key limit.
  const long = sampleRecord("window-aggregate", 99);
  return {
    writer,
    read: () => readAggregates(reader, keyspace),
    rejectable: { ...long, value: { ...long.value, deviceId: "d".repeat(70_000) } },
    makeUnavailable: () => node.stop(),
    makeAvailable: () => node.start(),
    async [Symbol.asyncDispose]() {
      await writer.close();
      await reader.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => {});
      await reader.shutdown();
      await node[Symbol.asyncDispose]();
    },
  };
});

Deno.test("CassandraWriter: the seed's table gets device_id, window_start, window_end, avg_temp", async () => {
  await using node = await startCassandra();
  const keyspace = keyspaceName();
  const options = { contactPoints: [node.contactPoint], localDataCenter: node.localDataCenter };
  await using writer = new CassandraWriter({ ...options, keyspace });
  const reader = new cassandra.Client(options);
  try {
    await writer.ensureSchema();
    const records = [0, 1, 2, 3].map((n) => sampleRecord("window-aggregate", n));
    await writer.write(records);
    assertEquals(
      await readSeedTable(reader, keyspace),
      records.map(({ value: a }) => ({
        deviceId: a.deviceId,
        windowStart: a.windowStart,
        windowEnd: a.windowEnd,
        avgTemp: a.temperature.avg,
      })).sort((a, b) => (a.deviceId + a.windowStart < b.deviceId + b.windowStart ? -1 : 1)),
    );
    // One device's day is one partition of the full table.
    const day = await reader.execute(
      `SELECT count(*) AS n FROM ${keyspace}.sensor_aggregates WHERE device_id = ? AND day = ?`,
      ["d0", cassandra.types.LocalDate.fromString(records[0].value.windowStart.slice(0, 10))],
      { prepare: true },
    );
    assertEquals(Number(day.rows[0].get("n")), 2);
    await reader.execute(`DROP KEYSPACE ${keyspace}`);
  } finally {
    await reader.shutdown();
  }
});
