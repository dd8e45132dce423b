/**
 * The storage interface of one topic partition, implemented by `MemoryLog` and `FileLog`.
 *
 * @module
 */

/** Options for {@linkcode PartitionLog.append}. */
export interface AppendOptions {
  /** Leader epoch stamped into partitionLeaderEpoch. Default: 0. */
  leaderEpoch?: number;
  /**
   * Who writes: "client" batches (Produce) must not be control batches; the broker's transaction
   * coordinator appends COMMIT/ABORT markers as "coordinator". Default: "client".
   */
  origin?: "client" | "coordinator";
  /**
   * Called synchronously once the batch's offsets are assigned, before the batch can be read or
   * counted in {@linkcode PartitionLog.highWatermark}: the place to register what readers must
   * know first (a transaction's first offset, so the last stable offset never passes an open
   * transaction). Called at most once, and not at all when the batch is rejected. Default: none.
   */
  onAssign?: (baseOffset: number, lastOffset: number) => void;
  /**
   * Called synchronously once the batch is readable (counted in
   * {@linkcode PartitionLog.highWatermark}), just before the store signals the append to long
   * polls: the place to publish what readers must see together with the batch (a transaction's
   * completion moving the last stable offset). Not called when the append fails. Default: none.
   */
  onReadable?: (baseOffset: number, lastOffset: number) => void;
}

/** Where an appended batch landed. */
export interface AppendResult {
  /** Offset assigned to the first record. */
  baseOffset: number;
  /** baseOffset + lastOffsetDelta. */
  lastOffset: number;
  /** The stamped time for LogAppendTime topics, else -1 (Produce's LogAppendTimeMs). */
  logAppendTime: number;
  /** The log start offset after the append (Produce's LogStartOffset). */
  logStartOffset: number;
}

/** A record found by {@linkcode PartitionLog.offsetForTimestamp}. */
export interface TimestampOffset {
  /** Offset of the first record whose timestamp is >= the target. */
  offset: number;
  /** That record's timestamp. */
  timestamp: number;
}

/**
 * An append-only sequence of v2 record batches with broker-assigned offsets.
 * Offsets are JS numbers (exact below 2^53).
 */
export interface PartitionLog extends AsyncDisposable {
  /** First readable offset. */
  readonly logStartOffset: number;
  /**
   * Offset below which batches are readable: the end of what is durable under the log's fsync
   * policy. This is the single-node counterpart of Kafka's "replicated to every in-sync replica":
   * with fsync "always" an appended batch counts only once it is fsynced, so no reader sees data a
   * crash could take back; with the other policies (and in memory) it equals `logEndOffset`.
   */
  readonly highWatermark: number;
  /** Next offset to be assigned (log end offset); >= highWatermark. */
  readonly logEndOffset: number;
  /** Bytes stored. */
  readonly sizeBytes: number;
  /**
   * Validates `batch` (a single v2 batch), assigns offsets by rewriting baseOffset (and the leader
   * epoch, and for LogAppendTime topics the timestamp), stores it, and resolves once it is durable
   * under the log's fsync policy. The log takes ownership of `batch` and may modify it.
   *
   * @throws {CorruptBatchError} (records module) for invalid batches; its `kafkaErrorCode` is
   * CORRUPT_MESSAGE or INVALID_RECORD.
   * @throws {RecordTooLargeError} above `max.message.bytes`.
   */
  append(batch: Uint8Array, options?: AppendOptions): Promise<AppendResult>;
  /**
   * Whole stored batches starting with the one containing `fromOffset`, up to `maxBytes` in total
   * but always at least one batch (KIP-74), all below the high watermark. Empty at or above the
   * high watermark (up to the log end offset).
   *
   * @throws {OffsetOutOfRangeError} below logStartOffset or above logEndOffset.
   */
  read(fromOffset: number, maxBytes: number): Promise<Uint8Array[]>;
  /** First record with timestamp >= `timestamp`, or null when none (ListOffsets by time). */
  offsetForTimestamp(timestamp: number): Promise<TimestampOffset | null>;
  /**
   * Advances logStartOffset to `offset` (DeleteRecords); returns the new logStartOffset.
   *
   * @throws {OffsetOutOfRangeError} above highWatermark (as Kafka).
   */
  deleteRecordsBefore(offset: number): Promise<number>;
  /**
   * Removes every batch whose last offset is >= `offset`; logEndOffset becomes the end of the
   * last kept batch (and highWatermark at most that).
   */
  truncateTo(offset: number): Promise<void>;
  /** Makes every append so far durable (no-op for memory). */
  flush(): Promise<void>;
  /** Flushes and releases resources; idempotent. */
  close(): Promise<void>;
}
