/**
 * Signals that look like real sensors: a per-sensor base level, a slow linear drift, a daily
 * cycle, a mean-reverting random walk and white noise, clamped to the sensor's range.
 *
 * @module
 */
import type { Rng } from "./rng.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** How one sensor's signal behaves; every amplitude is in the sensor's unit. */
export interface SignalSpec {
  /** Lowest value the sensor reports outside anomalies. */
  readonly min: number;
  /** Highest value the sensor reports outside anomalies. */
  readonly max: number;
  /** Standard deviation of the white noise on each sample. */
  readonly noise: number;
  /** Standard deviation the random walk gains per hour (before mean reversion). */
  readonly walk: number;
  /** Amplitude of the daily cycle (half the peak-to-trough swing). */
  readonly dailyAmplitude: number;
  /** Largest drift per day; each sensor draws its own in [-drift, drift]. */
  readonly drift: number;
  /** Phase of the daily cycle in radians; 0 peaks at 06:00 UTC, -π/2 at 12:00. */
  readonly dailyPhase: number;
  /** Decimal places kept in reported values. */
  readonly decimals: number;
}

/**
 * Derives a plausible signal for a sensor reporting within `[min, max]`: noise 1 %, random walk
 * 5 % per √hour, daily amplitude 20 % and drift up to 2 % per day of the span.
 */
export function defaultSignal(
  min: number,
  max: number,
  overrides: Partial<SignalSpec> = {},
): SignalSpec {
  const span = max - min;
  return {
    min,
    max,
    noise: span * 0.01,
    walk: span * 0.05,
    dailyAmplitude: span * 0.2,
    drift: span * 0.02,
    dailyPhase: -Math.PI / 2 - 0.8, // peaks mid-afternoon UTC
    decimals: 2,
    ...overrides,
  };
}

/** Rounds `value` to `decimals` places (0-6), as reported on the wire. */
export function roundTo(value: number, decimals: number): number {
  const scale = POWERS[decimals] ?? 1;
  return Math.round(value * scale) / scale;
}

const POWERS = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];

/**
 * One sensor's evolving signal. {@linkcode SensorSignal.sample} is a pure function of the spec,
 * the samples taken before and the draws of the sensor's own {@linkcode Rng}.
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * import { defaultSignal, SensorSignal } from "./signals.ts";
 * const rng = Rng.fromSeed("42/t1");
 * const signal = new SensorSignal(defaultSignal(15, 30), rng, 0);
 * signal.sample(1_000); // a temperature between 15 and 30
 * ```
 */
export class SensorSignal {
  readonly #spec: SignalSpec;
  readonly #rng: Rng;
  readonly #base: number;
  readonly #driftPerMs: number;
  readonly #phase: number;
  readonly #startMs: number;
  #walk = 0;
  #lastMs: number;
  #lastDt = -1;
  #decay = 1;
  #step = 0;

  /** Draws the sensor's own base level, drift and phase from `rng`, starting at `startMs`. */
  constructor(spec: SignalSpec, rng: Rng, startMs: number) {
    this.#spec = spec;
    this.#rng = rng;
    const span = spec.max - spec.min;
    const headroom = Math.min(span / 2, spec.dailyAmplitude + 2 * spec.walk);
    this.#base = rng.range(spec.min + headroom, spec.max - headroom);
    this.#driftPerMs = rng.range(-spec.drift, spec.drift) / DAY_MS;
    this.#phase = spec.dailyPhase + rng.range(-0.3, 0.3);
    this.#startMs = startMs;
    this.#lastMs = startMs;
  }

  /** The value before rounding, clamping and anomalies at `timeMs` (not before the last sample). */
  #raw(timeMs: number): number {
    const spec = this.#spec;
    const dt = timeMs - this.#lastMs;
    if (dt !== this.#lastDt) {
      // Sensors sample at a fixed period, so these are computed once per sensor, not per sample.
      this.#lastDt = dt;
      const hours = dt / HOUR_MS;
      this.#decay = Math.exp(-hours); // mean reversion over about an hour
      this.#step = spec.walk * Math.sqrt(hours);
    }
    this.#lastMs = timeMs;
    this.#walk = this.#walk * this.#decay + this.#step * this.#rng.normal();
    const daily = spec.dailyAmplitude *
      Math.sin((2 * Math.PI * (timeMs % DAY_MS)) / DAY_MS + this.#phase);
    return this.#base + this.#driftPerMs * (timeMs - this.#startMs) + daily + this.#walk +
      spec.noise * this.#rng.normal();
  }

  /** Takes the sample at `timeMs`: clamped to `[min, max]` and rounded. */
  sample(timeMs: number): number {
    const spec = this.#spec;
    const value = this.#raw(timeMs);
    const clamped = value < spec.min ? spec.min : value > spec.max ? spec.max : value;
    return roundTo(clamped, spec.decimals);
  }
}
