/**
 * The transaction coordinator of the broker shim (transactions v1, as librdkafka, KafkaJS and
 * the Java client use them): per transactional id state in the metadata store, AddPartitionsToTxn,
 * AddOffsetsToTxn, TxnOffsetCommit (pending offsets), EndTxn (COMMIT/ABORT markers), transaction
 * timeouts and fencing on InitProducerId; and the log side: open transactions per partition
 * (last stable offset) and a durable aborted-transaction index for read_committed Fetch.
 *
 * @module
 */
export {
  type TopicPartition,
  TransactionCoordinator,
  type TransactionCoordinatorDeps,
  type TxnProducers,
} from "./coordinator.ts";
export { transactionApis } from "./handlers.ts";
export { type ActiveProducers, transactionAdminApis } from "./admin_handlers.ts";
export { type AbortedTxn, TxnLogIndex } from "./log_index.ts";
export { TxnLogView } from "./log_view.ts";
export type { PartitionLogs } from "./markers.ts";
export {
  type PendingOffset,
  type TxnMetadata,
  type TxnPartition,
  type TxnStatus,
} from "./txn_state.ts";
