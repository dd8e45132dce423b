import { assert, assertEquals, assertRejects } from "@std/assert";
import { KafkaError } from "@iot/kafka";
import { type FakeKafka, readAll } from "@iot/kafka/testing";
import { waitFor } from "@iot/testing";
import {
  countingInput,
  countingOutputs as reference,
  fakeRunnerAt,
} from "./fake_kafka_test_util.ts";

const decoder = new TextDecoder();
const values = (kafka: FakeKafka) => readAll(kafka, "out").map((r) => decoder.decode(r.value!));

async function setup() {
  const { kafka, job, send } = countingInput();
  const dir = await Deno.makeTempDir();
  const start = (checkpointIntervalMs: number, lines: string[] = []) => {
    const { runner, stop } = fakeRunnerAt(kafka, job, dir, {
      guarantee: "at-least-once",
      checkpointIntervalMs,
      log: (line) => lines.push(line),
    });
    return { runner, stop, running: runner.run() };
  };
  return { kafka, send, dir, start };
}

Deno.test("at-least-once: outputs are readable before any checkpoint; the stop commits offsets", async () => {
  const { kafka, send, dir, start } = await setup();
  await send(0, 10);
  // No checkpoint is due for an hour: exactly-once would show nothing until the stop.
  const { runner, stop, running } = start(3_600_000);
  try {
    await waitFor(() => values(kafka).length === 10, { intervalMs: 5 });
    assertEquals(values(kafka), reference(0, 10));
    assertEquals(kafka.committedOffset("processor-count", "in", 0), undefined);
    assertEquals((await runner.status()).guarantee, "at-least-once");
  } finally {
    stop.abort();
    await running;
  }
  // The final checkpoint: state on disk, then the input offsets, outside any transaction.
  assertEquals(kafka.committedOffset("processor-count", "in", 0), 10);
  await send(10, 13);
  const again = start(3_600_000);
  try {
    await waitFor(() => values(kafka).length === 13, { intervalMs: 5 });
  } finally {
    again.stop.abort();
    await again.running;
    await Deno.remove(dir, { recursive: true });
  }
  // Restored from the local checkpoint: the counts go on, nothing is processed twice.
  assertEquals(values(kafka), reference(0, 13));
});

Deno.test("at-least-once: a failed offset commit fails the job; the restart repeats, loses nothing", async () => {
  const { kafka, send, dir, start } = await setup();
  await send(0, 6);
  const first = start(10);
  await waitFor(() => kafka.committedOffset("processor-count", "in", 0) === 6, { intervalMs: 5 });
  await send(6, 9);
  // The state of offset 9 reaches the disk and its outputs Kafka, but the offsets never commit.
  kafka.failNext("commit");
  await assertRejects(() => first.running, Error, "Injected failure before commit");
  assertEquals(kafka.committedOffset("processor-count", "in", 0), 6);
  assertEquals(values(kafka), reference(0, 9));
  const lines: string[] = [];
  const second = start(10, lines);
  try {
    await waitFor(() => kafka.committedOffset("processor-count", "in", 0) === 9, {
      intervalMs: 5,
    });
  } finally {
    second.stop.abort();
    await second.running;
    await Deno.remove(dir, { recursive: true });
  }
  // The checkpoint of offset 6 is restored and 6..8 processed again: repeated, the same values.
  assertEquals(values(kafka), [...reference(0, 9), ...reference(6, 9)]);
});

Deno.test("at-least-once: a commit refused for a stale generation rewinds to the last commit and goes on", async () => {
  const { kafka, send, dir, start } = await setup();
  await send(0, 6);
  const lines: string[] = [];
  const first = start(10, lines);
  try {
    await waitFor(() => kafka.committedOffset("processor-count", "in", 0) === 6, { intervalMs: 5 });
    await send(6, 9);
    // What a member gets when a rebalance moved the group on while it committed.
    kafka.failNext(
      "commit",
      "before",
      new KafkaError("commit: Broker: Specified group generation id is not valid", { code: 22 }),
    );
    await waitFor(() => kafka.committedOffset("processor-count", "in", 0) === 9, {
      intervalMs: 5,
    });
    assert(lines.some((l) => l.includes("rewinding to the last commit")), lines.join("\n"));
  } finally {
    first.stop.abort();
    await first.running; // did not fail
    await Deno.remove(dir, { recursive: true });
  }
  // 6..8 were sent, their commit refused, then processed again from the checkpoint of offset 6.
  assertEquals(values(kafka), [...reference(0, 9), ...reference(6, 9)]);
});

Deno.test("at-least-once: without a local checkpoint the state is rebuilt from the earliest offset", async () => {
  const { kafka, send, dir, start } = await setup();
  await send(0, 6);
  const first = start(10);
  await waitFor(() => kafka.committedOffset("processor-count", "in", 0) === 6, { intervalMs: 5 });
  first.stop.abort();
  await first.running;
  await Deno.remove(dir, { recursive: true }); // the disk was wiped (or the partition moved)
  await send(6, 8);
  const lines: string[] = [];
  const second = start(10, lines);
  try {
    await waitFor(() => kafka.committedOffset("processor-count", "in", 0) === 8, {
      intervalMs: 5,
    });
  } finally {
    second.stop.abort();
    await second.running;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  assert(
    lines.some((l) => l.includes("rebuilding its state from the earliest offset")),
    lines.join("\n"),
  );
  // Counts stay right (no state lost); the first six outputs are repeated.
  assertEquals(values(kafka), [...reference(0, 6), ...reference(0, 8)]);
});
