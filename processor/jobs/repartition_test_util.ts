/**
 * Test material of event time across the repartition topic: readings of every device spread over
 * two upstream input partitions (placed by no murmur2, as any shuffle), forwarded by the real
 * `readings-by-device` tasks, and the by-device partitions as a read_committed consumer sees them
 * when each upstream task's output becomes readable in exactly-once commit bursts, one source a
 * commit behind the other. Used only by tests.
 *
 * @module
 */
import type { ConsumerRecord, ProducerRecord } from "@iot/kafka";
import { seededRandom } from "@iot/testing";
import type { JobDefinition } from "../runtime/job.ts";
import {
  BOUND_MS,
  devices,
  type Input,
  LATENESS_MS,
  PARTITIONS,
  T0,
  WINDOW_MS,
} from "./climate_test_util.ts";
import { deviceAggregatesJob } from "./device_aggregates.ts";
import { consumerRecord } from "./job_test_util.ts";
import { overheatingJob } from "./overheating.ts";
import { hotDevices, OVERHEAT } from "./overheating_test_util.ts";
import { readingsByDeviceJob } from "./readings_by_device.ts";
import { sourcesOf } from "./record_source.ts";

/** Upstream input partitions (sources). */
export const SOURCES = 2;
/** Steps of 200 ms of event time per source. */
export const STEPS = 1_500;
/** Readings one upstream task commits at a time: 10 s of its event time. */
export const COMMIT_STEPS = 50;
/** Windows ending after this may be incomplete at the end of the input; tests compare before. */
export const CUTOFF_MS = T0 + (STEPS - 100) * 200;

const all = devices.flat();
const encoder = new TextEncoder();

/**
 * Readings of every device on both sources, in step order (each step one reading per source),
 * jittered by up to 1.5 s of event time (within the tests' 3 s bound, so none is really late),
 * temperature and humidity in quarters (a sum does not depend on its order), the hot devices 25 °C hotter in alternate 30 s episodes.
 */
export function shuffledReadings(seed: number): Input[] {
  const rand = seededRandom(seed);
  const out: Input[] = [];
  for (let step = 0; step < STEPS; step++) {
    for (let partition = 0; partition < SOURCES; partition++) {
      const deviceId = all[Math.floor(rand() * all.length)];
      const hot = hotDevices.includes(deviceId) && Math.floor(step / 150) % 2 === 1;
      const temperature = Math.round((15 + rand() * 30) * 4) / 4 + (hot ? 25 : 0);
      const ts = new Date(T0 + step * 200 + Math.floor(rand() * 1_500)).toISOString();
      const humidity = Math.round(rand() * 400) / 4; // quarters: sums exact in any order
      out.push({
        partition,
        key: deviceId,
        value: JSON.stringify({ deviceId, ts, temperature, humidity }),
      });
    }
  }
  return out;
}

function consumed(record: ProducerRecord, offset: number): ConsumerRecord {
  return {
    ...consumerRecord("", { topic: record.topic, partition: record.partition, offset }),
    key: null,
    value: record.value as Uint8Array,
    headers: (Array.isArray(record.headers) ? record.headers : Object.entries(record.headers ?? {}))
      .map(([k, v]) => [k, typeof v === "string" ? encoder.encode(v) : v]),
  };
}

/**
 * The by-device partitions (index = partition) after the real `readings-by-device` tasks of
 * both sources forwarded `inputs`: source 0's commit `k + 1` becomes readable before source 1's
 * commit `k`, so source 1 trails by one commit (10 s of event time, beyond the 3 s bound).
 */
export function burstyPartitions(
  inputs: readonly Input[],
  output = "by-device",
): ConsumerRecord[][] {
  const job = readingsByDeviceJob({
    input: "in",
    output,
    deadLetter: "dlq",
    partitions: PARTITIONS,
  });
  const commits = Array.from({ length: SOURCES }, (_, source) => {
    const task = job.createTask("in", source);
    const chunks: ProducerRecord[][] = [];
    inputs.filter((i) => i.partition === source).forEach((input, i) => {
      const out = { emitted: [] as ProducerRecord[] };
      task.process(
        consumerRecord(input.value, { partition: source, offset: i, key: input.key }),
        { emit: (r) => out.emitted.push(r), late: () => {}, deadLetter: () => {} },
      );
      (chunks[Math.floor(i / COMMIT_STEPS)] ??= []).push(...out.emitted);
    });
    return chunks;
  });
  const order: ProducerRecord[] = [];
  for (let k = 0; k <= commits[0].length; k++) {
    order.push(...commits[0][k] ?? [], ...commits[1][k - 1] ?? []);
  }
  const partitions: ConsumerRecord[][] = Array.from({ length: PARTITIONS }, () => []);
  for (const record of order) {
    const list = partitions[record.partition!];
    list.push(consumed(record, list.length));
  }
  return partitions;
}

/**
 * The `overheating` (alerts, commands) and `device-aggregates` (agg, late) jobs reading
 * `by-device` with the settings the batch references model, `SOURCES` sources expected;
 * `now` stamps commands (default the wall clock).
 */
export function byDeviceJobs(
  partitions: number,
  now?: () => number,
): { overheating: JobDefinition; aggregates: JobDefinition } {
  const sources = { sources: sourcesOf("in", SOURCES) };
  const { boundMs, ...window } = OVERHEAT;
  const overheating = overheatingJob({
    ...{ input: "by-device", alerts: "alerts", commands: "commands", deadLetter: "dlq" },
    ...window,
    maxOutOfOrdernessMs: boundMs,
    commandTtlMs: 60_000,
    partitions,
    sources,
    ...(now ? { now } : {}),
  });
  const aggregates = deviceAggregatesJob({
    input: "by-device",
    output: "agg",
    late: "late",
    deadLetter: "dlq",
    windowMs: WINDOW_MS,
    maxOutOfOrdernessMs: BOUND_MS,
    allowedLatenessMs: LATENESS_MS,
    partitions,
    sources,
  });
  return { overheating, aggregates };
}
