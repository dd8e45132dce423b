/**
 * Running maximum per key that emits only when a new maximum appears (vehicle max pressure).
 *
 * @module
 */
import { KeyedStateOperator, type StateTtl } from "./keyed_state.ts";

/** Options of {@linkcode RunningMax}. */
export interface RunningMaxOptions {
  /** Drop a key's maximum when the key has not appeared for this long. Default: never. */
  ttl?: StateTtl;
}

/** A key's largest value so far. */
export interface MaxState {
  /** The largest value. */
  readonly max: number;
  /** Event time of the record that set it. */
  readonly eventTimeMs: number;
}

/** Emitted when a key reaches a new maximum. */
export interface NewMax {
  /** The key. */
  readonly key: string;
  /** The new maximum. */
  readonly max: number;
  /** The previous maximum, or `null` for the key's first value (or first after expiry). */
  readonly previous: number | null;
  /** Event time of the record that set it. */
  readonly eventTimeMs: number;
}

/**
 * Tracks the largest value per key and reports each new maximum once.
 *
 * @example
 * ```ts
 * import { RunningMax } from "@iot/processor";
 * const op = new RunningMax({ ttl: { ttlMs: 86_400_000 } });
 * op.process("truck-1", 2.1, 1_000, 5_000); // { key: "truck-1", max: 2.1, previous: null, eventTimeMs: 1000 }
 * op.process("truck-1", 2.0, 2_000, 6_000); // undefined: not a new maximum
 * ```
 */
export class RunningMax extends KeyedStateOperator<MaxState> {
  /** @param options TTL of per-key state. */
  constructor(options: RunningMaxOptions = {}) {
    super(options.ttl, "running-max");
  }

  /**
   * Observes `value` for `key`; returns the new maximum if `value` exceeds the previous one.
   * Every record restarts the key's TTL.
   */
  process(key: string, value: number, eventTimeMs: number, nowMs: number): NewMax | undefined {
    const state = this.state;
    state.advanceClock({ eventTimeMs, nowMs });
    const current = state.get(key);
    if (current !== undefined && !(value > current.max)) {
      state.set(key, current);
      return undefined;
    }
    state.set(key, { max: value, eventTimeMs });
    return { key, max: value, previous: current?.max ?? null, eventTimeMs };
  }

  /** The key's current maximum, if it has one. */
  get(key: string): MaxState | undefined {
    return this.state.get(key);
  }
}
