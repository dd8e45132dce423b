/**
 * Byte-rate enforcement as Kafka's `ClientQuotaManager` does it: each Produce request's bytes
 * and each Fetch response's bytes are recorded on the rate of the quota that applies to the
 * client; when the rate exceeds the bound, the answer carries `throttle_time_ms` (the time the
 * rate needs to fall back to the bound) and the connection is muted for that long. A throttled
 * Fetch answer is sent without its records, which are taken back from the rate (Kafka's
 * "unrecord"), so the consumer fetches them again after the throttle.
 *
 * @module
 */
import type { ClientQuotas } from "./client_quotas.ts";
import { type RateConfig, SampledRate, throttleTimeMs } from "./rate.ts";

/** The byte-rate quota keys. */
export const PRODUCER_BYTE_RATE = "producer_byte_rate";
/** The consumer byte-rate quota key. */
export const CONSUMER_BYTE_RATE = "consumer_byte_rate";

/** Settings of a {@linkcode QuotaEnforcer}; every field has a default. */
export interface EnforcerOptions extends RateConfig {
  /** Drop a client's rate after this long without traffic. Default: 1 hour (Kafka's). */
  inactiveMs?: number;
}

interface Sensor {
  rate: SampledRate;
  lastMs: number;
}

/**
 * Records client traffic against the stored quotas and says how long to throttle. Time is a
 * parameter of every call.
 *
 * @example
 * ```ts
 * import { MetadataStore } from "../storage/mod.ts";
 * import { ClientQuotas } from "./client_quotas.ts";
 * import { QuotaEnforcer } from "./throttle.ts";
 * await using meta = await MetadataStore.open(await Deno.makeTempDir());
 * const quotas = new ClientQuotas(meta);
 * const enforcer = new QuotaEnforcer(quotas);
 * console.log(enforcer.recordProduce("ANONYMOUS", "app", 1_000_000, 0)); // 0: no quota set
 * ```
 */
export class QuotaEnforcer {
  #quotas: ClientQuotas;
  #config: Required<EnforcerOptions>;
  #sensors = new Map<string, Sensor>();
  #lastSweep = 0;

  /** Enforces `quotas`. */
  constructor(quotas: ClientQuotas, options: EnforcerOptions = {}) {
    this.#quotas = quotas;
    this.#config = {
      samples: options.samples ?? 11,
      windowMs: options.windowMs ?? 1000,
      inactiveMs: options.inactiveMs ?? 3_600_000,
    };
  }

  /** Records a Produce request of `bytes`; returns the throttle time in ms (0 = none). */
  recordProduce(user: string, clientId: string, bytes: number, now: number): number {
    const quota = this.#quotas.resolve(PRODUCER_BYTE_RATE, user, clientId);
    if (!quota) return 0;
    const rate = this.#sensor(quota.sensor, now);
    rate.record(bytes, now);
    return throttleTimeMs(rate, quota.bound, now, this.#maxThrottleMs());
  }

  /**
   * Records a Fetch response of `bytes`; returns the throttle time in ms. A throttled response
   * is sent without records, so its bytes are taken back.
   */
  recordFetch(user: string, clientId: string, bytes: number, now: number): number {
    const quota = this.#quotas.resolve(CONSUMER_BYTE_RATE, user, clientId);
    if (!quota) return 0;
    const rate = this.#sensor(quota.sensor, now);
    rate.record(bytes, now);
    const ms = throttleTimeMs(rate, quota.bound, now, this.#maxThrottleMs());
    if (ms > 0) rate.record(-bytes, now);
    return ms;
  }

  /**
   * The most a client may fetch in one response without being throttled for it alone
   * (`bound × (samples - 1) windows`, Kafka's `getMaxValueInQuotaWindow`), or Infinity.
   * Fetch sizes are capped at this so a large fetch cannot be refused forever.
   */
  maxFetchBytes(user: string, clientId: string): number {
    const quota = this.#quotas.resolve(CONSUMER_BYTE_RATE, user, clientId);
    if (!quota) return Infinity;
    return Math.floor(quota.bound * (this.#config.samples - 1) * this.#config.windowMs / 1000);
  }

  /** Number of clients' rates being kept (diagnostics, tests). */
  get sensorCount(): number {
    return this.#sensors.size;
  }

  #maxThrottleMs(): number {
    return this.#config.samples * this.#config.windowMs;
  }

  #sensor(key: string, now: number): SampledRate {
    if (now - this.#lastSweep >= this.#config.inactiveMs) {
      this.#lastSweep = now;
      for (const [k, s] of this.#sensors) {
        if (now - s.lastMs >= this.#config.inactiveMs) this.#sensors.delete(k);
      }
    }
    let sensor = this.#sensors.get(key);
    if (!sensor) {
      sensor = { rate: new SampledRate(this.#config), lastMs: now };
      this.#sensors.set(key, sensor);
    }
    sensor.lastMs = now;
    return sensor.rate;
  }
}
