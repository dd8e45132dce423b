/**
 * The watermark of an operator reading several input partitions: one {@linkcode WatermarkGenerator}
 * per partition, combined as the minimum. A partition with no record for `idleTimeoutMs` of
 * processing time is idle and stops holding the watermark back (Flink's `withIdleness`); it holds
 * it again once it produces a record. The combined watermark never decreases.
 *
 * @module
 */
import { checkSnapshot } from "./snapshot.ts";
import type { WatermarkGenerator, WatermarkGeneratorSnapshot } from "./watermark.ts";

/** A partition id, e.g. a Kafka partition number or `"topic:3"`. */
export type PartitionId = string | number;

/** Options of {@linkcode PartitionWatermarks}. */
export interface PartitionWatermarksOptions {
  /** Makes the generator of a newly seen partition, e.g. `() => boundedOutOfOrderness(30_000)`. */
  generator: () => WatermarkGenerator;
  /** Processing time (ms) without records after which a partition is idle. Default 60 000. */
  idleTimeoutMs?: number;
}

/** Plain-data state of {@linkcode PartitionWatermarks}. */
export interface PartitionWatermarksSnapshot {
  /** Format version. */
  readonly version: 1;
  /** Always `"partition-watermarks"`. */
  readonly kind: "partition-watermarks";
  /** The combined watermark, or `null` before it first advanced. */
  readonly watermarkMs: number | null;
  /**
   * Per partition, in the order first seen, its generator's state. Processing-time activity is
   * not saved: it means nothing after a restart.
   */
  readonly partitions: ReadonlyArray<{
    readonly partition: PartitionId;
    readonly generator: WatermarkGeneratorSnapshot;
  }>;
}

interface PartitionState {
  generator: WatermarkGenerator;
  lastActiveMs: number;
}

/**
 * Combines per-partition watermarks; `nowMs` (processing time) is always passed in.
 *
 * @example
 * ```ts
 * import { boundedOutOfOrderness, PartitionWatermarks } from "@iot/processor";
 * const wm = new PartitionWatermarks({ generator: () => boundedOutOfOrderness(0), idleTimeoutMs: 10_000 });
 * wm.onEvent(0, 100_000, 0);
 * wm.onEvent(1, 50_000, 0);
 * wm.currentWatermark(1_000);  // 50000: partition 1 holds it back
 * wm.currentWatermark(11_000); // 100000: both idle now; nothing holds it back
 * ```
 */
export class PartitionWatermarks {
  #make: () => WatermarkGenerator;
  #idleTimeout: number;
  #partitions = new Map<PartitionId, PartitionState>();
  #watermark = -Infinity;

  /** @param options the generator factory and idle timeout. */
  constructor(options: PartitionWatermarksOptions) {
    const idle = options.idleTimeoutMs ?? 60_000;
    if (!Number.isFinite(idle) || idle <= 0) {
      throw new RangeError(`idleTimeoutMs must be a positive number, got ${idle}`);
    }
    this.#make = options.generator;
    this.#idleTimeout = idle;
  }

  /**
   * Registers an assigned partition before its first record, so it holds the watermark back
   * until it produces a record or goes idle.
   */
  assign(partition: PartitionId, nowMs: number): void {
    if (this.#partitions.has(partition)) return;
    this.#partitions.set(partition, { generator: this.#make(), lastActiveMs: nowMs });
  }

  /** Forgets a partition (e.g. revoked); it no longer holds the watermark back. */
  revoke(partition: PartitionId): void {
    this.#partitions.delete(partition);
  }

  /** Observes a record of `partition` at event time `eventTimeMs`, read at processing time `nowMs`. */
  onEvent(partition: PartitionId, eventTimeMs: number, nowMs: number): void {
    let state = this.#partitions.get(partition);
    if (state === undefined) {
      state = { generator: this.#make(), lastActiveMs: nowMs };
      this.#partitions.set(partition, state);
    }
    state.generator.onEvent(eventTimeMs);
    if (nowMs > state.lastActiveMs) state.lastActiveMs = nowMs;
  }

  /** Whether `partition` is idle at processing time `nowMs` (unknown partitions count as idle). */
  isIdle(partition: PartitionId, nowMs: number): boolean {
    const state = this.#partitions.get(partition);
    return state === undefined || nowMs - state.lastActiveMs >= this.#idleTimeout;
  }

  /**
   * The combined watermark at processing time `nowMs`: the minimum over active partitions, or,
   * when every partition is idle, the maximum over all of them. Never decreases.
   */
  currentWatermark(nowMs: number): number {
    let activeMin = Infinity, allMax = -Infinity, anyActive = false;
    for (const state of this.#partitions.values()) {
      const wm = state.generator.currentWatermark();
      if (wm > allMax) allMax = wm;
      if (nowMs - state.lastActiveMs < this.#idleTimeout) {
        anyActive = true;
        if (wm < activeMin) activeMin = wm;
      }
    }
    const combined = anyActive ? activeMin : allMax;
    if (combined > this.#watermark) this.#watermark = combined;
    return this.#watermark;
  }

  /** The state as plain data. */
  snapshot(): PartitionWatermarksSnapshot {
    return {
      version: 1,
      kind: "partition-watermarks",
      watermarkMs: Number.isFinite(this.#watermark) ? this.#watermark : null,
      partitions: [...this.#partitions].map(([partition, state]) => ({
        partition,
        generator: state.generator.snapshot(),
      })),
    };
  }

  /**
   * Replaces the state with `snapshot`. Every restored partition counts as active from `nowMs`,
   * so a partition that is slow after a restart is given the idle timeout before it stops
   * holding the watermark back.
   */
  restore(snapshot: PartitionWatermarksSnapshot, nowMs: number): void {
    checkSnapshot(snapshot, "partition-watermarks");
    this.#partitions.clear();
    for (const { partition, generator } of snapshot.partitions) {
      const made = this.#make();
      made.restore(generator);
      this.#partitions.set(partition, { generator: made, lastActiveMs: nowMs });
    }
    this.#watermark = snapshot.watermarkMs ?? -Infinity;
  }
}
