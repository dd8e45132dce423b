/**
 * Timers for the group coordinator behind a small interface, so tests drive time by hand:
 * {@linkcode systemScheduler} uses `setTimeout`, {@linkcode ManualScheduler} fires timers only
 * when {@linkcode ManualScheduler.advance} moves its clock past them.
 *
 * @module
 */

/** Schedules callbacks; `now()` is the clock the callbacks are measured against. */
export interface Scheduler {
  /** Current time in milliseconds. */
  now(): number;
  /** Runs `fn` once after `delayMs`; returns a function that cancels it (idempotent). */
  schedule(delayMs: number, fn: () => void): () => void;
}

/** A scheduler over the wall clock and `setTimeout` (callers cancel timers on close). */
export function systemScheduler(now: () => number = Date.now): Scheduler {
  return {
    now,
    schedule(delayMs, fn) {
      const id = setTimeout(fn, Math.max(0, delayMs));
      return () => clearTimeout(id);
    },
  };
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A fake clock for tests: timers fire in time order during {@linkcode advance}.
 *
 * @example
 * ```ts
 * import { ManualScheduler } from "./scheduler.ts";
 * const s = new ManualScheduler();
 * let fired = false;
 * s.schedule(100, () => fired = true);
 * s.advance(100); // fired === true
 * ```
 */
export class ManualScheduler implements Scheduler {
  #now: number;
  #seq = 0;
  #timers = new Set<Timer>();

  /** Starts the clock at `start` (default 0). */
  constructor(start = 0) {
    this.#now = start;
  }

  /** Current fake time. */
  now(): number {
    return this.#now;
  }

  /** Registers a timer due at `now() + delayMs`. */
  schedule(delayMs: number, fn: () => void): () => void {
    const timer = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, fn };
    this.#timers.add(timer);
    return () => this.#timers.delete(timer);
  }

  /** Number of timers not yet fired or cancelled. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves the clock forward by `ms`, firing due timers in order (including ones they add). */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let next: Timer | undefined;
      for (const t of this.#timers) {
        if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) {
          next = t;
        }
      }
      if (!next) break;
      this.#timers.delete(next);
      this.#now = next.at;
      next.fn();
    }
    this.#now = target;
  }
}
