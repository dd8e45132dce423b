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
import {
  PartitionWatermarks,
  type PartitionWatermarksSnapshot,
} from "../core/partition_watermarks.ts";
import { boundedOutOfOrderness, type WatermarkGeneratorSnapshot } from "../core/watermark.ts";
import { SnapshotError } from "../core/snapshot.ts";
import type { Operator, TaskLogic, TaskOutput } from "../runtime/job.ts";
import { LEGACY_SOURCE, SourceReader } from "./record_source.ts";

const EMPTY = new Uint8Array();

/**
 * Default of {@linkcode TaskClock}'s `sourceIdleMs`: 60 s of event time. It must exceed how far
 * one upstream source's records can trail another's in the task's input (about one checkpoint
 * interval of the upstream stage with exactly-once, whose output becomes readable per commit).
 */
export const DEFAULT_SOURCE_IDLE_MS = 60_000;

/** The upstream sources of a task's input, and when a silent one stops counting. */
export interface SourceOptions {
  /**
   * Event time (ms) after which a source that sent nothing stops holding the watermark back.
   * Default {@linkcode DEFAULT_SOURCE_IDLE_MS}.
   */
  sourceIdleMs?: number;
  /**
   * The sources expected in the input (`<topic>:<partition>` of the stage writing it): from the
   * task's first record each holds the watermark back until it sends or goes idle, so a source
   * whose first commit becomes readable later than another's still counts. Others count from
   * their first record. The cost: at a task's first start, an expected source that never sends
   * to its partition (with every reading placed by murmur2, all but one) holds the watermark for
   * `sourceIdleMs`; once only, since idle sources are not checkpointed. Default none.
   */
  sources?: readonly string[];
}

/** Plain-data state of a {@linkcode TaskClock} (version 2; version 1 was one generator's). */
export interface TaskClockSnapshot {
  /** Format version. */
  readonly version: 2;
  /** The largest event time the task has seen, or `null` before the first record. */
  readonly maxEventTimeMs: number | null;
  /** Per upstream source, its generator; idleness is judged on `maxEventTimeMs`. */
  readonly sources: PartitionWatermarksSnapshot;
}

/**
 * The event-time clock of one task (one input partition): a bounded-out-of-orderness watermark
 * per upstream source, combined as their minimum (Flink's rule for an operator with several
 * input channels), so results depend only on the record sequence, never on batching or restarts.
 *
 * A task reading a repartition topic sees several upstream tasks' outputs interleaved, each
 * readable in its own commit bursts; one watermark over the interleaved stream would run ahead of
 * the slowest source and make its on-time records miss windows that already fired. Each source's
 * records are in order within the bound, so the minimum is safe. A source that sends nothing for
 * `sourceIdleMs` of the task's event time (the largest event time seen over all sources, not the
 * wall clock, so replays decide the same) stops holding the watermark back (Flink's idleness);
 * its next record makes it count again. Records of tasks that read their input directly all come
 * from one source ({@linkcode LEGACY_SOURCE}), which gives exactly the single watermark.
 */
export class TaskClock {
  readonly #bound: number;
  readonly #idleMs: number;
  readonly #expected: readonly string[];
  readonly #sources: PartitionWatermarks;
  #max = -Infinity;

  /**
   * @param maxOutOfOrdernessMs how far records of one source may arrive out of order.
   * @param options the upstream sources and their idle timeout.
   */
  constructor(maxOutOfOrdernessMs: number, options: SourceOptions = {}) {
    boundedOutOfOrderness(maxOutOfOrdernessMs); // validates the bound
    this.#bound = maxOutOfOrdernessMs;
    this.#idleMs = options.sourceIdleMs ?? DEFAULT_SOURCE_IDLE_MS;
    this.#expected = options.sources ?? [];
    this.#sources = new PartitionWatermarks({
      generator: () => boundedOutOfOrderness(maxOutOfOrdernessMs),
      idleTimeoutMs: this.#idleMs,
    });
  }

  /** Observes a record's event time from `source` and returns the new watermark. */
  observe(eventTimeMs: number, source: string = LEGACY_SOURCE): number {
    // A task's first record: the expected sources hold the watermark from here on.
    if (this.#max === -Infinity) {
      for (const expected of this.#expected) this.#sources.assign(expected, eventTimeMs);
    }
    if (eventTimeMs > this.#max) this.#max = eventTimeMs;
    this.#sources.onEvent(source, eventTimeMs, this.#max);
    return this.#sources.currentWatermark(this.#max);
  }

  /** The watermark, or `null` before the first record. */
  watermarkMs(): number | null {
    const wm = this.#sources.currentWatermark(this.#max);
    return Number.isFinite(wm) ? wm : null;
  }

  /**
   * The clock's state as plain data. Sources idle now are left out: after a restore they would
   * count as active again and hold the watermark back for another `sourceIdleMs` (a source that
   * is gone for good, e.g. records without the header after an upgrade); one that comes back
   * simply counts again from its next record.
   */
  snapshot(): TaskClockSnapshot {
    const sources = this.#sources.snapshot();
    return {
      version: 2,
      maxEventTimeMs: Number.isFinite(this.#max) ? this.#max : null,
      sources: {
        ...sources,
        partitions: sources.partitions.filter((s) => !this.#sources.isIdle(s.partition, this.#max)),
      },
    };
  }

  /**
   * Restores {@linkcode snapshot}'s result, or a version 1 snapshot (one generator, written
   * before sources were told apart): its records become the {@linkcode LEGACY_SOURCE}'s.
   */
  restore(snapshot: TaskClockSnapshot | WatermarkGeneratorSnapshot): void {
    if (snapshot?.version === 1) {
      const max = snapshot.maxEventTimeMs;
      this.#max = max ?? -Infinity;
      this.#sources.restore({
        version: 1,
        kind: "partition-watermarks",
        watermarkMs: max === null ? null : max - this.#bound,
        partitions: max === null ? [] : [{ partition: LEGACY_SOURCE, generator: snapshot }],
      }, this.#max);
      return;
    }
    if (snapshot?.version !== 2) {
      const version = (snapshot as { version?: unknown } | undefined)?.version;
      throw new SnapshotError(
        `Cannot restore task clock: version ${String(version)} is not supported`,
      );
    }
    this.#max = snapshot.maxEventTimeMs ?? -Infinity;
    this.#sources.restore(snapshot.sources, this.#max);
  }
}

/**
 * A task whose only scalar state is its {@linkcode TaskClock}: implements the meta and watermark
 * parts of `TaskLogic` (meta is `{ clock }`), leaving operators and `process` to the job.
 */
export abstract class ClockedTask implements TaskLogic {
  /** The task's event-time clock. */
  protected readonly clock: TaskClock;
  readonly #sources = new SourceReader();
  /** The stateful operators, by stable name. */
  abstract readonly operators: Readonly<Record<string, Operator>>;

  /**
   * @param maxOutOfOrdernessMs how far records of one source may arrive out of order.
   * @param options the upstream sources of a repartitioned input.
   */
  constructor(maxOutOfOrdernessMs: number, options?: SourceOptions) {
    this.clock = new TaskClock(maxOutOfOrdernessMs, options);
  }

  /** Processes one record, in offset order. */
  abstract process(record: ConsumerRecord, out: TaskOutput): void;

  /**
   * Advances the clock by `record`, read from a repartition topic, at event time `eventTimeMs`
   * (under the record's upstream source) and returns the watermark.
   */
  protected observeRecord(record: ConsumerRecord, eventTimeMs: number): number {
    return this.clock.observe(eventTimeMs, this.#sources.sourceOf(record));
  }

  /** The clock's state. */
  snapshotMeta(): unknown {
    return { clock: this.clock.snapshot() };
  }

  /** Restores what {@linkcode snapshotMeta} returned. */
  restoreMeta(meta: unknown): void {
    this.clock.restore((meta as { clock: TaskClockSnapshot | WatermarkGeneratorSnapshot }).clock);
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
