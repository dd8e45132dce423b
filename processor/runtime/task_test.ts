import { assertEquals } from "@std/assert";
import type { ConsumerRecord, ProducerRecord } from "@iot/kafka";
import { deviceAggregatesJob } from "../jobs/device_aggregates.ts";
import { TaskStore } from "../state/task_store.ts";
import { deadLetterHeaders } from "./dead_letter.ts";
import { Task } from "./task.ts";

const job = deviceAggregatesJob({
  input: "in",
  output: "out",
  late: "late",
  deadLetter: "dlq",
  windowMs: 10_000,
  maxOutOfOrdernessMs: 1_000,
  allowedLatenessMs: 0,
  partitions: 1,
});
const encoder = new TextEncoder();
const record = (offset: number, value: string): ConsumerRecord => ({
  topic: "in",
  partition: 0,
  offset,
  key: null,
  value: encoder.encode(value),
  timestamp: -1,
  timestampType: "none",
  headers: [],
});
const reading = (offset: number, seconds: number) =>
  record(
    offset,
    JSON.stringify({
      deviceId: `d${offset % 3}`,
      ts: new Date(Date.UTC(2025, 0, 1) + seconds * 1000).toISOString(),
      temperature: 20 + offset % 5,
      humidity: 40,
    }),
  );

async function makeTask(dir: string) {
  const store = await TaskStore.open(dir, { sync: false, maxChain: 2 });
  return new Task({
    topic: "in",
    partition: 0,
    job: "da",
    deadLetterTopic: "dlq",
    logic: job.createTask("in", 0),
    store,
  });
}

Deno.test("Task: checkpoint + restore continues exactly like an uninterrupted run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const inputs = Array.from({ length: 300 }, (_, i) => reading(i, i + (i % 4 === 0 ? -3 : 0)));
    const straight = await makeTask(`${dir}/a`);
    await straight.restore(null);
    inputs.forEach((r) => straight.process(r));
    const expected = straight.takeOutputs();

    let task = await makeTask(`${dir}/b`);
    await task.restore(null);
    const outputs: ProducerRecord[] = [];
    for (const [i, r] of inputs.entries()) {
      task.process(r);
      if (i % 37 === 36) {
        const manifest = await task.writeCheckpoint(task.captureCheckpoint());
        await task.committed(manifest);
        outputs.push(...task.takeOutputs());
        await task.close();
        task = await makeTask(`${dir}/b`); // "crash" and restore
        await task.restore(manifest.offset);
      }
    }
    outputs.push(...task.takeOutputs());
    const text = (rs: ProducerRecord[]) =>
      rs.map((r) => `${r.topic} ${new TextDecoder().decode(r.value as Uint8Array)}`);
    assertEquals(text(outputs), text(expected));
    assertEquals(task.counters, straight.counters);
    await task.close();
    await straight.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Task: invalid input goes to the dead-letter topic with its origin in headers", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const task = await makeTask(dir);
    await task.restore(null);
    task.process(record(7, "{oops"));
    task.process(record(8, JSON.stringify({ deviceId: "d", ts: "2025-01-01T00:00:00Z" })));
    const [bad, invalid] = task.takeOutputs();
    const headers = new Map(bad.headers as [string, string][]);
    assertEquals(bad.topic, "dlq");
    assertEquals(headers.get(deadLetterHeaders.code), "invalid-json");
    assertEquals(headers.get(deadLetterHeaders.offset), "7");
    assertEquals(headers.get(deadLetterHeaders.topic), "in");
    assertEquals(
      new Map(invalid.headers as [string, string][]).get(deadLetterHeaders.code),
      "schema",
    );
    assertEquals(task.counters.deadLetters, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
