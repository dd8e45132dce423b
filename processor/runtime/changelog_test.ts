import { assert, assertEquals, assertRejects } from "@std/assert";
import type { ConsumerRecord, ProducerRecord } from "@iot/kafka";
import { deviceAggregatesJob } from "../jobs/device_aggregates.ts";
import { CheckpointError } from "../state/format.ts";
import { TaskStore } from "../state/task_store.ts";
import { ChangelogFold, changelogPlace, changelogTopic } from "./changelog.ts";
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
const place = changelogPlace(changelogTopic("g", job.name), job.inputs, "in", 0);
const encoder = new TextEncoder();
const bytes = (v: string | Uint8Array | null | undefined) =>
  typeof v === "string" ? encoder.encode(v) : v ?? null;

const reading = (offset: number): ConsumerRecord => ({
  topic: "in",
  partition: 0,
  offset,
  key: null,
  value: encoder.encode(JSON.stringify({
    deviceId: `d${offset % 5}`,
    ts: new Date(Date.UTC(2025, 0, 1) + (offset + (offset % 4 === 0 ? -3 : 0)) * 1000)
      .toISOString(),
    temperature: 20 + offset % 7,
    humidity: 40,
  })),
  timestamp: -1,
  timestampType: "none",
  headers: [],
});

async function openTask(dir: string) {
  const store = await TaskStore.open(dir, { sync: false, maxChain: 3 });
  return new Task({
    topic: "in",
    partition: 0,
    job: job.name,
    deadLetterTopic: "dlq",
    logic: job.createTask("in", 0),
    store,
    changelog: place,
  });
}

/** Checkpoints `task` like the runtime does and appends its changelog records to `log`. */
async function checkpoint(task: Task, log: ProducerRecord[]): Promise<number> {
  const input = task.captureCheckpoint();
  const records = task.changelogRecords(input);
  assert(records.every((r) => r.topic === place.topic && r.partition === 0));
  log.push(...records);
  await task.committed(await task.writeCheckpoint(input));
  return input.offset;
}

const fold = (log: ProducerRecord[]) => {
  const f = new ChangelogFold(place.scope);
  for (const r of log) f.add(bytes(r.key), bytes(r.value));
  return f.result(log.length);
};

const text = (rs: ProducerRecord[]) => rs.map((r) => `${r.topic} ${r.value}`);

Deno.test("changelog: a task rebuilt from its changelog continues like the original", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const log: ProducerRecord[] = [];
    const a = await openTask(`${dir}/a`);
    await a.restore(null);
    let offset = 0;
    for (; offset < 250; offset++) {
      a.process(reading(offset));
      if (offset % 29 === 28) await checkpoint(a, log);
    }
    const committed = await checkpoint(a, log);
    a.takeOutputs();
    assert(log.some((r) => r.value === null), "deleted keys are tombstones");
    const b = await openTask(`${dir}/b`); // another machine: no local checkpoint
    assertEquals(await b.restore(committed, () => Promise.resolve(fold(log))), "changelog");
    assertEquals(b.counters, a.counters);
    assertEquals(b.stateKeys(), a.stateKeys());
    for (; offset < 400; offset++) {
      a.process(reading(offset));
      b.process(reading(offset));
    }
    assertEquals(text(b.takeOutputs()), text(a.takeOutputs()));
    // b wrote a fresh local base: its next restore is local, without the changelog.
    await checkpoint(b, log);
    const again = await openTask(`${dir}/b`);
    assertEquals(await again.restore(400, () => Promise.reject(new Error("unused"))), "local");
    for (const t of [a, b, again]) await t.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("changelog: entries of an earlier epoch are ignored; a stale changelog is an error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const log: ProducerRecord[] = [];
    const old = await openTask(`${dir}/old`);
    await old.restore(null);
    for (let i = 0; i < 100; i++) old.process(reading(i));
    await checkpoint(old, log);
    assert(old.stateKeys() > 1);
    // The group's offsets were reset: a new history starts on the same changelog partition.
    const fresh = await openTask(`${dir}/fresh`);
    await fresh.restore(null);
    fresh.process(reading(1_000));
    const committed = await checkpoint(fresh, log);
    const state = fold(log)!;
    assertEquals(fresh.stateKeys(), 1);
    assertEquals(state.meta.offset, committed);
    assertEquals(state.operators.window.keys.length, fresh.stateKeys());
    const other = await openTask(`${dir}/other`);
    await assertRejects(
      () => other.restore(5, () => Promise.resolve(state)),
      CheckpointError,
      "the changelog holds offset 1001",
    );
    assertEquals(fold([]), null);
    for (const t of [old, fresh, other]) await t.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
