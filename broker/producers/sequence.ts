/**
 * Idempotent-producer sequence checks for one (producer id, partition), as Kafka's
 * `ProducerStateManager` does them: the last five batches are remembered so that a retried batch
 * is recognised and acknowledged with its original offset; sequences must follow on without
 * gaps, wrap at int32 max and restart at 0 with a new epoch. Pure functions over plain data.
 *
 * @module
 */
import { ErrorCode } from "../protocol/mod.ts";
import type { RecordBatchHeader } from "../records/mod.ts";

/** Largest sequence number; the next one is 0. */
export const MAX_SEQUENCE = 2147483647;
/** How many batches per producer and partition are kept for duplicate detection. */
export const BATCH_WINDOW = 5;

/** One remembered batch. */
export interface BatchMetadata {
  /** Sequence of the first record. */
  firstSeq: number;
  /** Sequence of the last record. */
  lastSeq: number;
  /** Offset the batch was appended at. */
  baseOffset: number;
}

/** State of one producer in one partition. */
export interface PartitionProducerState {
  /** Epoch of the batches below. */
  epoch: number;
  /** The last appended batches, oldest first (at most {@linkcode BATCH_WINDOW}). */
  batches: BatchMetadata[];
  /** When the producer last appended here (ms), for expiry. */
  lastTimestamp: number;
}

/** What to do with a produced batch. */
export type CheckResult =
  | { kind: "append" }
  | { kind: "duplicate"; baseOffset: number }
  | { kind: "error"; errorCode: number };

/** `sequence + increment`, wrapping past {@linkcode MAX_SEQUENCE} to 0 like Kafka. */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > MAX_SEQUENCE - increment
    ? increment - (MAX_SEQUENCE - sequence) - 1
    : sequence + increment;
}

/** Last sequence number a batch covers. */
export function lastSequenceOf(batch: RecordBatchHeader): number {
  return incrementSequence(batch.baseSequence, batch.lastOffsetDelta);
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === MAX_SEQUENCE);
}

/**
 * Decides whether `batch` is appended, acknowledged as a duplicate, or rejected.
 * `fencedBelow` is the producer's epoch from InitProducerId (transactional ids), if known.
 * Order as in Kafka: duplicate check, then epoch, then sequence. A producer id with no state here
 * is accepted at any sequence (Kafka ≥ 2.4 / KIP-360: its state may have expired or been lost).
 */
export function checkSequence(
  state: PartitionProducerState | undefined,
  batch: RecordBatchHeader,
  fencedBelow = -1,
): CheckResult {
  if (batch.producerId < 0 || batch.isControl) return { kind: "append" };
  const lastSeq = lastSequenceOf(batch);
  if (state && state.epoch === batch.producerEpoch) {
    const dup = state.batches.find((b) =>
      b.firstSeq === batch.baseSequence && b.lastSeq === lastSeq
    );
    if (dup) return { kind: "duplicate", baseOffset: dup.baseOffset };
  }
  if (batch.producerEpoch < Math.max(state?.epoch ?? -1, fencedBelow)) {
    return { kind: "error", errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
  }
  if (batch.baseSequence < 0) {
    return { kind: "error", errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
  }
  if (!state || state.batches.length === 0) return { kind: "append" };
  const ok = batch.producerEpoch > state.epoch
    ? batch.baseSequence === 0
    : inSequence(state.batches[state.batches.length - 1].lastSeq, batch.baseSequence);
  return ok
    ? { kind: "append" }
    : { kind: "error", errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
}

/** The state after appending `batch` at `baseOffset` (a new epoch starts a fresh window). */
export function appendBatch(
  state: PartitionProducerState | undefined,
  batch: RecordBatchHeader,
  baseOffset: number,
  now: number,
): PartitionProducerState {
  const batches = state && state.epoch === batch.producerEpoch ? state.batches.slice() : [];
  batches.push({ firstSeq: batch.baseSequence, lastSeq: lastSequenceOf(batch), baseOffset });
  if (batches.length > BATCH_WINDOW) batches.shift();
  return { epoch: batch.producerEpoch, batches, lastTimestamp: now };
}
