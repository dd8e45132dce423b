/**
 * Test material of the `device-aggregates` integration tests: a seeded climate dataset with
 * out-of-order, late and invalid readings, a reference evaluator written as a plain batch
 * computation over the whole input, and readers of the job's committed outputs. Used only by
 * tests.
 *
 * @module
 */
import { Admin, Producer, type ProducerRecord } from "@iot/kafka";
import { seededRandom } from "@iot/testing";
import type { DeviceAggregatesConfig } from "./device_aggregates.ts";
import { readCommitted } from "../runtime/runtime_test_util.ts";

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

/** Readings per partition with jitter (out of order), some very late, some invalid. */
export function generate(seed: number, perPartition: number, startStep = 0): Input[] {
  const rand = seededRandom(seed);
  const out: Input[] = [];
  for (let step = startStep; step < startStep + perPartition; step++) {
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const device = `dev-${partition}-${Math.floor(rand() * 7)}`;
      let ts = T0 + step * 200 + Math.floor(rand() * 2_500) - 2_000;
      const dice = rand();
      if (dice < 0.04) ts -= 6_000 + Math.floor(rand() * 20_000); // late
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
 * The reference: a batch computation over the whole input. Per partition, in offset order, a
 * reading is late when the watermark before it (max event time so far - bound) has passed its
 * window's end + lateness; a window is emitted when the final watermark passed its end +
 * lateness, with the stats of its on-time readings.
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
    const start = Math.floor(ts / WINDOW_MS) * WINDOW_MS;
    const watermark = (maxTs.get(input.partition) ?? -Infinity) - BOUND_MS;
    if (start + WINDOW_MS + LATENESS_MS <= watermark) late.push(input.value);
    else {
      const id = `${reading.deviceId}@${start}`;
      const w = windows.get(id) ??
        { device: reading.deviceId, start, t: [] as number[], h: [] as number[] };
      w.t.push(reading.temperature);
      w.h.push(reading.humidity);
      windows.set(id, w);
    }
    maxTs.set(input.partition, Math.max(maxTs.get(input.partition) ?? -Infinity, ts));
  }
  const devicePartition = new Map(inputs.map((i) => [i.key, i.partition]));
  const stats = (xs: number[]) => ({
    avg: xs.reduce((a, b) => a + b, 0) / xs.length,
    min: Math.min(...xs),
    max: Math.max(...xs),
  });
  const aggregates: string[] = [];
  for (const w of windows.values()) {
    const final = (maxTs.get(devicePartition.get(w.device)!) ?? -Infinity) - BOUND_MS;
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

export function topicsFor(prefix: string, unique: (p: string) => string): DeviceAggregatesConfig {
  return {
    input: unique(`${prefix}-in`),
    output: unique(`${prefix}-agg`),
    late: unique(`${prefix}-late`),
    deadLetter: unique(`${prefix}-dlq`),
    windowMs: WINDOW_MS,
    maxOutOfOrdernessMs: BOUND_MS,
    allowedLatenessMs: LATENESS_MS,
    partitions: PARTITIONS,
  };
}

/**
 * Creates the job's topics with unlimited retention. The readings are from 2025 and results
 * carry event-time timestamps, so with the default `retention.ms` (7 days) a broker deletes a
 * result segment as soon as it rolls, which races with the test reading it back.
 */
export async function createTopics(
  bootstrap: string,
  config: DeviceAggregatesConfig,
): Promise<void> {
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  const names = [config.input, config.output, config.late, config.deadLetter];
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
export async function actual(bootstrap: string, config: DeviceAggregatesConfig): Promise<Expected> {
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
