/**
 * Test material of the `device-aggregates` integration tests: a seeded climate dataset with
 * out-of-order, late, invalid and far-future readings, a reference evaluator written as a plain
 * batch computation over the whole input, the two jobs of the pipeline (`readings-by-device`,
 * then `device-aggregates` on its output) and readers of their committed outputs. Used only by
 * tests.
 *
 * @module
 */
import { Admin, Producer, type ProducerRecord } from "@iot/kafka";
import { seededRandom } from "@iot/testing";
import { type DeviceAggregatesConfig, deviceAggregatesJob } from "./device_aggregates.ts";
import { keyPartition } from "./key_partitioner.ts";
import { DEFAULT_MAX_FUTURE_MS, readingsByDeviceJob } from "./readings_by_device.ts";
import type { JobDefinition } from "../runtime/job.ts";
import { JobRunner, type JobRunnerOptions } from "../runtime/job_runner.ts";
import type { JobStatus } from "../runtime/status.ts";
import { caughtUp, readCommitted } from "../runtime/runtime_test_util.ts";

/** Partitions of the test topics. */
export const PARTITIONS = 3;
/** Test setting. */
export const WINDOW_MS = 10_000;
/** Test setting. */
export const BOUND_MS = 3_000;
/** Test setting. */
export const LATENESS_MS = 1_000;
/** Start of event time. */
export const T0 = Date.UTC(2025, 6, 22, 22, 0, 0);

/** One input record. */
export interface Input {
  /** The partition it is written to. */
  partition: number;
  /** The record key (the device id). */
  key: string;
  /** The record value (JSON, possibly invalid). */
  value: string;
}

/** Far-future readings are stamped this far ahead of `T0` (years), whatever today is. */
const FUTURE_MS = 100 * 365 * 86_400_000;

/** Seven device ids per partition, each on its murmur2 home partition (the producer's choice). */
export const devices: string[][] = (() => {
  const pools: string[][] = Array.from({ length: PARTITIONS }, () => []);
  for (let n = 0; pools.some((p) => p.length < 7); n++) {
    const pool = pools[keyPartition(`dev-${n}`, PARTITIONS)];
    if (pool.length < 7) pool.push(`dev-${n}`);
  }
  return pools;
})();

/**
 * Readings per partition with jitter (out of order), some very late, some invalid, a few stamped
 * far in the future; keyed by device id on the device's home partition, as the producer writes
 * them.
 */
export function generate(seed: number, perPartition: number, startStep = 0): Input[] {
  const rand = seededRandom(seed);
  const out: Input[] = [];
  for (let step = startStep; step < startStep + perPartition; step++) {
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const device = devices[partition][Math.floor(rand() * 7)];
      let ts = T0 + step * 200 + Math.floor(rand() * 2_500) - 2_000;
      const dice = rand();
      if (dice < 0.04) ts -= 6_000 + Math.floor(rand() * 20_000); // late
      else if (dice > 0.975 && dice <= 0.98) ts += FUTURE_MS; // a device clock gone wrong
      const temperature = Math.round((15 + rand() * 30) * 100) / 100;
      const humidity = Math.round(rand() * 1000) / 10;
      let value = JSON.stringify({
        deviceId: device,
        ts: new Date(ts).toISOString(),
        temperature,
        humidity,
      });
      if (dice > 0.99) value = "{not json";
      else if (dice > 0.98) value = JSON.stringify({ deviceId: device, ts: "x", humidity: 150 });
      out.push({ partition, key: device, value });
    }
  }
  return out;
}

/** The job's outputs, sorted. */
export interface Expected {
  /** Window aggregates as canonical JSON. */
  aggregates: string[];
  /** Late readings as JSON. */
  late: string[];
  /** Dead-lettered values as written. */
  deadLetters: string[];
}

/**
 * The reference: a batch computation over the whole input. A reading that is unreadable or
 * stamped more than the default `maxFutureMs` ahead of the wall clock is dead-lettered (once).
 * The others are keyed by their payload's device id: per device's partition (murmur2 of the id;
 * the inputs sit on it already, so its readings arrive in input offset order), a reading is late
 * when the watermark before it (max event time so far - bound) has passed its window's end +
 * lateness; a window is emitted when the final watermark passed its end + lateness, with the
 * stats of its on-time readings.
 */
export function reference(inputs: readonly Input[]): Expected {
  const deadLetters: string[] = [];
  const late: string[] = [];
  const windows = new Map<string, { device: string; start: number; t: number[]; h: number[] }>();
  const maxTs = new Map<number, number>();
  for (const input of inputs) {
    let reading;
    try {
      reading = JSON.parse(input.value);
    } catch {
      deadLetters.push(input.value);
      continue;
    }
    const ts = Date.parse(reading.ts);
    if (Number.isNaN(ts) || typeof reading.temperature !== "number" || reading.humidity > 100) {
      deadLetters.push(input.value);
      continue;
    }
    if (ts - Date.now() > DEFAULT_MAX_FUTURE_MS) {
      deadLetters.push(input.value);
      continue;
    }
    const partition = keyPartition(reading.deviceId, PARTITIONS);
    const start = Math.floor(ts / WINDOW_MS) * WINDOW_MS;
    const watermark = (maxTs.get(partition) ?? -Infinity) - BOUND_MS;
    if (start + WINDOW_MS + LATENESS_MS <= watermark) late.push(input.value);
    else {
      const id = `${reading.deviceId}@${start}`;
      const w = windows.get(id) ??
        { device: reading.deviceId, start, t: [] as number[], h: [] as number[] };
      w.t.push(reading.temperature);
      w.h.push(reading.humidity);
      windows.set(id, w);
    }
    maxTs.set(partition, Math.max(maxTs.get(partition) ?? -Infinity, ts));
  }
  const stats = (xs: number[]) => ({
    avg: xs.reduce((a, b) => a + b, 0) / xs.length,
    min: Math.min(...xs),
    max: Math.max(...xs),
  });
  const aggregates: string[] = [];
  for (const w of windows.values()) {
    const final = (maxTs.get(keyPartition(w.device, PARTITIONS)) ?? -Infinity) - BOUND_MS;
    if (w.start + WINDOW_MS + LATENESS_MS > final) continue;
    aggregates.push(JSON.stringify({
      deviceId: w.device,
      windowStart: new Date(w.start).toISOString(),
      windowEnd: new Date(w.start + WINDOW_MS).toISOString(),
      count: w.t.length,
      temperature: stats(w.t),
      humidity: stats(w.h),
    }));
  }
  return { aggregates: aggregates.sort(), late: late.sort(), deadLetters: deadLetters.sort() };
}

/** The pipeline's settings: `device-aggregates`' (its `input` is the by-device topic) + raw input. */
export interface ClimateTestConfig extends DeviceAggregatesConfig {
  /** The raw readings topic that `readings-by-device` consumes. */
  readings: string;
}

/** Unique topic names under `prefix` and the test's window settings. */
export function topicsFor(prefix: string, unique: (p: string) => string): ClimateTestConfig {
  return {
    readings: unique(`${prefix}-in`),
    input: unique(`${prefix}-by-device`),
    output: unique(`${prefix}-agg`),
    late: unique(`${prefix}-late`),
    deadLetter: unique(`${prefix}-dlq`),
    windowMs: WINDOW_MS,
    maxOutOfOrdernessMs: BOUND_MS,
    allowedLatenessMs: LATENESS_MS,
    partitions: PARTITIONS,
  };
}

/** The two jobs of the pipeline: `readings-by-device` then `device-aggregates`, named `name-*`. */
export function climateJobs(config: ClimateTestConfig, name: string): JobDefinition[] {
  const { readings, input, deadLetter, partitions } = config;
  return [
    readingsByDeviceJob(
      { input: readings, output: input, deadLetter, partitions },
      `${name}-keyby`,
    ),
    deviceAggregatesJob(config, `${name}-agg`),
  ];
}

/**
 * Whether `device-aggregates` took `forwarded` readings of the by-device topic into committed or
 * committing work, judged from the statuses of its instances (a transactional topic ends in a
 * commit marker a group never commits past, so its offsets cannot tell).
 */
export function consumedAll(
  statuses: readonly JobStatus[],
  config: ClimateTestConfig,
  forwarded: number,
): boolean {
  const tasks = statuses.flatMap((s) => s.tasks).filter((t) => t.topic === config.input);
  const consumed = tasks.reduce((n, t) => n + t.recordsIn, 0);
  return tasks.length === config.partitions && consumed === forwarded &&
    tasks.every((t) => t.pendingOutputs === 0);
}

/** One instance of the pipeline: a runner per job, each job in group `<groupPrefix>-<job>`. */
export class Pipeline {
  /** The `readings-by-device` runner. */
  readonly stage: JobRunner;
  /** The `device-aggregates` runner. */
  readonly aggregates: JobRunner;

  /** Runners of `climateJobs(config, name)` with `options` (`groupId` is derived). */
  constructor(
    readonly config: ClimateTestConfig,
    name: string,
    readonly groupPrefix: string,
    options: Omit<JobRunnerOptions, "job" | "groupId">,
  ) {
    const [stage, aggregates] = climateJobs(config, name).map((job) =>
      new JobRunner({ ...options, job, groupId: `${groupPrefix}-${job.name}` })
    );
    this.stage = stage;
    this.aggregates = aggregates;
  }

  /** Runs both jobs until the options' signal aborts. */
  run(): Promise<void> {
    return Promise.all([this.stage.run(), this.aggregates.run()]).then(() => {});
  }
}

/**
 * Whether `pipelines` (instances of one pipeline) committed the whole raw input and took the
 * `forwarded` readings of the by-device topic into their work.
 */
export async function pipelineDone(
  bootstrap: string,
  pipelines: readonly Pipeline[],
  forwarded: number,
): Promise<boolean> {
  const [{ config, groupPrefix, stage }] = pipelines;
  const group = `${groupPrefix}-${stage.name}`;
  if (!await caughtUp(bootstrap, group, config.readings, config.partitions)) return false;
  const statuses = await Promise.all(pipelines.map((p) => p.aggregates.status()));
  return consumedAll(statuses, config, forwarded);
}

/** The readings of `inputs` that `readings-by-device` forwards (the valid, not-future ones). */
export function forwardedInputs(inputs: readonly Input[]): Input[] {
  const dead = new Set(reference(inputs).deadLetters);
  return inputs.filter((i) => !dead.has(i.value));
}

/** How many readings of `inputs` `readings-by-device` forwards. */
export function forwardedCount(inputs: readonly Input[]): number {
  return forwardedInputs(inputs).length;
}

/**
 * Creates the pipeline's topics with unlimited retention. The readings are from 2025 and results
 * carry event-time timestamps, so with the default `retention.ms` (7 days) a broker deletes a
 * result segment as soon as it rolls, which races with the test reading it back.
 */
export async function createTopics(bootstrap: string, config: ClimateTestConfig): Promise<void> {
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  const names = [config.readings, config.input, config.output, config.late, config.deadLetter];
  await admin.createTopics(
    names.map((name) => ({ name, partitions: PARTITIONS, config: { "retention.ms": "-1" } })),
    { ignoreExisting: true },
  );
}

/** Creates `topic` if missing and writes `inputs` to their partitions. */
export async function produce(
  bootstrap: string,
  topic: string,
  inputs: readonly Input[],
): Promise<void> {
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  await admin.createTopics([{ name: topic, partitions: PARTITIONS }], { ignoreExisting: true });
  await using producer = new Producer({ config: { "bootstrap.servers": bootstrap } });
  const records: ProducerRecord[] = inputs.map((i) => ({ topic, ...i }));
  await producer.sendBatch(records);
}

/** Reads the job's outputs, comparing results as parsed JSON re-serialised in canonical order. */
export async function actual(bootstrap: string, config: ClimateTestConfig): Promise<Expected> {
  const text = (b: Uint8Array | null) => new TextDecoder().decode(b ?? new Uint8Array());
  const canonical = (s: string) => {
    const a = JSON.parse(s);
    return JSON.stringify({
      deviceId: a.deviceId,
      windowStart: a.windowStart,
      windowEnd: a.windowEnd,
      count: a.count,
      temperature: a.temperature,
      humidity: a.humidity,
    });
  };
  const read = async (topic: string) =>
    (await readCommitted(bootstrap, topic, PARTITIONS)).map((r) => text(r.value));
  const lateRaw = await read(config.late);
  return {
    aggregates: (await read(config.output)).map(canonical).sort(),
    late: lateRaw.map((s) => JSON.stringify(JSON.parse(s))).sort(),
    deadLetters: (await read(config.deadLetter)).sort(),
  };
}
