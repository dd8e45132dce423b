/**
 * Figures of `deno task bench:latency` runs, no I/O: the alerts a plain batch computation over
 * the readings sent expects (sliding averages with hysteresis), compared with those read back,
 * and the latencies of the matching ones.
 *
 * @module
 */
import type { LatencySettings, Observed, RunRecord } from "./latency_run.ts";
import {
  earliestFiring,
  percentile,
  type Reading,
  readingsIn,
  tippingReading,
} from "./latency_tip.ts";

/** The overheating job's settings. */
export interface JobSettings {
  readonly windowMs: number;
  readonly slideMs: number;
  readonly threshold: number;
  readonly margin: number;
  readonly outOfOrdernessMs: number;
}

/** p50 and p99 of some latencies (ms). */
export interface Percentiles {
  readonly p50: number;
  readonly p99: number;
}

/** The figures of one or more runs of a case. */
export interface Figures {
  /** Alerts counted (raised and cleared) that match the reference. */
  readonly alerts: number;
  /** Expected alerts never read back. */
  readonly missing: number;
  /** Alerts read back that the reference does not expect (or read twice). */
  readonly extra: number;
  /** Tipping reading's event time → alert readable. */
  readonly raw: Percentiles;
  /** Earliest possible firing → alert readable. */
  readonly beyond: Percentiles;
  /** Earliest possible firing → shutdown command readable. */
  readonly commandBeyond: Percentiles;
  /** Readings per second sent. */
  readonly inputRate: number;
  /** The processor's CPU use while the readings were sent (100 = one core). */
  readonly cpuPercent: number;
  /** Readings the overheating job dropped as late. */
  readonly lateReadings: number;
  /** The latencies themselves, for pooling runs. */
  readonly samples: { raw: number[]; beyond: number[]; commandBeyond: number[] };
}

/** An expected alert. */
interface Expected {
  readonly index: number;
  readonly windowEnd: number;
  readonly state: "active" | "cleared";
}

/** What a plain batch computation expects of one hot device: its alerts, in window order. */
export function expectedAlerts(
  readings: readonly Reading[],
  job: JobSettings,
  lastEnd: number,
): { windowEnd: number; state: "active" | "cleared" }[] {
  if (readings.length === 0) return [];
  const out: { windowEnd: number; state: "active" | "cleared" }[] = [];
  let active = false;
  const first = (Math.floor(readings[0].ts / job.slideMs) + 1) * job.slideMs;
  for (let end = first; end <= lastEnd; end += job.slideMs) {
    const inWindow = readingsIn(readings, end - job.windowMs, end);
    if (inWindow.length === 0) continue;
    const avg = inWindow.reduce((s, r) => s + r.temperature, 0) / inWindow.length;
    if (!active && avg > job.threshold) out.push({ windowEnd: end, state: "active" });
    else if (active && avg < job.threshold - job.margin) {
      out.push({ windowEnd: end, state: "cleared" });
    } else continue;
    active = !active;
  }
  return out;
}

const keyOf = (index: number, windowEnd: number, state: string) => `${index}/${windowEnd}/${state}`;
const indexOf = (deviceId: string) => Number(deviceId.slice("device-".length));

/** The figures of one run. */
export function figuresOf(r: RunRecord, s: LatencySettings, job: JobSettings): Figures {
  // Count windows that end after the warm-up and could fire a second before the input stopped.
  const firstEnd = r.startMs + s.warmupS * 1000;
  const lastEnd = r.stopMs - 1000 - job.outOfOrdernessMs;
  const counted = (end: number) => end >= firstEnd && end <= lastEnd;
  const expected = new Map<string, Expected>();
  r.hotReadings.forEach((readings, index) => {
    for (const a of expectedAlerts(readings, job, lastEnd)) {
      if (counted(a.windowEnd)) expected.set(keyOf(index, a.windowEnd, a.state), { index, ...a });
    }
  });
  const raw: number[] = [], beyond: number[] = [], commandBeyond: number[] = [];
  const seen = new Set<string>();
  let extra = 0;
  const tipOf = (o: Observed, index: number) =>
    tippingReading(
      readingsIn(r.hotReadings[index], o.windowEnd - job.windowMs, o.windowEnd),
      o.state,
      job.threshold,
      job.threshold - job.margin,
    );
  for (const o of r.observed) {
    if (!counted(o.windowEnd)) continue;
    const index = indexOf(o.deviceId);
    const key = keyOf(index, o.windowEnd, o.state);
    const late = o.readableAt - earliestFiring(o.windowEnd, job.outOfOrdernessMs);
    if (o.kind === "command") {
      if (expected.has(key)) commandBeyond.push(late);
      continue;
    }
    const tip = index < r.hotReadings.length ? tipOf(o, index) : undefined;
    if (!expected.has(key) || seen.has(key) || tip === undefined) {
      if (extra++ < 5) {
        const why = !expected.has(key) ? "not expected" : seen.has(key) ? "repeated" : "no tip";
        console.error(`unexpected alert ${key} (${why}), readable ${o.readableAt - r.startMs} ms`);
      }
      continue;
    }
    seen.add(key);
    raw.push(o.readableAt - tip.ts);
    beyond.push(late);
  }
  const missed = [...expected.keys()].filter((k) => !seen.has(k));
  if (missed.length > 0) console.error(`expected, not read: ${missed.slice(0, 5).join(", ")}`);
  const seconds = (r.stopMs - r.startMs) / 1000;
  return summarize({ raw, beyond, commandBeyond }, {
    missing: expected.size - seen.size,
    extra,
    inputRate: r.sent / seconds,
    cpuPercent: 100 * r.processorCpuSeconds / seconds,
    lateReadings: r.lateReadings,
  });
}

function summarize(
  samples: Figures["samples"],
  rest: Pick<Figures, "missing" | "extra" | "inputRate" | "cpuPercent" | "lateReadings">,
): Figures {
  const p = (v: number[]) => ({ p50: percentile(v, 50), p99: percentile(v, 99) });
  return {
    alerts: samples.raw.length,
    raw: p(samples.raw),
    beyond: p(samples.beyond),
    commandBeyond: p(samples.commandBeyond),
    samples,
    ...rest,
  };
}

/** Pools the runs of one case: latencies together, counts summed, rates averaged. */
export function mergeFigures(list: readonly Figures[]): Figures {
  const cat = (k: keyof Figures["samples"]) => list.flatMap((f) => f.samples[k]);
  const mean = (k: "inputRate" | "cpuPercent") => list.reduce((s, f) => s + f[k], 0) / list.length;
  return summarize(
    { raw: cat("raw"), beyond: cat("beyond"), commandBeyond: cat("commandBeyond") },
    {
      missing: list.reduce((s, f) => s + f.missing, 0),
      extra: list.reduce((s, f) => s + f.extra, 0),
      inputRate: mean("inputRate"),
      cpuPercent: mean("cpuPercent"),
      lateReadings: list.reduce((s, f) => s + f.lateReadings, 0),
    },
  );
}
