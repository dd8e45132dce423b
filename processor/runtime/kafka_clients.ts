/**
 * The runtime's Kafka clients built from `@iot/kafka`: the only place the processor runtime
 * constructs a `Consumer`, `Producer` or `Admin`, with the librdkafka settings its checkpoint
 * protocol relies on.
 *
 * @module
 */
import { Admin, Consumer, type KafkaConfig, Producer, waitForKafka } from "@iot/kafka";
import type { KafkaClients } from "./kafka_seam.ts";

/**
 * How long a transaction may stay open. A checkpoint's transaction lasts milliseconds to seconds;
 * one a crashed instance left open holds back its partitions' committed offsets (the new owner
 * waits) until the broker aborts it after this long, so it is kept short.
 */
export const TRANSACTION_TIMEOUT_MS = 20_000;

/** Options of {@linkcode kafkaClients}. */
export interface KafkaClientsOptions {
  /** Bootstrap servers. */
  readonly bootstrap: string;
  /** Extra librdkafka properties for every client. Default none. */
  readonly kafkaConfig?: KafkaConfig;
  /** Extra librdkafka properties for the input consumer only. Default none. */
  readonly consumerConfig?: KafkaConfig;
}

/** {@linkcode KafkaClients} backed by librdkafka. */
export function kafkaClients(options: KafkaClientsOptions): KafkaClients {
  const { bootstrap } = options;
  const extra = options.kafkaConfig ?? {};
  return {
    waitReady: (o) => waitForKafka({ bootstrap, config: extra, ...o }),
    input: (o) =>
      new Consumer({
        config: {
          "bootstrap.servers": bootstrap,
          "group.id": o.groupId,
          "group.instance.id": o.instanceId,
          "session.timeout.ms": o.sessionTimeoutMs,
          "partition.assignment.strategy": "cooperative-sticky",
          "enable.auto.commit": false,
          "enable.auto.offset.store": false,
          "auto.offset.reset": "earliest",
          "isolation.level": "read_committed",
          ...extra,
          ...options.consumerConfig,
        },
        onRebalance: o.onRebalance,
        onError: o.onError,
      }),
    reader: (o) =>
      new Consumer({
        config: {
          "bootstrap.servers": bootstrap,
          ...extra,
          "group.id": o.groupId,
          "isolation.level": "read_committed",
          "enable.auto.commit": false,
          "enable.auto.offset.store": false,
          // The last fetch finds nothing new; don't wait the default 500 ms for it.
          "fetch.wait.max.ms": 50,
        },
      }),
    output: (o) =>
      new Producer({
        config: {
          "bootstrap.servers": bootstrap,
          "linger.ms": 5,
          // Idempotence implies it; explicit so an override cannot weaken it unnoticed.
          "acks": "all",
          ...(o.transactionalId !== null
            ? {
              "transactional.id": o.transactionalId,
              "transaction.timeout.ms": TRANSACTION_TIMEOUT_MS,
            }
            : { "enable.idempotence": true }),
          ...extra,
        },
      }),
    admin: () => new Admin({ config: { ...extra, "bootstrap.servers": bootstrap } }),
  };
}
