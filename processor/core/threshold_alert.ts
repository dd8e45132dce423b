/**
 * An alert state machine with hysteresis per key: raise once when a value goes above the
 * threshold, clear once it drops below `threshold - margin`, and stay quiet in between (no
 * repeated alerts while hot, no flapping around the threshold). Fed, e.g., with sliding-window
 * averages.
 *
 * @module
 */
import { KeyedStateOperator, type StateTtl } from "./keyed_state.ts";

/** Options of {@linkcode ThresholdAlert}. */
export interface ThresholdAlertOptions {
  /** An inactive key raises when a value is strictly above this. */
  threshold: number;
  /** An active key clears when a value is strictly below `threshold - margin`. Non-negative. */
  margin: number;
  /** Forget an active alert whose key has not appeared for this long. Default: never. */
  ttl?: StateTtl;
}

/** State of an active alert. */
export interface ActiveAlert {
  /** The value that raised it. */
  readonly raisedValue: number;
  /** Event time of the record that raised it. */
  readonly raisedAtMs: number;
}

/** A key's alert changed state. */
export interface AlertChange {
  /** The key. */
  readonly key: string;
  /** `"active"` when raised, `"cleared"` when cleared (as in `@iot/events` alerts). */
  readonly state: "active" | "cleared";
  /** The value that caused the change. */
  readonly value: number;
  /** The configured threshold. */
  readonly threshold: number;
  /** Event time of the record that caused the change. */
  readonly eventTimeMs: number;
}

/**
 * Per-key threshold alerts with hysteresis. Only active alerts hold state.
 *
 * @example
 * ```ts
 * import { ThresholdAlert } from "@iot/processor";
 * const alerts = new ThresholdAlert({ threshold: 30, margin: 2 });
 * alerts.process("d1", 31, 60_000, 0);  // { key: "d1", state: "active", value: 31, ... }
 * alerts.process("d1", 35, 120_000, 0); // undefined: already active
 * alerts.process("d1", 29, 180_000, 0); // undefined: not below 28 yet
 * alerts.process("d1", 27, 240_000, 0); // { key: "d1", state: "cleared", value: 27, ... }
 * ```
 */
export class ThresholdAlert extends KeyedStateOperator<ActiveAlert> {
  #threshold: number;
  #clearBelow: number;

  /** @param options threshold, margin and TTL. */
  constructor(options: ThresholdAlertOptions) {
    super(options.ttl, "threshold-alert");
    if (!Number.isFinite(options.threshold)) {
      throw new RangeError(`threshold must be a finite number, got ${options.threshold}`);
    }
    if (!Number.isFinite(options.margin) || options.margin < 0) {
      throw new RangeError(`margin must be a non-negative number, got ${options.margin}`);
    }
    this.#threshold = options.threshold;
    this.#clearBelow = options.threshold - options.margin;
  }

  /** Observes `value` for `key`; returns the alert change it causes, if any. */
  process(key: string, value: number, eventTimeMs: number, nowMs: number): AlertChange | undefined {
    const state = this.state;
    state.advanceClock({ eventTimeMs, nowMs });
    const active = state.get(key);
    if (active === undefined) {
      if (!(value > this.#threshold)) return undefined;
      state.set(key, { raisedValue: value, raisedAtMs: eventTimeMs });
      return { key, state: "active", value, threshold: this.#threshold, eventTimeMs };
    }
    if (value < this.#clearBelow) {
      state.delete(key);
      return { key, state: "cleared", value, threshold: this.#threshold, eventTimeMs };
    }
    state.set(key, active);
    return undefined;
  }

  /** The active alert of `key`, if it has one. */
  get(key: string): ActiveAlert | undefined {
    return this.state.get(key);
  }

  /** Whether `key` has an active alert. */
  isActive(key: string): boolean {
    return this.state.get(key) !== undefined;
  }
}
