/**
 * Idempotent and transactional producer state for the broker shim: InitProducerId (producer ids
 * and transactional-id epochs) and the per-partition sequence checks that make retried Produce
 * batches exactly-once in the log. Transactions themselves (AddPartitionsToTxn, EndTxn, markers)
 * live in `../txn/`, which wraps InitProducerId.
 *
 * @module
 */
export { ProducerStates, type ProducerStatesOptions } from "./producer_states.ts";
export { BATCH_WINDOW, type CheckResult, MAX_SEQUENCE } from "./sequence.ts";
