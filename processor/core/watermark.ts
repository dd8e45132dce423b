/**
 * Watermark generators (Flink's `WatermarkGenerator`): from the event times seen on one input,
 * how far event time has progressed.
 *
 * Convention: a watermark `W` asserts that no more records with event time below `W` are
 * expected, so a window `[start, end)` is complete once `W >= end`. (Flink's watermark is one
 * millisecond lower for the same meaning: "nothing at or below W".)
 *
 * @module
 */
import { SnapshotError } from "./snapshot.ts";

/** The default bound of {@linkcode boundedOutOfOrderness}: 30 seconds. */
export const DEFAULT_MAX_OUT_OF_ORDERNESS_MS = 30_000;

/** Plain-data state of a {@linkcode WatermarkGenerator}. */
export interface WatermarkGeneratorSnapshot {
  /** Format version. */
  readonly version: 1;
  /** The largest event time seen, or `null` before the first event. */
  readonly maxEventTimeMs: number | null;
}

/** Tracks event-time progress on one input. */
export interface WatermarkGenerator {
  /** Observes one record's event time. */
  onEvent(eventTimeMs: number): void;
  /** The current watermark; `-Infinity` before the first event. Never decreases. */
  currentWatermark(): number;
  /** The state as plain data. */
  snapshot(): WatermarkGeneratorSnapshot;
  /** Replaces the state with `snapshot`. */
  restore(snapshot: WatermarkGeneratorSnapshot): void;
}

class BoundedOutOfOrderness implements WatermarkGenerator {
  #bound: number;
  #max = -Infinity;

  constructor(bound: number) {
    this.#bound = bound;
  }

  onEvent(eventTimeMs: number): void {
    if (eventTimeMs > this.#max) this.#max = eventTimeMs;
  }

  currentWatermark(): number {
    return this.#max - this.#bound;
  }

  snapshot(): WatermarkGeneratorSnapshot {
    return { version: 1, maxEventTimeMs: Number.isFinite(this.#max) ? this.#max : null };
  }

  restore(snapshot: WatermarkGeneratorSnapshot): void {
    if (snapshot?.version !== 1) {
      throw new SnapshotError(
        `Cannot restore watermark generator: version ${String(snapshot?.version)} is not supported`,
      );
    }
    this.#max = snapshot.maxEventTimeMs ?? -Infinity;
  }
}

/**
 * Watermarks for records at most `maxOutOfOrdernessMs` out of order: the watermark trails the
 * largest event time seen by the bound, so a record up to the bound older than the newest one is
 * still on time.
 *
 * @example
 * ```ts
 * import { boundedOutOfOrderness } from "@iot/processor";
 * const gen = boundedOutOfOrderness(30_000);
 * gen.onEvent(90_000);
 * gen.currentWatermark(); // 60000: window [0, 60000) is complete
 * ```
 */
export function boundedOutOfOrderness(
  maxOutOfOrdernessMs: number = DEFAULT_MAX_OUT_OF_ORDERNESS_MS,
): WatermarkGenerator {
  if (!Number.isFinite(maxOutOfOrdernessMs) || maxOutOfOrdernessMs < 0) {
    throw new RangeError(
      `maxOutOfOrdernessMs must be a non-negative number, got ${maxOutOfOrdernessMs}`,
    );
  }
  return new BoundedOutOfOrderness(maxOutOfOrdernessMs);
}

/**
 * Watermarks for inputs whose event times never decrease: the watermark is the largest event time
 * seen (a record older than that is late).
 */
export function monotonous(): WatermarkGenerator {
  return new BoundedOutOfOrderness(0);
}
