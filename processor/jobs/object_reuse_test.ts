/**
 * The runtime hands task logic one reused `RecordView` per batch (Flink's object reuse mode):
 * every job must produce exactly what it produces from record objects, and keep nothing that
 * reads the view after `process` returned. Each job runs twice over the same records, once as
 * objects and once through one view moved along column batches (then pointed at another batch);
 * their outputs, dead letters included, are compared only at the end.
 */
import { assert, assertEquals } from "@std/assert";
import type { ConsumerRecord, ProducerRecord } from "@iot/kafka";
import { columnsOf } from "@iot/kafka/testing";
import { deadLetterRecord } from "../runtime/dead_letter.ts";
import type { JobDefinition, TaskOutput } from "../runtime/job.ts";
import { RecordView } from "../runtime/record_view.ts";
import { generate, T0 } from "./climate_test_util.ts";
import { consumerRecord } from "./job_test_util.ts";
import { readingsByDeviceJob } from "./readings_by_device.ts";
import { burstyPartitions, byDeviceJobs, shuffledReadings } from "./repartition_test_util.ts";
import { vehicleMaxJob } from "./vehicle_max.ts";

const decoder = new TextDecoder();
const now = () => T0 + 60_000;
const byDevice = burstyPartitions(shuffledReadings(5));

/** What a task sends, as the runtime's `Task` keeps it (dead letters built during the call). */
class Collected implements TaskOutput {
  readonly records: ProducerRecord[] = [];
  lateCount = 0;
  emit(record: ProducerRecord): void {
    this.records.push(record);
  }
  late(record?: ProducerRecord): void {
    this.lateCount++;
    if (record !== undefined) this.records.push(record);
  }
  deadLetter(record: ConsumerRecord, reason: { code: string; message: string }): void {
    this.records.push(deadLetterRecord("dlq", "job", record, reason));
  }
}

/** Outputs as comparable text: bytes decoded, nothing read lazily later. */
function text(out: Collected): string {
  return JSON.stringify(
    [out.records, out.lateCount],
    (_, v) => v instanceof Uint8Array ? `bytes:${decoder.decode(v)}` : v,
  );
}

/** Runs `job`'s task of `topic`/`partition` over `records`, as objects or through a view. */
function run(
  job: JobDefinition,
  topic: string,
  partition: number,
  records: readonly ConsumerRecord[],
  viaView: boolean,
): string {
  const task = job.createTask(topic, partition);
  const out = new Collected();
  if (!viaView) {
    for (const r of records) task.process(r, out);
    return text(out);
  }
  const view = new RecordView();
  for (let from = 0; from < records.length; from += 37) {
    const batch = columnsOf(records.slice(from, from + 37), true);
    for (let i = 0; i < batch.length; i++) task.process(view.at(batch, i), out);
  }
  // Anything still reading the view now reads another record.
  view.at(columnsOf([consumerRecord("{}", { topic: "other", offset: 999 })], true), 0);
  return text(out);
}

function assertSameThroughView(
  job: JobDefinition,
  topic: string,
  partition: number,
  records: readonly ConsumerRecord[],
): void {
  const objects = run(job, topic, partition, records, false);
  assert(objects.length > 1_000, "the job produced something to compare");
  assertEquals(run(job, topic, partition, records, true), objects);
}

const raw = generate(3, 400).map((input, offset) =>
  consumerRecord(input.value, { partition: input.partition, offset, key: input.key })
);

Deno.test("object reuse: readings-by-device forwards and dead-letters the same through a view", () => {
  const job = readingsByDeviceJob({
    input: "in",
    output: "by-device",
    deadLetter: "dlq",
    partitions: 3,
    now,
  });
  assertSameThroughView(job, "in", 0, raw);
});

Deno.test("object reuse: device-aggregates, per-source event time and late records, through a view", () => {
  const { aggregates } = byDeviceJobs(byDevice.length, now);
  byDevice.forEach((records, p) => assertSameThroughView(aggregates, "by-device", p, records));
  assertSameThroughView(aggregates, "in", 0, raw); // unreadable and legacy readings dead-lettered
});

Deno.test("object reuse: overheating alerts and commands through a view", () => {
  const { overheating } = byDeviceJobs(byDevice.length, now);
  byDevice.forEach((records, p) => assertSameThroughView(overheating, "by-device", p, records));
});

Deno.test("object reuse: vehicle-max re-keys and keeps maxima through a view", () => {
  const job = vehicleMaxJob({
    input: "pressure",
    repartition: "by-vehicle",
    output: "max",
    deadLetter: "dlq",
    partitions: 1,
  });
  const records = Array.from({ length: 300 }, (_, i) =>
    consumerRecord(
      i % 50 === 7 ? "{bad" : {
        vehicleId: `v${i % 4}`,
        sensorId: `s${i % 9}`,
        pressure: 100 + ((i * 37) % 50),
        temperature: 20,
        ts: new Date(T0 + i * 1_000).toISOString(),
      },
      { topic: "pressure", offset: i },
    ));
  assertSameThroughView(job, "pressure", 0, records);
  assertSameThroughView(job, "by-vehicle", 0, records);
});
