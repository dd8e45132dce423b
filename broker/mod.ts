/**
 * The Kafka-wire-protocol broker shim: one process that speaks enough of Apache Kafka's protocol
 * for real clients (librdkafka, the Java client, KafkaJS) to produce, consume, run consumer
 * groups and commit offsets against it, with durable per-partition logs on local disk.
 *
 * - `protocol/`: generated body codecs, headers, framing and request dispatch (pure).
 * - `records/`: record batch v2 and CRC-32C (pure).
 * - `storage/`: segmented partition logs, topic store and a small metadata store.
 * - `producers/`, `group/`, `txn/`: producer ids and sequences, the group coordinator and the
 *   transaction coordinator (state in the metadata store).
 * - `api/`: the handler contract and the one API registry (handlers with their versions;
 *   ApiVersions derived from it).
 * - `handlers/`: one data-plane handler per API.
 * - `server/`: the socket loop and admin endpoint (over the registry).
 * - `schema_registry/`: a Confluent-compatible Schema Registry (JSON Schema, Avro) served on
 *   `--schema-registry-port`, state in the metadata store.
 * - `app/`: the composition root ({@linkcode runBroker}) and the CLI options;
 *   `start_broker_test_util.ts`: `startBroker()` for tests.
 *
 * @module
 */
export * as protocol from "./protocol/mod.ts";
export * from "./records/mod.ts";
export * from "./storage/mod.ts";
export { type BrokerOptions, runBroker, type RunningBroker } from "./app/run_broker.ts";
export { KafkaServer, type KafkaServerOptions } from "./server/server.ts";
export {
  type ApiEntry,
  ApiRegistry,
  type ApiSet,
  type Handler,
  handlersOf,
  type HandlerTable,
  type RequestContext,
} from "./api/mod.ts";
export { createJsonLogger, type Logger, silentLogger } from "@iot/service";
export { BrokerMetrics } from "./server/metrics.ts";
export {
  createGroupCoordinator,
  type GroupCoordinator,
  type GroupCoordinatorDeps,
} from "./group/mod.ts";
export { ProducerStates } from "./producers/mod.ts";
export {
  TransactionCoordinator,
  type TransactionCoordinatorDeps,
  type TxnMetadata,
  type TxnStatus,
} from "./txn/mod.ts";
export { brokerDenoArgs, brokerV8Flags } from "./v8_flags.ts";
