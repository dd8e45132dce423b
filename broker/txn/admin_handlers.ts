/**
 * The transaction admin APIs `kafka-transactions.sh` uses: DescribeProducers (61),
 * DescribeTransactions (65) and ListTransactions (66), read from the transaction coordinator's
 * records, the producer states and the open-transaction index.
 *
 * @module
 */
import { ApiKey, ErrorCode } from "../protocol/mod.ts";
import type { ApiSet } from "../api/mod.ts";
import type { DescribeTransactionsResponseTransactionState } from "../protocol/generated/describe_transactions.ts";
import type { TransactionCoordinator } from "./coordinator.ts";
import type { PartitionLogs } from "./markers.ts";
import type { TxnMetadata } from "./txn_state.ts";

/** The producer states DescribeProducers reads (implemented by `ProducerStates`). */
export interface ActiveProducers {
  /** Producers with state in a partition. */
  activeProducers(
    topic: string,
    partition: number,
  ): { producerId: number; epoch: number; lastSequence: number; lastTimestamp: number }[];
}

/** What {@linkcode transactionAdminApis} reads. */
export interface TransactionAdminDeps {
  /** Transaction records and the open-transaction index. */
  txns: TransactionCoordinator;
  /** Idempotent-producer states. */
  producers: ActiveProducers;
  /** Partition logs (which partitions exist). */
  logs: PartitionLogs;
  /** Clock in ms (ListTransactions' duration filter). Default: `Date.now`. */
  now?: () => number;
}

/** The transaction's partitions grouped by topic. */
function topicsOf(txn: TxnMetadata): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>();
  for (const p of txn.partitions) {
    if (!byTopic.has(p.topic)) byTopic.set(p.topic, []);
    byTopic.get(p.topic)!.push(p.partition);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}

/** DescribeProducers, DescribeTransactions and ListTransactions over `deps`. */
export function transactionAdminApis(deps: TransactionAdminDeps): ApiSet {
  const now = deps.now ?? Date.now;
  return {
    [ApiKey.DescribeProducers]: {
      handler: (req) => ({
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({
          name: t.name,
          partitions: t.partitionIndexes.map((partitionIndex) => {
            if (!deps.logs.partition(t.name, partitionIndex)) {
              return {
                partitionIndex,
                errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                errorMessage: `${t.name}-${partitionIndex} does not exist`,
                activeProducers: [],
              };
            }
            const activeProducers = deps.producers.activeProducers(t.name, partitionIndex)
              .map((p) => ({
                producerId: BigInt(p.producerId),
                producerEpoch: p.epoch,
                lastSequence: p.lastSequence,
                lastTimestamp: BigInt(p.lastTimestamp),
                coordinatorEpoch: 0,
                currentTxnStartOffset: BigInt(
                  deps.txns.index.openFirstOffset(t.name, partitionIndex, p.producerId) ?? -1,
                ),
              }));
            return {
              partitionIndex,
              errorCode: ErrorCode.NONE,
              errorMessage: null,
              activeProducers,
            };
          }),
        })),
      }),
    },
    [ApiKey.DescribeTransactions]: {
      handler: (req) => ({
        throttleTimeMs: 0,
        transactionStates: req.transactionalIds.map((transactionalId) => {
          const txn = deps.txns.get(transactionalId);
          if (!txn) {
            return unknownTxnState(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, transactionalId);
          }
          return {
            errorCode: ErrorCode.NONE,
            transactionalId,
            transactionState: txn.status,
            transactionTimeoutMs: txn.timeoutMs,
            transactionStartTimeMs: BigInt(txn.status === "Empty" ? -1 : txn.startedAt),
            producerId: BigInt(txn.producerId),
            producerEpoch: deps.txns.epochOf(transactionalId),
            topics: topicsOf(txn),
          };
        }),
      }),
    },
    [ApiKey.ListTransactions]: {
      handler: (req) => {
        const known = new Set(KNOWN_STATES);
        const unknownStateFilters = req.stateFilters.filter((s) => !known.has(s));
        const states = new Set(req.stateFilters);
        const pids = new Set(req.producerIdFilters.map(Number));
        const minDuration = Number(req.durationFilter);
        const transactionStates = deps.txns.all().filter((t) =>
          (states.size === 0 || states.has(t.status)) &&
          (pids.size === 0 || pids.has(t.producerId)) &&
          (minDuration < 0 || (t.status === "Ongoing" && now() - t.startedAt >= minDuration))
        ).map((t) => ({
          transactionalId: t.transactionalId,
          producerId: BigInt(t.producerId),
          transactionState: t.status,
        }));
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.NONE,
          unknownStateFilters,
          transactionStates,
        };
      },
    },
  };
}

/** Kafka's transaction state names (ListTransactions filters other names out as unknown). */
const KNOWN_STATES = [
  "Empty",
  "Ongoing",
  "PrepareCommit",
  "PrepareAbort",
  "CompleteCommit",
  "CompleteAbort",
  "Dead",
  "PrepareEpochFence",
];

/** A DescribeTransactions entry carrying only `errorCode` (not found, not authorized). */
export function unknownTxnState(
  errorCode: number,
  transactionalId: string,
): DescribeTransactionsResponseTransactionState {
  return {
    errorCode,
    transactionalId,
    transactionState: "",
    transactionTimeoutMs: 0,
    transactionStartTimeMs: -1n,
    producerId: -1n,
    producerEpoch: -1,
    topics: [],
  };
}
