import { assert, assertEquals } from "@std/assert";
import type { TopicPartition } from "@iot/kafka";
import { FakeKafka, readAll } from "@iot/kafka/testing";
import { waitFor } from "@iot/testing";
import {
  fakeSinkClients,
  type FakeSinkHooks,
  MemoryWriter,
  produceReadings,
} from "./fake_kafka_test_util.ts";
import { SinkRunner, type SinkRunnerOptions } from "./runner.ts";

const GROUP = "sink-test";

function cluster(): FakeKafka {
  const kafka = new FakeKafka();
  kafka.createTopic("readings", 2);
  kafka.createTopic("alerts", 1);
  kafka.createTopic("dlq", 1);
  return kafka;
}

function runner(
  kafka: FakeKafka,
  writer: MemoryWriter,
  hooks: FakeSinkHooks = {},
  options: Partial<SinkRunnerOptions> = {},
): SinkRunner {
  return new SinkRunner({
    name: GROUP,
    clients: fakeSinkClients(kafka, hooks),
    routes: [{ topic: "readings", kind: "climate-reading" }, { topic: "alerts", kind: "alert" }],
    writer,
    deadLetterTopic: "dlq",
    batchSize: 16,
    lingerMs: 5,
    retryMs: 5,
    maxRetryMs: 20,
    ...options,
  });
}

const committed = (kafka: FakeKafka, topic: string, partitions: number) =>
  Array.from({ length: partitions }, (_, p) => kafka.committedOffset(GROUP, topic, p) ?? 0)
    .reduce((a, b) => a + b, 0);

Deno.test("SinkRunner: commits a batch's offsets only after its rows are written", async () => {
  const kafka = cluster();
  const writer = new MemoryWriter();
  const early: string[] = [];
  const commits: TopicPartition[][] = [];
  const beforeCommit = (offsets: readonly TopicPartition[]) => {
    commits.push([...offsets]);
    for (const { topic, partition, offset } of offsets) {
      for (let o = 0; o < offset!; o++) {
        if (!writer.written.includes(`${topic}/${partition}/${o}`)) {
          early.push(`${topic}/${partition}/${o}`);
        }
      }
    }
  };
  await produceReadings(kafka, 0, 50);
  const abort = new AbortController();
  const running = runner(kafka, writer, { beforeCommit }).run(abort.signal);
  await waitFor(() => committed(kafka, "readings", 2) === 50, { message: "50 offsets committed" });
  abort.abort();
  await running;
  assert(commits.length >= 4, `batches of 16: ${commits.length} commits`);
  assertEquals(early, [], "offsets committed before their records were written");
  assertEquals(writer.rows.size, 50);
});

Deno.test("SinkRunner: a store outage pauses the partitions, commits nothing, then resumes without skipping", async () => {
  const kafka = cluster();
  const writer = new MemoryWriter();
  writer.down = true;
  const abort = new AbortController();
  const paused = new Set<string>();
  const sink = runner(kafka, writer, { paused });
  const running = sink.run(abort.signal);
  await produceReadings(kafka, 0, 20);
  await waitFor(async () => (await sink.status()).retries >= 3, { message: "3 retries" });
  const waiting = await sink.status();
  assert(waiting.waitingForStore, "status says it waits for the store");
  assertEquals(waiting.lastError, "memory unavailable: switched off by the test");
  assertEquals(committed(kafka, "readings", 2), 0, "nothing committed while down");
  assertEquals([...paused].sort(), ["alerts/0", "readings/0", "readings/1"], "all paused");
  // Paused: records arriving now are not fetched (memory stays bounded).
  const readBefore = waiting.recordsIn;
  await produceReadings(kafka, 20, 60);
  await waitFor(async () => (await sink.status()).retries >= waiting.retries + 3, {
    message: "3 more retries",
  });
  assertEquals((await sink.status()).recordsIn, readBefore, "fetched while paused");
  assertEquals((await sink.status()).lag, 60);
  writer.down = false;
  await waitFor(() => committed(kafka, "readings", 2) === 60, { message: "60 offsets committed" });
  const after = await sink.status();
  abort.abort();
  await running;
  assertEquals(writer.rows.size, 60, "every record written once the store returned");
  assertEquals(after.waitingForStore, false);
  assertEquals(paused.size, 0, "resumed");
  assertEquals(after.lag, 0);
  assertEquals(after.rowsWritten, 60);
});

Deno.test("SinkRunner: a crash between write and commit replays the batch into the same rows", async () => {
  const kafka = cluster();
  const writer = new MemoryWriter();
  await produceReadings(kafka, 0, 30);
  const crash = new AbortController();
  let crashed = false;
  const beforeCommit = () => {
    if (crashed) return;
    crashed = true;
    crash.abort(); // the process dies after the write, before the commit reaches Kafka
    throw new Error("crashed before commit");
  };
  await runner(kafka, writer, { beforeCommit }, { batchSize: 100, lingerMs: 20 }).run(crash.signal);
  assertEquals(writer.written.length, 30, "the first run wrote the batch");
  assertEquals(committed(kafka, "readings", 2), 0, "and committed nothing");
  const abort = new AbortController();
  const running = runner(kafka, writer).run(abort.signal);
  await waitFor(() => committed(kafka, "readings", 2) === 30, { message: "30 offsets committed" });
  abort.abort();
  await running;
  assertEquals(writer.written.length, 60, "the restart wrote the batch again");
  assertEquals(writer.rows.size, 30, "into the same rows: no duplicates");
  const expected = readAll(kafka, "readings").map((r) => `${r.topic}/${r.partition}/${r.offset}`);
  assertEquals(new Set(writer.written), new Set(expected));
});

Deno.test("SinkRunner: a graceful stop writes and commits what it has read", async () => {
  const kafka = cluster();
  const writer = new MemoryWriter();
  await produceReadings(kafka, 0, 10);
  const abort = new AbortController();
  const sink = runner(kafka, writer, {}, { batchSize: 1000, lingerMs: 600_000 });
  const running = sink.run(abort.signal);
  await waitFor(async () => (await sink.status()).recordsIn === 10, { message: "10 read" });
  assertEquals(writer.rows.size, 0, "still lingering");
  abort.abort();
  await running;
  assertEquals(writer.rows.size, 10);
  assertEquals(committed(kafka, "readings", 2), 10);
});

Deno.test("SinkRunner: a store not up at start is retried, not fatal; records wait for it", async () => {
  const kafka = cluster();
  const writer = new MemoryWriter();
  writer.schemaDown = true;
  const abort = new AbortController();
  const sink = runner(kafka, writer);
  const running = sink.run(abort.signal);
  await produceReadings(kafka, 0, 10);
  await waitFor(async () => (await sink.status()).retries >= 3, { message: "3 schema retries" });
  const waiting = await sink.status();
  assertEquals(waiting.lastError, "memory unavailable: switched off by the test");
  assert(waiting.waitingForStore, "status says it waits for the store");
  assertEquals(committed(kafka, "readings", 2), 0, "nothing committed before the schema exists");
  writer.schemaDown = false;
  await waitFor(() => committed(kafka, "readings", 2) === 10, { message: "10 offsets committed" });
  abort.abort();
  await running;
  assertEquals(writer.rows.size, 10);
  assertEquals((await sink.status()).waitingForStore, false);
});
