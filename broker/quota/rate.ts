/**
 * The rate Kafka measures quotas with: a sampled rate over `samples` windows of `windowMs`
 * (`quota.window.num` = 11, `quota.window.size.seconds` = 1), whose elapsed time is at least
 * `samples - 1` full windows so a burst after a quiet period is not measured over a few
 * milliseconds. Time is a parameter, so tests drive it.
 *
 * @module
 */

/** Settings of a {@linkcode SampledRate}; every field has a default. */
export interface RateConfig {
  /** Number of samples kept (`quota.window.num`). Default: 11. */
  samples?: number;
  /** Span of one sample in ms (`quota.window.size.seconds` × 1000). Default: 1000. */
  windowMs?: number;
}

interface Sample {
  start: number;
  value: number;
}

/**
 * Units per second over the last `samples` windows.
 *
 * @example
 * ```ts
 * import { SampledRate } from "./rate.ts";
 * const rate = new SampledRate();
 * rate.record(10_000, 0);
 * console.log(rate.rate(0)); // 1000 (10 000 bytes over the minimum 10 s window)
 * ```
 */
export class SampledRate {
  readonly samples: number;
  readonly windowMs: number;
  #ring: Sample[] = [];
  #current = 0;

  /** A rate with no samples. */
  constructor(config: RateConfig = {}) {
    this.samples = config.samples ?? 11;
    this.windowMs = config.windowMs ?? 1000;
    if (this.samples < 2) throw new RangeError(`samples must be at least 2, got ${this.samples}`);
    if (this.windowMs <= 0) throw new RangeError(`windowMs must be positive, got ${this.windowMs}`);
  }

  /** Adds `value` (negative to take back a recorded value) at time `now` (ms). */
  record(value: number, now: number): void {
    let sample = this.#ring[this.#current];
    if (!sample) {
      sample = { start: now, value: 0 };
      this.#ring[this.#current] = sample;
    } else if (now >= sample.start + this.windowMs) {
      this.#current = (this.#current + 1) % this.samples;
      sample = { start: now, value: 0 };
      this.#ring[this.#current] = sample;
    }
    sample.value += value;
  }

  /** Units per second at `now`. */
  rate(now: number): number {
    this.#purge(now);
    let total = 0;
    for (const s of this.#ring) if (s) total += s.value;
    return total / (this.windowSize(now) / 1000);
  }

  /**
   * The span the rate is measured over at `now` (ms): from the oldest kept sample, at least
   * `samples - 1` full windows, at least 1 ms.
   */
  windowSize(now: number): number {
    this.#purge(now);
    let oldest = now;
    for (const s of this.#ring) if (s && s.start < oldest) oldest = s.start;
    let elapsed = now - oldest;
    const full = Math.floor(elapsed / this.windowMs);
    if (full < this.samples - 1) elapsed += (this.samples - 1 - full) * this.windowMs;
    return Math.max(elapsed, 1);
  }

  /** Samples older than the whole span no longer count. */
  #purge(now: number): void {
    const expire = this.samples * this.windowMs;
    for (let i = 0; i < this.#ring.length; i++) {
      const s = this.#ring[i];
      if (s && now - s.start >= expire) this.#ring[i] = { start: now, value: 0 };
    }
  }
}

/**
 * How long (ms) a client over `bound` units/s must wait so its rate falls back to the bound if
 * it sends nothing more: `(rate - bound) / bound × window`, as Kafka's `QuotaUtils.throttleTime`;
 * 0 within the bound; at most `maxMs`.
 */
export function throttleTimeMs(
  rate: SampledRate,
  bound: number,
  now: number,
  maxMs: number,
): number {
  const observed = rate.rate(now);
  if (observed <= bound) return 0;
  const ms = Math.round((observed - bound) / bound * rate.windowSize(now));
  return Math.min(Math.max(ms, 0), maxMs);
}
