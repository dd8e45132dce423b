import { assert, assertEquals } from "@std/assert";
import type { ConsumerRecord } from "@iot/kafka";
import { reference } from "./climate_test_util.ts";
import { RecordingOutput } from "./job_test_util.ts";
import { alertReference, canonicalAlert } from "./overheating_test_util.ts";
import {
  burstyPartitions,
  byDeviceJobs,
  CUTOFF_MS,
  shuffledReadings,
} from "./repartition_test_util.ts";
import type { JobDefinition, TaskLogic } from "../runtime/job.ts";

const inputs = shuffledReadings(14);
const partitions = burstyPartitions(inputs);
const { overheating, aggregates } = byDeviceJobs(partitions.length);

/** Moves `task`'s state to a new task of `job` through its snapshot, as a restart would. */
function restarted(job: JobDefinition, task: TaskLogic, partition: number): TaskLogic {
  const next = job.createTask("by-device", partition);
  for (const [name, op] of Object.entries(task.operators)) {
    next.operators[name].restore(JSON.parse(JSON.stringify(op.snapshot())));
  }
  next.restoreMeta(JSON.parse(JSON.stringify(task.snapshotMeta())));
  return next;
}

/** Runs `job` over every by-device partition; `restartAt` moves each task half way through. */
function runJob(job: JobDefinition, restartAt?: number): RecordingOutput {
  const out = new RecordingOutput();
  partitions.forEach((records: ConsumerRecord[], partition) => {
    let task = job.createTask("by-device", partition);
    records.forEach((record, i) => {
      if (i === restartAt) task = restarted(job, task, partition);
      task.process(record, out);
    });
  });
  return out;
}

const endsBy = (field: string) => (json: string) =>
  Date.parse(JSON.parse(json)[field]) <= CUTOFF_MS;
const alertsOf = (out: RecordingOutput) =>
  out.values("alerts").map(canonicalAlert).filter(endsBy("windowEnd")).sort();
const aggregatesOf = (out: RecordingOutput) =>
  out.values("agg").map((a) => JSON.stringify(a)).filter(endsBy("windowEnd")).sort();

Deno.test("repartitioned input in commit bursts: overheating alerts equal the batch reference", () => {
  const expected = alertReference(inputs);
  assertEquals(expected.late, 0); // within the bound per source: no reading is really late
  const out = runJob(overheating);
  assertEquals(out.lateCount, 0);
  assertEquals(alertsOf(out), expected.alerts.filter(endsBy("windowEnd")));
});

Deno.test("repartitioned input in commit bursts: device aggregates equal the batch reference", () => {
  const expected = reference(inputs);
  assertEquals(expected.late, []);
  const out = runJob(aggregates);
  assertEquals(out.values("late"), []);
  assertEquals(aggregatesOf(out), expected.aggregates.filter(endsBy("windowEnd")));
});

Deno.test("repartitioned input: per-source event time survives a snapshot and restore", () => {
  for (const job of [overheating, aggregates]) {
    const whole = runJob(job);
    // Half way through each partition, while one source trails the other.
    const resumed = runJob(job, Math.floor(partitions[0].length / 2));
    // Commands are stamped with the wall clock; alerts and aggregates only with event time.
    const results = (out: RecordingOutput) =>
      out.emitted.filter((r) => r.topic !== "commands").map((r) => r.value);
    assertEquals(results(resumed), results(whole));
    assert(results(whole).length > 20);
    assertEquals(resumed.lateCount, 0);
  }
});
