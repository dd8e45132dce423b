/**
 * The Kafka-wire-protocol broker shim: one process that speaks enough of Apache Kafka's protocol
 * for real clients (librdkafka, the Java client, KafkaJS) to produce, consume, run consumer
 * groups and commit offsets against it, with durable per-partition logs on local disk.
 *
 * - `protocol/`: generated body codecs, headers, framing and request dispatch (pure).
 * - `records/`: record batch v2 and CRC-32C (pure).
 * - `storage/`: segmented partition logs, topic store and a small metadata store.
 *
 * @module
 */
export * as protocol from "./protocol/mod.ts";
export * from "./records/mod.ts";
export * from "./storage/mod.ts";
