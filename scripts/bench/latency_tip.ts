/**
 * The reference side of `deno task bench:latency`, no I/O: which devices run hot when (a
 * schedule of event time), the reading that tipped an alert's window, the earliest time the
 * window could fire, and percentiles.
 *
 * @module
 */

/** Temperatures and timing of the hot devices. */
export interface HotSchedule {
  /** Devices `device-0` … `device-<hot - 1>` alternate between hot and cool. */
  readonly hot: number;
  /** Length of one hot + cool cycle (ms of event time). */
  readonly cycleMs: number;
  /** Temperature while hot (°C); cool devices read {@linkcode COOL}. */
  readonly hotC: number;
}

/** Temperature of every device that is not hot (°C). */
export const COOL = 22;

/**
 * Temperature of device `index` at event time `ts`: hot devices spend the first half of each
 * cycle hot, their cycles shifted evenly so alerts rise and clear all along the run.
 */
export function temperatureAt(s: HotSchedule, index: number, ts: number): number {
  if (index >= s.hot) return COOL;
  const shift = Math.floor(index * s.cycleMs / s.hot);
  return (ts + shift) % s.cycleMs < s.cycleMs / 2 ? s.hotC : COOL;
}

/** One reading of a device: its event time and temperature. */
export interface Reading {
  readonly ts: number;
  readonly temperature: number;
}

/**
 * The reading that tipped a window into firing: of the window's readings in event-time order,
 * the first after which the running average stays on the firing side (above `threshold` for an
 * `active` alert, below `clearBelow` for a `cleared` one) up to the window's end. `undefined`
 * when the window's average is not on the firing side (the alert does not match the readings).
 */
export function tippingReading(
  readings: readonly Reading[],
  state: "active" | "cleared",
  threshold: number,
  clearBelow: number,
): Reading | undefined {
  const firing = (avg: number) => state === "active" ? avg > threshold : avg < clearBelow;
  let sum = 0, tip = -1;
  for (let i = 0; i < readings.length; i++) {
    sum += readings[i].temperature;
    if (!firing(sum / (i + 1))) tip = -1;
    else if (tip < 0) tip = i;
  }
  return tip < 0 ? undefined : readings[tip];
}

/**
 * The readings of a sorted list in `[start, end)`, found by binary search (`readings` sorted by
 * `ts`).
 */
export function readingsIn(readings: readonly Reading[], start: number, end: number): Reading[] {
  const lowerBound = (t: number) => {
    let lo = 0, hi = readings.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (readings[mid].ts < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return readings.slice(lowerBound(start), lowerBound(end));
}

/**
 * The earliest wall-clock time a window ending at `windowEnd` can fire when readings are stamped
 * with the wall clock: its task's watermark (max event time − `outOfOrdernessMs`) reaches the
 * window's end once a reading stamped `windowEnd + outOfOrdernessMs` arrives.
 */
export function earliestFiring(windowEnd: number, outOfOrdernessMs: number): number {
  return windowEnd + outOfOrdernessMs;
}

/** The `p`-th percentile (0–100, nearest rank) of `values`, or `NaN` when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p / 100 * sorted.length));
  return sorted[rank - 1];
}
