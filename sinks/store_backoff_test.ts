import { assertEquals, assertRejects } from "@std/assert";
import type { TopicPartition } from "@iot/kafka";
import { waitFor } from "@iot/testing";
import { MemoryWriter } from "./fake_kafka_test_util.ts";
import { emptyStats } from "./status.ts";
import { StoreBackoff, type StoreEvent, whileUnavailable } from "./store_backoff.ts";
import { StoreUnavailableError } from "./writer.ts";
import { sampleRecord } from "./writer_contract_test_util.ts";

const down = () => new StoreUnavailableError("test", "down");

Deno.test("whileUnavailable: retries outages with doubling delays until the attempt succeeds", async () => {
  let attempts = 0;
  const delays: number[] = [];
  const result = await whileUnavailable(() => {
    if (++attempts <= 4) throw down();
    return Promise.resolve("done");
  }, {
    retryMs: 1,
    maxRetryMs: 4,
    signal: new AbortController().signal,
    onUnavailable: (_, retryInMs) => delays.push(retryInMs),
  });
  assertEquals(result, "done");
  assertEquals(delays, [1, 2, 4, 4]);
});

Deno.test("whileUnavailable: other errors are thrown at once; a stop resolves null", async () => {
  let attempts = 0;
  const options = { retryMs: 1, maxRetryMs: 1, onUnavailable: () => {} };
  await assertRejects(
    () =>
      whileUnavailable(() => {
        attempts++;
        throw new TypeError("a bug");
      }, { ...options, signal: new AbortController().signal }),
    TypeError,
    "a bug",
  );
  assertEquals(attempts, 1);
  const stop = new AbortController();
  const result = await whileUnavailable(() => {
    stop.abort();
    throw down();
  }, { ...options, signal: stop.signal });
  assertEquals(result, null);
});

/** An input that keeps what is paused, as `topic/partition`. */
function pausable(assigned: TopicPartition[]) {
  const paused = new Set<string>();
  const names = (ps: readonly TopicPartition[]) => ps.map((p) => `${p.topic}/${p.partition}`);
  return {
    paused,
    assignment: () => assigned,
    pause: (ps: readonly TopicPartition[]) => names(ps).forEach((n) => paused.add(n)),
    resume: (ps: readonly TopicPartition[]) => names(ps).forEach((n) => paused.delete(n)),
  };
}

Deno.test("StoreBackoff: an outage pauses the input and counts; the write that gets through resumes it", async () => {
  const writer = new MemoryWriter();
  const stats = emptyStats();
  const events: StoreEvent["type"][] = [];
  const store = new StoreBackoff(writer, stats, {
    retryMs: 1,
    maxRetryMs: 2,
    onEvent: (e) => events.push(e.type),
  });
  const input = pausable([{ topic: "t", partition: 0 }, { topic: "t", partition: 1 }]);
  writer.down = true;
  const writing = store.write(
    input,
    [sampleRecord("climate-reading", 1)],
    new AbortController().signal,
  );
  await waitFor(() => stats.retries >= 3, { message: "3 retries" });
  assertEquals(store.paused, true);
  assertEquals([...input.paused].sort(), ["t/0", "t/1"]);
  assertEquals(stats.waitingForStore, true);
  assertEquals(stats.lastError, "memory unavailable: switched off by the test");
  writer.down = false;
  const result = await writing;
  assertEquals(result?.written, 1);
  assertEquals(store.paused, false);
  assertEquals(input.paused.size, 0, "resumed");
  assertEquals(stats.waitingForStore, false);
  assertEquals(stats.lastError, null);
  assertEquals(events.at(-1), "recovered");
  assertEquals(events.filter((e) => e === "unavailable").length, stats.retries);
});

Deno.test("StoreBackoff: ensureSchema waits for the store; writeDue is one attempt, counted when down", async () => {
  const writer = new MemoryWriter();
  const stats = emptyStats();
  const store = new StoreBackoff(writer, stats, { retryMs: 1, maxRetryMs: 1, onEvent: () => {} });
  writer.schemaDown = true;
  const stop = new AbortController();
  const creating = store.ensureSchema(stop.signal);
  await waitFor(() => stats.retries >= 2, { message: "2 schema retries" });
  assertEquals(stats.waitingForStore, true);
  writer.schemaDown = false;
  assertEquals(await creating, true);
  assertEquals(stats.waitingForStore, false);
  writer.down = true;
  const before = stats.retries;
  assertEquals(await store.writeDue(), false);
  assertEquals(stats.retries, before + 1);
  writer.down = false;
  assertEquals(await store.writeDue(), true);
});
