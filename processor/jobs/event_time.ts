/**
 * Shared pieces of the jobs: the per-task event-time clock and record decoding helpers.
 *
 * @module
 */
import type { ConsumerRecord } from "@iot/kafka";
import {
  type ClimateReading,
  decodeClimateReading,
  type EventResult,
  scanCanonicalClimateReading,
  type ScannedClimateReading,
} from "@iot/events";
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

/**
 * A climate reading as the jobs use it; `decoded` is set only when the record's value was not
 * already the reading's canonical encoding (so a stage forwarding it must encode `decoded`).
 */
export interface ClimateInput extends ScannedClimateReading {
  /** The decoded reading when the value needed the full decoder, else absent. */
  readonly decoded?: ClimateReading;
}

/**
 * Reads `record`'s value as a climate reading: canonical bytes (what producers and the
 * repartition topic send) through the scanner, anything else through `decodeClimateReading`;
 * on failure sends the record to the dead-letter topic with the decoder's reason and returns
 * `undefined`.
 */
export function climateReadingOrDeadLetter(
  record: ConsumerRecord,
  out: TaskOutput,
): ClimateInput | undefined {
  const scanned = record.value ? scanCanonicalClimateReading(record.value) : undefined;
  if (scanned !== undefined) return scanned;
  const decoded = decodeOrDeadLetter(record, decodeClimateReading, out);
  if (decoded === undefined) return undefined;
  const { deviceId, temperature, humidity } = decoded;
  return { deviceId, timeMs: Date.parse(decoded.ts), temperature, humidity, decoded };
}
