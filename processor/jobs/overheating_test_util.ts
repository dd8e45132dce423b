/**
 * Test material of the `overheating` job: climate input in which a few devices overheat in
 * episodes (so alerts open and clear), and a reference of its alerts written as a plain batch
 * computation over the input list: it recomputes every sliding window from the readings, with the
 * job's event-time rules, and runs the hysteresis over each device's windows. Used only by tests.
 *
 * @module
 */
import {
  BOUND_MS,
  devices,
  forwardedInputs,
  generate,
  type Input,
  PARTITIONS,
} from "./climate_test_util.ts";
import { keyPartition } from "./key_partitioner.ts";
import { readCommitted } from "../runtime/runtime_test_util.ts";

/** The overheating settings the reference models (the job's window, threshold and watermark). */
export interface OverheatSettings {
  /** Sliding window size (ms). */
  windowMs: number;
  /** Sliding window slide (ms). */
  slideMs: number;
  /** An inactive device raises when a window's average is strictly above this (°C). */
  threshold: number;
  /** An active alert clears when a window's average is strictly below `threshold - margin`. */
  margin: number;
  /** The watermark's bounded out-of-orderness (ms). */
  boundMs: number;
}

/** The settings of the tests: the job's defaults, with the climate tests' watermark bound. */
export const OVERHEAT: OverheatSettings = {
  windowMs: 30_000,
  slideMs: 5_000,
  threshold: 40,
  margin: 2,
  boundMs: BOUND_MS,
};

/** How much hotter (°C) a device reports during an episode. */
const HEAT = 25;
/** Steps (200 ms of event time each) of an episode, and of the cool spell after it. */
const EPISODE_STEPS = 150;

/** The overheating devices: the first of each partition's pool, so every task raises alerts. */
export const hotDevices: readonly string[] = devices.map((pool) => pool[0]);

/**
 * {@linkcode generate}'s readings, temperatures rounded to quarter degrees (sums of quarters are
 * exact in floating point, so a window's average does not depend on the order it was summed in),
 * and each of {@linkcode hotDevices} 25 °C hotter in alternate 30 s episodes of event time,
 * staggered per partition. Deterministic by `seed` and `startStep`, like `generate`.
 */
export function generateHot(seed: number, perPartition: number, startStep = 0): Input[] {
  return generate(seed, perPartition, startStep).map((input, i) => {
    let reading;
    try {
      reading = JSON.parse(input.value);
    } catch {
      return input;
    }
    if (typeof reading.temperature !== "number") return input;
    const step = startStep + Math.floor(i / PARTITIONS);
    const hot = hotDevices.includes(reading.deviceId) &&
      Math.floor((step + input.partition * 60) / EPISODE_STEPS) % 2 === 1;
    const temperature = Math.round(reading.temperature * 4) / 4 + (hot ? HEAT : 0);
    return { ...input, value: JSON.stringify({ ...reading, temperature }) };
  });
}

/** The reference's result. */
export interface AlertReference {
  /** The alerts as {@linkcode canonicalAlert} JSON, sorted. */
  alerts: string[];
  /** How many forwarded readings are late for every window they belong to. */
  late: number;
}

/** An alert's deterministic fields as JSON in a fixed order (every field of an alert is). */
export function canonicalAlert(a: Record<string, unknown>): string {
  const fields = ["alertId", "deviceId", "type", "severity", "state", "value", "threshold"];
  const times = ["windowStart", "windowEnd", "ts"];
  return JSON.stringify(Object.fromEntries([...fields, ...times].map((f) => [f, a[f]])));
}

/**
 * The alerts of `overheating` over `inputs` (raw readings as `generate` writes them), computed
 * in one batch. The valid readings reach the job on their device's partition in input order.
 * Per partition, the watermark before a reading is the largest event time before it minus the
 * bound. A reading at `t` belongs to the windows `[e - size, e)` with `t < e <= t + size`, `e` on
 * the slide grid; it counts in those whose end is above the watermark before it (the others have
 * fired already), and is late when there are none. A window is complete once the partition's
 * final watermark reached its end. Per device, its complete windows in end order go through the
 * hysteresis: raise above the threshold (alert id `overheating-<device>-<end>`), clear below
 * threshold - margin (same id).
 */
export function alertReference(
  inputs: readonly Input[],
  settings: OverheatSettings = OVERHEAT,
): AlertReference {
  const { windowMs, slideMs, boundMs } = settings;
  const sums = new Map<string, Map<number, { sum: number; count: number }>>();
  const maxTs = new Map<number, number>();
  let late = 0;
  for (const { value } of forwardedInputs(inputs)) {
    const reading = JSON.parse(value);
    const t = Date.parse(reading.ts);
    const partition = keyPartition(reading.deviceId, PARTITIONS);
    const watermark = (maxTs.get(partition) ?? -Infinity) - boundMs;
    maxTs.set(partition, Math.max(maxTs.get(partition) ?? -Infinity, t));
    let counted = false;
    for (
      let end = Math.floor(t / slideMs) * slideMs + slideMs;
      end <= t + windowMs;
      end += slideMs
    ) {
      if (end <= watermark) continue;
      const windows = sums.get(reading.deviceId) ?? new Map();
      sums.set(reading.deviceId, windows);
      const w = windows.get(end) ?? { sum: 0, count: 0 };
      w.sum += reading.temperature;
      w.count++;
      windows.set(end, w);
      counted = true;
    }
    if (!counted) late++;
  }
  const alerts: string[] = [];
  for (const [deviceId, windows] of sums) {
    const final = (maxTs.get(keyPartition(deviceId, PARTITIONS)) ?? -Infinity) - boundMs;
    let raisedAt: number | undefined;
    for (const end of [...windows.keys()].sort((a, b) => a - b)) {
      if (end > final) break;
      const { sum, count } = windows.get(end)!;
      const avg = sum / count;
      const raise = raisedAt === undefined && avg > settings.threshold;
      const clear = raisedAt !== undefined && avg < settings.threshold - settings.margin;
      if (!raise && !clear) continue;
      raisedAt ??= end;
      alerts.push(canonicalAlert({
        alertId: `overheating-${deviceId}-${raisedAt}`,
        deviceId,
        type: "overheating",
        severity: "critical",
        state: raise ? "active" : "cleared",
        value: avg,
        threshold: settings.threshold,
        windowStart: new Date(end - windowMs).toISOString(),
        windowEnd: new Date(end).toISOString(),
        ts: new Date(end).toISOString(),
      }));
      if (clear) raisedAt = undefined;
    }
  }
  return { alerts: alerts.sort(), late };
}

/** What the job's output topics hold, read with read_committed. */
export interface CommittedAlerts {
  /** The alerts as {@linkcode canonicalAlert} JSON, sorted. */
  alerts: string[];
  /** The device commands, parsed, in partition then offset order. */
  commands: Record<string, unknown>[];
}

/** Reads the committed alerts and device commands of the job's output topics. */
export async function committedAlerts(
  bootstrap: string,
  topics: { alerts: string; commands: string },
): Promise<CommittedAlerts> {
  const parse = (b: Uint8Array | null) => JSON.parse(new TextDecoder().decode(b ?? undefined));
  const alerts = await readCommitted(bootstrap, topics.alerts, PARTITIONS);
  const commands = await readCommitted(bootstrap, topics.commands, PARTITIONS);
  return {
    alerts: alerts.map((r) => canonicalAlert(parse(r.value))).sort(),
    commands: commands.map((r) => parse(r.value)),
  };
}

/**
 * Active alerts of `alerts` (canonical JSON) without their first shutdown command
 * (`<alertId>-shutdown`) in `commands`; empty when every raised alert's device was told to shut
 * down. Commands are stamped in wall-clock time, so only their ids are compared.
 */
export function alertsWithoutShutdown(
  alerts: readonly string[],
  commands: readonly Record<string, unknown>[],
): string[] {
  const ids = new Set(commands.map((c) => c.commandId));
  return alerts.filter((a) => {
    const alert = JSON.parse(a);
    return alert.state === "active" && !ids.has(`${alert.alertId}-shutdown`);
  });
}
