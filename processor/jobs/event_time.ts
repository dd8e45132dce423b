/**
 * Shared pieces of the jobs: the per-task event-time clock and record decoding helpers.
 *
 * @module
 */
import type { ConsumerRecord } from "@iot/kafka";
import type { EventResult } from "@iot/events";
import { boundedOutOfOrderness, type WatermarkGenerator } from "../core/watermark.ts";
import type { WatermarkGeneratorSnapshot } from "../core/watermark.ts";
import type { Operator, TaskLogic, TaskOutput } from "../runtime/job.ts";

const EMPTY = new Uint8Array();

/**
 * The event-time clock of one task (one input partition): a bounded-out-of-orderness watermark
 * advanced per record, so results depend only on the record sequence, never on batching or
 * restarts.
 */
export class TaskClock {
  readonly #generator: WatermarkGenerator;

  /** @param maxOutOfOrdernessMs how far records may arrive out of order. */
  constructor(maxOutOfOrdernessMs: number) {
    this.#generator = boundedOutOfOrderness(maxOutOfOrdernessMs);
  }

  /** Observes a record's event time and returns the new watermark. */
  observe(eventTimeMs: number): number {
    this.#generator.onEvent(eventTimeMs);
    return this.#generator.currentWatermark();
  }

  /** The watermark, or `null` before the first record. */
  watermarkMs(): number | null {
    const wm = this.#generator.currentWatermark();
    return Number.isFinite(wm) ? wm : null;
  }

  /** The clock's state as plain data. */
  snapshot(): WatermarkGeneratorSnapshot {
    return this.#generator.snapshot();
  }

  /** Restores {@linkcode snapshot}'s result. */
  restore(snapshot: WatermarkGeneratorSnapshot): void {
    this.#generator.restore(snapshot);
  }
}

/**
 * A task whose only scalar state is its {@linkcode TaskClock}: implements the meta and watermark
 * parts of `TaskLogic` (meta is `{ clock }`), leaving operators and `process` to the job.
 */
export abstract class ClockedTask implements TaskLogic {
  /** The task's event-time clock. */
  protected readonly clock: TaskClock;
  /** The stateful operators, by stable name. */
  abstract readonly operators: Readonly<Record<string, Operator>>;

  /** @param maxOutOfOrdernessMs how far records may arrive out of order. */
  constructor(maxOutOfOrdernessMs: number) {
    this.clock = new TaskClock(maxOutOfOrdernessMs);
  }

  /** Processes one record, in offset order. */
  abstract process(record: ConsumerRecord, out: TaskOutput): void;

  /** The clock's state. */
  snapshotMeta(): unknown {
    return { clock: this.clock.snapshot() };
  }

  /** Restores what {@linkcode snapshotMeta} returned. */
  restoreMeta(meta: unknown): void {
    this.clock.restore((meta as { clock: WatermarkGeneratorSnapshot }).clock);
  }

  /** The watermark, or `null` before the first record. */
  watermarkMs(): number | null {
    return this.clock.watermarkMs();
  }
}

/**
 * Decodes `record`'s value with `decode`; on failure sends the record to the dead-letter topic
 * and returns `undefined`.
 */
export function decodeOrDeadLetter<T>(
  record: ConsumerRecord,
  decode: (bytes: Uint8Array) => EventResult<T>,
  out: TaskOutput,
): T | undefined {
  if (record.value === null) {
    out.deadLetter(record, { code: "tombstone", message: "record has no value" });
    return undefined;
  }
  const result = decode(record.value ?? EMPTY);
  if (result.ok) return result.value;
  out.deadLetter(record, { code: result.error.reason, message: result.error.message });
  return undefined;
}
