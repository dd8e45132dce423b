import { assertEquals, assertRejects } from "@std/assert";
import { startKafka, uniqueName } from "@iot/testing";
import {
  Admin,
  Consumer,
  type ConsumerRecord,
  KafkaError,
  Producer,
  type RecordBlock,
} from "./mod.ts";

const encoder = new TextEncoder();
const text = (bytes: Uint8Array | null) => bytes === null ? null : new TextDecoder().decode(bytes);

/** A block of `n` records over `topics`: key `k<i>` (none for every 7th), value `v<i>`. */
function block(topics: string[], n: number): RecordBlock {
  const parts = Array.from({ length: n }, (_, i) => [i % 7 === 0 ? "" : `k${i}`, `v${i}`]);
  const bytes = encoder.encode(parts.flat().join(""));
  const keyStart = new Int32Array(n), keyLength = new Int32Array(n);
  const valueStart = new Int32Array(n), valueLength = new Int32Array(n);
  let at = 0;
  parts.forEach(([key, value], i) => {
    keyStart[i] = at;
    keyLength[i] = i % 7 === 0 ? -1 : key.length;
    at += key.length;
    valueStart[i] = at;
    valueLength[i] = value.length;
    at += value.length;
  });
  return {
    count: n,
    topics,
    topicIndex: Uint8Array.from({ length: n }, (_, i) => i % topics.length),
    values: bytes,
    valueStart,
    valueLength,
    keys: bytes,
    keyStart,
    keyLength,
    timestamps: Float64Array.from({ length: n }, (_, i) => 1_753_000_000_000 + i),
    headers: [["content-type", encoder.encode("application/json")], ["empty", new Uint8Array()]],
  };
}

async function readAll(bootstrap: string, topic: string, n: number): Promise<ConsumerRecord[]> {
  await using consumer = new Consumer({
    config: { "bootstrap.servers": bootstrap, "group.id": uniqueName("g") },
  });
  consumer.assign([{ topic, partition: 0, offset: 0 }]);
  const records: ConsumerRecord[] = [];
  for await (const batch of consumer.batches({ signal: AbortSignal.timeout(30_000) })) {
    records.push(...batch);
    if (records.length >= n) break;
  }
  return records;
}

Deno.test("sendBlock writes each record's topic, key, value, timestamp and headers in order", async () => {
  await using kafka = await startKafka();
  const topics = [uniqueName("block-a"), uniqueName("block-b")];
  {
    await using admin = new Admin({ config: { "bootstrap.servers": kafka.bootstrap } });
    await admin.createTopics(topics.map((name) => ({ name, partitions: 1 })));
  }
  await using producer = new Producer({
    config: { "bootstrap.servers": kafka.bootstrap, "enable.idempotence": true, "linger.ms": 1 },
  });
  // Two blocks in flight at once, with reports of several batches in one delivery event.
  const n = 3000;
  await Promise.all([producer.sendBlock(block(topics, n)), producer.sendBlock(block(topics, 10))]);
  const expected = [...Array(n).keys(), ...Array(10).keys()];
  for (const [t, topic] of topics.entries()) {
    const want = expected.filter((_, j) => (j < n ? j : j - n) % 2 === t);
    const records = await readAll(kafka.bootstrap, topic, want.length);
    assertEquals(
      records.map((r) => [text(r.key), text(r.value), r.timestamp]),
      want.map((i) => [i % 7 === 0 ? null : `k${i}`, `v${i}`, 1_753_000_000_000 + i]),
    );
    assertEquals(records[0].headers.map(([k, v]) => [k, text(v)]), [
      ["content-type", "application/json"],
      ["empty", null],
    ]);
  }
});

Deno.test("sendBlock rejects when the broker refuses its records", async () => {
  await using kafka = await startKafka();
  const topic = uniqueName("block-small");
  {
    await using admin = new Admin({ config: { "bootstrap.servers": kafka.bootstrap } });
    await admin.createTopics([{ name: topic, config: { "max.message.bytes": "64" } }]);
  }
  await using producer = new Producer({ config: { "bootstrap.servers": kafka.bootstrap } });
  // 50 records of ~10 bytes exceed 64 bytes as one record batch: the broker rejects it.
  const error = await assertRejects(() => producer.sendBlock(block([topic], 50)), KafkaError);
  assertEquals(error.message.includes(topic), true, error.message);
});
