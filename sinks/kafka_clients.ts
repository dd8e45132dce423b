/**
 * The sinks' Kafka clients built from `@iot/kafka`: the only place the sinks construct a
 * `Consumer` or `Producer`, with the librdkafka settings their delivery guarantee relies on.
 *
 * @module
 */
import { Consumer, type KafkaConfig, Producer, waitForKafka } from "@iot/kafka";
import type { SinkKafkaClients } from "./kafka_seam.ts";

/** Options of {@linkcode sinkKafkaClients}. */
export interface SinkKafkaClientsOptions {
  /** Bootstrap servers. */
  readonly bootstrap: string;
  /** Extra librdkafka properties for every client. Default none. */
  readonly kafkaConfig?: KafkaConfig;
}

/** {@linkcode SinkKafkaClients} backed by librdkafka. */
export function sinkKafkaClients(options: SinkKafkaClientsOptions): SinkKafkaClients {
  const { bootstrap } = options;
  const extra = options.kafkaConfig ?? {};
  return {
    waitReady: (o) => waitForKafka({ bootstrap, config: extra, ...o }),
    input: (o) =>
      new Consumer({
        config: {
          "bootstrap.servers": bootstrap,
          "group.id": o.groupId,
          "partition.assignment.strategy": "cooperative-sticky",
          "session.timeout.ms": o.sessionTimeoutMs ?? 45_000,
          // Offsets are committed by hand, only after the batch is durably written.
          "enable.auto.commit": false,
          "enable.auto.offset.store": false,
          "isolation.level": "read_committed",
          "auto.offset.reset": "earliest",
          // A subscribed topic created after the start (the processor creates its outputs when it
          // first runs) is picked up within seconds, not at librdkafka's default 5 minutes.
          "topic.metadata.refresh.interval.ms": 5_000,
          ...extra,
        },
        onRebalance: o.onRebalance,
        ...(o.onError !== undefined ? { onError: o.onError } : {}),
      }),
    deadLetters: () =>
      new Producer({
        config: {
          "bootstrap.servers": bootstrap,
          "enable.idempotence": true,
          "acks": "all",
          "linger.ms": 5,
          ...extra,
        },
      }),
  };
}
