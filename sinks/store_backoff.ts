/**
 * Waiting out a store outage, apart from the runner's batch loop because it is a concern of its
 * own: the runner meets an unavailable store when it creates the schema at start (the database is
 * not up yet, or another process holds the SQLite lock) and on every write, and both wait the same
 * way ({@linkcode whileUnavailable}): retry with a doubling backoff while the attempt throws
 * {@linkcode StoreUnavailableError}, report each retry, give up only when stopped. Any other error
 * is not an outage and is thrown at once. {@linkcode StoreBackoff} adds what the runner does
 * meanwhile: pause its partitions and keep the outage counters.
 *
 * @module
 */
import { backoffDelay, sleep } from "@iot/service";
import type { SinkInput } from "./kafka_seam.ts";
import type { SinkRecord } from "./record.ts";
import type { SinkStats } from "./status.ts";
import {
  describeError,
  type SinkWriter,
  StoreUnavailableError,
  type WriteResult,
} from "./writer.ts";

/** Options of {@linkcode whileUnavailable}. */
export interface StoreBackoffOptions {
  /** The first retry delay, in ms; doubles up to `maxRetryMs`. */
  readonly retryMs: number;
  /** The longest retry delay, in ms. */
  readonly maxRetryMs: number;
  /** Stops waiting: {@linkcode whileUnavailable} then resolves null. */
  readonly signal: AbortSignal;
  /** Told of each failed attempt before the wait (to count, pause and report it). */
  readonly onUnavailable: (error: StoreUnavailableError, retryInMs: number) => void;
}

/**
 * Runs `attempt` until it succeeds, waiting a doubling delay after each
 * {@linkcode StoreUnavailableError}; null when `signal` aborts during a wait.
 */
export async function whileUnavailable<T>(
  attempt: () => Promise<T>,
  options: StoreBackoffOptions,
): Promise<T | null> {
  const { retryMs, maxRetryMs, signal, onUnavailable } = options;
  for (let retry = 0;; retry++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof StoreUnavailableError)) throw e;
      const delayMs = backoffDelay(retry, { initialMs: retryMs, maxMs: maxRetryMs });
      onUnavailable(e, delayMs);
      if (!(await sleep(delayMs, signal))) return null;
    }
  }
}

/** What {@linkcode StoreBackoff} reports (part of the runner's events). */
export type StoreEvent =
  | { type: "unavailable"; error: StoreUnavailableError; retryInMs: number }
  | { type: "recovered"; afterMs: number };

/** The partitions of the input {@linkcode StoreBackoff} pauses while the store is down. */
export type PausableInput = Pick<SinkInput, "assignment" | "pause" | "resume">;

/** Options of {@linkcode StoreBackoff}. */
export interface StoreBackoffSettings {
  /** The first retry delay, in ms; doubles up to `maxRetryMs`. */
  readonly retryMs: number;
  /** The longest retry delay, in ms. */
  readonly maxRetryMs: number;
  /** Reports outages and recoveries. */
  readonly onEvent: (event: StoreEvent) => void;
}

/**
 * A runner's way to its store through outages: creates the schema and writes batches, waiting
 * with backoff while the store is unavailable, with the input's partitions paused meanwhile
 * (records would only pile up in memory while nothing can be written). Keeps the outage counters
 * of `stats` (`retries`, `lastError`, `waitingForStore`).
 */
export class StoreBackoff {
  readonly #writer: SinkWriter;
  readonly #stats: SinkStats;
  readonly #settings: StoreBackoffSettings;
  #paused = false;

  /** Writes through `writer`, counting into `stats` (the runner's own, shared). */
  constructor(writer: SinkWriter, stats: SinkStats, settings: StoreBackoffSettings) {
    this.#writer = writer;
    this.#stats = stats;
    this.#settings = settings;
  }

  /** Whether the partitions are paused for an outage (newly assigned ones must be paused too). */
  get paused(): boolean {
    return this.#paused;
  }

  /**
   * Creates the store's schema, retrying while the store is unavailable (not up yet, or another
   * process holds its lock), as writes do; false when stopped first.
   */
  async ensureSchema(signal: AbortSignal): Promise<boolean> {
    const done = await whileUnavailable(() => this.#writer.ensureSchema().then(() => true), {
      ...this.#settings,
      signal,
      onUnavailable: (error, retryInMs) => {
        this.#stats.waitingForStore = true;
        this.#report(error, retryInMs);
      },
    });
    if (done) this.#stats.waitingForStore = false;
    return done ?? false;
  }

  /** Writes `batch`, retrying (partitions paused) while the store is unavailable; null if stopped. */
  async write(
    input: PausableInput,
    batch: SinkRecord[],
    signal: AbortSignal,
  ): Promise<WriteResult | null> {
    let downSince = 0;
    const result = await whileUnavailable(() => this.#writer.write(batch), {
      ...this.#settings,
      signal,
      onUnavailable: (error, retryInMs) => {
        if (!this.#paused) {
          this.#setPaused(input, true);
          downSince = performance.now();
        }
        this.#report(error, retryInMs);
      },
    });
    if (result !== null && this.#paused) {
      this.#setPaused(input, false);
      this.#stats.lastError = null;
      this.#settings.onEvent({
        type: "recovered",
        afterMs: Math.round(performance.now() - downSince),
      });
    }
    return result;
  }

  /**
   * One attempt at an empty write (a buffering writer commits what is due by age); false when
   * the store is unavailable (counted; the next attempt is the caller's).
   */
  async writeDue(): Promise<boolean> {
    try {
      await this.#writer.write([]);
      return true;
    } catch (e) {
      if (!(e instanceof StoreUnavailableError)) throw e;
      this.#count(e);
      return false;
    }
  }

  #count(error: StoreUnavailableError): void {
    this.#stats.retries++;
    this.#stats.lastError = describeError(error);
  }

  #report(error: StoreUnavailableError, retryInMs: number): void {
    this.#count(error);
    this.#settings.onEvent({ type: "unavailable", error, retryInMs });
  }

  #setPaused(input: PausableInput, paused: boolean): void {
    const assigned = input.assignment();
    if (assigned.length > 0) paused ? input.pause(assigned) : input.resume(assigned);
    this.#paused = paused;
    this.#stats.waitingForStore = paused;
  }
}
