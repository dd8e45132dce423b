/**
 * Completing a transaction: COMMIT/ABORT markers into every partition of the transaction, the
 * log index updates that move the last stable offset, and (on commit) the pending offsets made
 * visible. In one process this is a local append, with no WriteTxnMarkers round trip.
 *
 * @module
 */
import { OffsetStore } from "../group/offsets.ts";
import { buildControlBatch } from "../records/mod.ts";
import type { PartitionLog } from "../storage/mod.ts";
import type { TxnLogIndex } from "./log_index.ts";
import type { TxnMetadata } from "./txn_state.ts";

/** Where markers go: the broker's partition logs (the `LogStore`). */
export interface PartitionLogs {
  /** The partition's log, or undefined when the topic or partition is gone. */
  partition(topic: string, partition: number): PartitionLog | undefined;
}

/** What {@linkcode writeMarkers} needs. */
export interface MarkerDeps {
  /** Partition logs. */
  logs: PartitionLogs;
  /** Open/aborted transaction index. */
  index: TxnLogIndex;
  /** Group offsets (pending ones land here on commit). */
  offsets: OffsetStore;
}

/**
 * Writes a marker of `outcome` with (producer id, `epoch`) to each partition of `txn`, closes
 * the transaction in the log index, and on commit stores its pending offsets. Safe to repeat
 * after a crash: a repeated marker for a producer with no open transaction is inert.
 */
export async function writeMarkers(
  deps: MarkerDeps,
  txn: TxnMetadata,
  outcome: "commit" | "abort",
  epoch: number,
  now: number,
): Promise<void> {
  await Promise.all(txn.partitions.map(async ({ topic, partition }) => {
    const log = deps.logs.partition(topic, partition);
    if (!log) {
      // The topic was deleted mid-transaction: nothing to mark.
      await deps.index.complete(topic, partition, txn.producerId, -1, false);
      return;
    }
    const marker = buildControlBatch({
      type: outcome,
      producerId: txn.producerId,
      producerEpoch: epoch,
      timestamp: now,
    });
    // The index is updated once the marker is readable (durable), not before, so the last
    // stable offset never passes a transaction whose marker a crash could take back; and before
    // the store wakes long polls, so read_committed ones then see it past the transaction.
    let completed: Promise<void> | undefined;
    await log.append(marker, {
      origin: "coordinator",
      onReadable: (markerOffset) => {
        completed = deps.index.complete(
          topic,
          partition,
          txn.producerId,
          markerOffset,
          outcome === "abort",
        );
        completed.catch(() => {}); // awaited below unless the append fails
      },
    });
    await completed;
  }));
  if (outcome !== "commit" || txn.offsets.length === 0) return;
  const byGroup = new Map<string, TxnMetadata["offsets"]>();
  for (const o of txn.offsets) {
    if (!byGroup.has(o.groupId)) byGroup.set(o.groupId, []);
    byGroup.get(o.groupId)!.push(o);
  }
  for (const [groupId, list] of byGroup) {
    await deps.offsets.commit(
      groupId,
      list.map((o) => ({
        topic: o.topic,
        partition: o.partition,
        value: {
          offset: o.offset,
          leaderEpoch: o.leaderEpoch,
          metadata: o.metadata,
          commitTimestamp: now,
        },
      })),
    );
  }
}
