/**
 * Choosing the pacing mode from the run's flags, and describing it in one line. Real time is the
 * default wherever the user did not ask for simulated time: a continuous run, or `--rate N`
 * without `--start`, stamps each reading with the wall clock. Simulated time is explicit
 * (`--start`, `--speedup`, `--rate max`, or a bounded run), and it may only run ahead of the wall
 * clock when `--start` or `--speedup` asked for it.
 *
 * @module
 */
import type { Fleet, SensorSettings } from "./fleet.ts";
import type { Pacing } from "./pacer.ts";

/** The default simulated start of a seeded run: a fixed instant, so runs reproduce. */
export const defaultSeededStart = "2026-01-01T00:00:00.000Z";

/** The pacing-related flags, as given. */
export interface PacingRequest {
  /** `--rate`: msgs/s, `"max"` or `"realtime"`; absent when not given. */
  rate?: number | "max" | "realtime";
  /** `--speedup`: event time advances this many times faster than wall time. */
  speedup?: number;
  /** `--start` as given: ISO-8601 or `"now"`. */
  start?: string;
  /** Whether `--seed` was given. */
  seeded: boolean;
  /** Whether `--count` or `--duration` bounds the run. */
  bounded: boolean;
}

/** The chosen pacing and simulated start. */
export interface PacingPlan {
  /** How event time relates to wall time. */
  pacing: Pacing;
  /** Simulated start, epoch ms. */
  startMs: number;
}

/**
 * Chooses the pacing mode (see the module doc). Throws `RangeError` with a message that names
 * the offending flag for a contradiction or a bad `--start`.
 *
 * @example
 * ```ts
 * import { planPacing } from "./pacing_plan.ts";
 * planPacing({ rate: 10, seeded: false, bounded: false }, Date.now()).pacing;
 * // { mode: "realtime", rate: 10 }
 * ```
 */
export function planPacing(request: PacingRequest, nowMs: number): PacingPlan {
  const { rate, speedup, start } = request;
  const wallStart = Math.floor(nowMs / 1000) * 1000;
  const simulatedStart = () =>
    start !== undefined
      ? parseStart(start, nowMs)
      : request.seeded
      ? Date.parse(defaultSeededStart)
      : wallStart;
  if (speedup !== undefined) {
    if (rate !== undefined) {
      throw new RangeError("--speedup: sets the pace of event time; give --rate or --speedup");
    }
    return { pacing: { mode: "speedup", speedup }, startMs: simulatedStart() };
  }
  if (rate === "realtime" || typeof rate === "number") {
    if (start === undefined) {
      const pacing: Pacing = rate === "realtime"
        ? { mode: "realtime" }
        : { mode: "realtime", rate };
      return { pacing, startMs: wallStart };
    }
    const pacing: Pacing = rate === "realtime"
      ? { mode: "speedup", speedup: 1 }
      : { mode: "rate", rate };
    return { pacing, startMs: simulatedStart() };
  }
  if (rate === undefined && !request.bounded && start === undefined) {
    return { pacing: { mode: "realtime" }, startMs: wallStart };
  }
  // --rate max, a bounded run, or --start: simulated time as fast as possible. Only an explicit
  // --start may run ahead of the wall clock.
  return {
    pacing: { mode: "max", capAtWallClock: start === undefined },
    startMs: simulatedStart(),
  };
}

function parseStart(text: string, nowMs: number): number {
  const ms = text === "now" ? Math.floor(nowMs / 1000) * 1000 : Date.parse(text);
  if (!Number.isFinite(ms)) {
    throw new RangeError(`--start: expected an ISO-8601 time or "now", got "${text}"`);
  }
  return ms;
}

/** Reports per second of event time of a stream whose channels have periods `a` and `b`. */
function streamRate(a: SensorSettings, b: SensorSettings): number {
  // Both channels start at one phase, so they coincide every lcm(a, b) ms.
  return 1000 / a.period + 1000 / b.period - 1000 / lcm(a.period, b.period);
}

function lcm(a: number, b: number): number {
  if (!Number.isInteger(a) || !Number.isInteger(b)) return Infinity;
  let x = a, y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return (a / x) * b;
}

/** The records per second of event time that `fleet` reports (silence and commands aside). */
export function fleetRate(fleet: Fleet): number {
  let total = 0;
  for (const group of fleet.devices) {
    total += group.type === "climate"
      ? group.count * streamRate(group.temperature, group.humidity)
      : group.count * group.sensorsPerVehicle * streamRate(group.pressure, group.temperature);
  }
  return total;
}

/**
 * Scales every sampling period of `fleet` by one factor so that it reports about `rate`
 * records per second (periods are whole milliseconds, at least 1). Returns the new fleet and
 * the factor.
 */
export function scaleFleetToRate(fleet: Fleet, rate: number): { fleet: Fleet; factor: number } {
  const factor = fleetRate(fleet) / rate;
  const scale = (s: SensorSettings): SensorSettings => ({
    ...s,
    period: Math.max(1, Math.round(s.period * factor)),
  });
  const devices = fleet.devices.map((group) =>
    group.type === "climate"
      ? { ...group, temperature: scale(group.temperature), humidity: scale(group.humidity) }
      : { ...group, pressure: scale(group.pressure), temperature: scale(group.temperature) }
  );
  return { fleet: { ...fleet, devices }, factor };
}

const msgsPerSecond = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/**
 * One line saying which pacing mode runs and how event time relates to wall time, e.g.
 * `real time, 10 msgs/s, event time = wall clock`.
 */
export function describePacing(pacing: Pacing, startMs: number, fleet: Fleet): string {
  const natural = fleetRate(fleet);
  const from = new Date(startMs).toISOString();
  switch (pacing.mode) {
    case "realtime":
      return `real time, ${msgsPerSecond.format(pacing.rate ?? natural)} msgs/s, ` +
        "event time = wall clock";
    case "speedup":
      return `simulated time from ${from} at ${pacing.speedup}x ` +
        `(event time advances ${pacing.speedup} s per wall second)`;
    case "rate":
      return `simulated time from ${from}, ${msgsPerSecond.format(pacing.rate)} msgs/s ` +
        `(event time advances about ${msgsPerSecond.format(pacing.rate / natural)} s ` +
        "per wall second)";
    case "max":
      return pacing.capAtWallClock
        ? `as fast as possible, simulated time from ${from}, never past the wall clock ` +
          "(then real time; give --start to run ahead of it)"
        : `as fast as possible, simulated time from ${from} ` +
          "(event time runs ahead of wall time)";
  }
}
