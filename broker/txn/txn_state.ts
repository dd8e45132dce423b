/**
 * Transaction metadata: the per-transactional-id record the coordinator keeps (Kafka's
 * `TransactionMetadata`), its states, error codes and the metadata-store key layout
 * (`txn/state/<transactional id>`).
 *
 * @module
 */

/** Kafka's transaction states (transactions v1). */
export type TxnStatus =
  | "Empty"
  | "Ongoing"
  | "PrepareCommit"
  | "PrepareAbort"
  | "CompleteCommit"
  | "CompleteAbort";

/** A partition added to a transaction. */
export interface TxnPartition {
  /** Topic name. */
  topic: string;
  /** Partition index. */
  partition: number;
  /** Offset of the transaction's first batch there, or -1 before any was produced. */
  firstOffset: number;
  /**
   * The partition's log end offset when it joined the transaction: no batch of the transaction
   * there can be below it. A restart opens the transaction there when `firstOffset` is still -1,
   * since a crash can come after a batch was written but before `firstOffset` was saved.
   * Absent in records written before it existed.
   */
  minOffset?: number;
}

/** An offset committed inside a transaction, visible to OffsetFetch only after COMMIT. */
export interface PendingOffset {
  /** Consumer group. */
  groupId: string;
  /** Topic name. */
  topic: string;
  /** Partition index. */
  partition: number;
  /** Next offset to consume. */
  offset: number;
  /** Leader epoch of the committed record, or -1. */
  leaderEpoch: number;
  /** Client metadata ("" for null). */
  metadata: string;
}

/** What the coordinator knows about one transactional id. Plain JSON. */
export interface TxnMetadata {
  /** The transactional id. */
  transactionalId: string;
  /** Its producer id. */
  producerId: number;
  /** `transaction.timeout.ms` from the last InitProducerId. */
  timeoutMs: number;
  /** Current state. */
  status: TxnStatus;
  /** When the current transaction started (first partition or group added), ms. */
  startedAt: number;
  /** Partitions of the current transaction. */
  partitions: TxnPartition[];
  /** Groups whose offsets the current transaction commits (AddOffsetsToTxn). */
  groups: string[];
  /** Offsets waiting for the transaction's outcome (TxnOffsetCommit). */
  offsets: PendingOffset[];
}

/** Metadata-store prefix of transaction records. */
export const TXN_STATE = "txn/state/";

/** The metadata-store key of a transactional id's record. */
export function txnKey(transactionalId: string): string {
  return TXN_STATE + encodeURIComponent(transactionalId);
}

/** Whether the transaction is being completed (markers being written). */
export function isPreparing(status: TxnStatus): boolean {
  return status === "PrepareCommit" || status === "PrepareAbort";
}

/** A fresh record in state Empty. */
export function emptyTxn(
  transactionalId: string,
  producerId: number,
  timeoutMs: number,
): TxnMetadata {
  return {
    transactionalId,
    producerId,
    timeoutMs,
    status: "Empty",
    startedAt: -1,
    partitions: [],
    groups: [],
    offsets: [],
  };
}
