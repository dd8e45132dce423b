import { assertEquals, assertGreater } from "@std/assert";
import { startKafka, uniqueName, waitFor } from "@iot/testing";
import { Consumer, type ConsumerRecord, Offset, Producer } from "./mod.ts";

const text = (bytes: Uint8Array | null) => bytes === null ? null : new TextDecoder().decode(bytes);

/** Reads from `consumer` until `done(records)` holds. */
async function consumeUntil(
  consumer: Consumer,
  done: (records: ConsumerRecord[]) => boolean,
  timeoutMs = 30_000,
): Promise<ConsumerRecord[]> {
  const records: ConsumerRecord[] = [];
  const signal = AbortSignal.timeout(timeoutMs);
  for await (const batch of consumer.batches({ signal })) {
    records.push(...batch);
    if (done(records)) return records;
  }
  throw new Error(`timed out after ${timeoutMs} ms with ${records.length} records`);
}

Deno.test("round trip keeps keys, values, headers, timestamps, null keys and tombstones", async () => {
  await using kafka = await startKafka();
  const topic = uniqueName("roundtrip");
  await using producer = new Producer({ config: { "bootstrap.servers": kafka.bootstrap } });
  const reports = await producer.sendBatch([
    {
      topic,
      key: "device-1",
      value: '{"t":21.5}',
      headers: [["content-type", "application/json"], ["trace", null], ["dup", "a"], ["dup", "b"]],
      timestamp: 1_753_223_445_123,
    },
    { topic, key: null, value: new Uint8Array([0, 1, 2, 255]) },
    { topic, key: "device-1", value: null },
    { topic, key: "", value: "" },
  ]);
  assertEquals(reports.map((r) => [r.topic, r.partition, r.offset]), [
    [topic, 0, 0],
    [topic, 0, 1],
    [topic, 0, 2],
    [topic, 0, 3],
  ]);

  await using consumer = new Consumer({
    config: { "bootstrap.servers": kafka.bootstrap, "group.id": uniqueName("g") },
  });
  consumer.assign([{ topic, partition: 0, offset: Offset.BEGINNING }]);
  const records = await consumeUntil(consumer, (r) => r.length >= 4);
  assertEquals(records.length, 4);
  const [first, second, third, fourth] = records;
  assertEquals(text(first.key), "device-1");
  assertEquals(text(first.value), '{"t":21.5}');
  assertEquals(first.timestamp, 1_753_223_445_123);
  assertEquals(first.timestampType, "create");
  assertEquals(first.headers.map(([k, v]) => [k, text(v)]), [
    ["content-type", "application/json"],
    ["trace", null],
    ["dup", "a"],
    ["dup", "b"],
  ]);
  assertEquals(second.key, null);
  assertEquals(second.value, new Uint8Array([0, 1, 2, 255]));
  assertEquals(second.headers, []);
  assertGreater(second.timestamp, 1_753_223_445_123);
  assertEquals([text(third.key), third.value], ["device-1", null]);
  assertEquals([fourth.key, fourth.value], [new Uint8Array(0), new Uint8Array(0)]);
  assertEquals(records.map((r) => r.offset), [0, 1, 2, 3]);

  const { low, high } = await consumer.watermarkOffsets(topic, 0);
  assertEquals([low, high], [0, 4]);
});

Deno.test("seek, pause and resume, position and committed offsets", async () => {
  await using kafka = await startKafka();
  const topic = uniqueName("seek");
  const group = uniqueName("g");
  await using producer = new Producer({ config: { "bootstrap.servers": kafka.bootstrap } });
  await producer.sendBatch(Array.from({ length: 10 }, (_, i) => ({ topic, value: `v${i}` })));
  await using consumer = new Consumer({
    config: {
      "bootstrap.servers": kafka.bootstrap,
      "group.id": group,
      "enable.auto.commit": false,
    },
  });
  consumer.assign([{ topic, partition: 0, offset: 5 }]);
  const fromFive = await consumeUntil(consumer, (r) => r.length >= 5);
  assertEquals(fromFive.map((r) => text(r.value)), ["v5", "v6", "v7", "v8", "v9"]);
  assertEquals(consumer.position([{ topic, partition: 0 }])[0].offset, 10);

  await consumer.commit([{ topic, partition: 0, offset: 7 }]);
  const [committed] = await consumer.committed([{ topic, partition: 0 }]);
  assertEquals(committed.offset, 7);

  await consumer.seek([{ topic, partition: 0, offset: 2 }]);
  const again = await consumeUntil(consumer, (r) => r.length >= 2);
  assertEquals(text(again[0].value), "v2");

  consumer.pause([{ topic, partition: 0 }]);
  await producer.send({ topic, value: "late" });
  consumer.resume([{ topic, partition: 0 }]);
  const rest = await consumeUntil(consumer, (r) => r.some((x) => text(x.value) === "late"));
  assertEquals(text(rest.at(-1)!.value), "late");
});

Deno.test("statistics and log lines reach the caller's hooks", async () => {
  await using kafka = await startKafka();
  const stats: number[] = [];
  const logs: string[] = [];
  await using producer = new Producer({
    config: {
      "bootstrap.servers": kafka.bootstrap,
      "statistics.interval.ms": 100,
      debug: "broker",
    },
    onStats: (s) => stats.push(s.brokers.length),
    onLog: (record) => logs.push(`${record.level} ${record.facility} ${record.message}`),
  });
  await producer.send({ topic: uniqueName("stats"), value: "x" });
  await waitFor(() => stats.length >= 2, { message: "two statistics samples" });
  assertGreater(stats[stats.length - 1], 0);
  assertGreater(logs.length, 0);
});

Deno.test("batches({ headers: false }) skips headers but keeps timestamps", async () => {
  await using kafka = await startKafka();
  const topic = uniqueName("noheaders");
  await using producer = new Producer({ config: { "bootstrap.servers": kafka.bootstrap } });
  const records = Array.from({ length: 50 }, (_, i) => ({
    topic,
    partition: 0,
    value: `v${i}`,
    headers: { h: "x" },
    timestamp: 1_700_000_000_000 + i,
  }));
  await producer.sendBatch(records);
  await using consumer = new Consumer({
    config: { "bootstrap.servers": kafka.bootstrap, "group.id": uniqueName("g") },
  });
  consumer.assign([{ topic, partition: 0, offset: Offset.BEGINNING }]);
  const seen: ConsumerRecord[] = [];
  for await (
    const batch of consumer.batches({ headers: false, signal: AbortSignal.timeout(30_000) })
  ) {
    seen.push(...batch);
    if (seen.length >= records.length) break;
  }
  assertEquals(seen.map((r) => r.timestamp), records.map((r) => r.timestamp));
  assertEquals(seen.every((r) => r.headers.length === 0 && r.timestampType === "create"), true);
});
