/**
 * The only place the API constructs Kafka clients: an idempotent producer behind the
 * {@linkcode KafkaCommandPublisher} and an admin client behind the {@linkcode KafkaPipelineSource}.
 * Both get the same settings, so a `--kafka-properties` file (SASL, TLS) reaches every client.
 *
 * @module
 */
import { Admin, type KafkaConfig, Producer } from "@iot/kafka";
import { KafkaCommandPublisher } from "./commands.ts";
import { KafkaPipelineSource } from "./pipeline.ts";

/** What {@linkcode apiKafkaClients} needs. */
export interface ApiKafkaOptions {
  /** Kafka bootstrap servers. */
  bootstrap: string;
  /** Extra librdkafka settings (the `--kafka-properties` file) for every client. Default none. */
  kafkaConfig?: KafkaConfig;
  /** The `device-commands` topic name. */
  commandsTopic: string;
}

/** The API's Kafka-backed command publisher and pipeline source; their clients go on `stack`. */
export function apiKafkaClients(
  options: ApiKafkaOptions,
  stack: AsyncDisposableStack,
): { commands: KafkaCommandPublisher; pipeline: KafkaPipelineSource } {
  // The file's settings first: the bootstrap flag and the delivery guarantees are not its to change.
  const kafka = { ...options.kafkaConfig, "bootstrap.servers": options.bootstrap };
  const producer = stack.use(
    new Producer({ config: { ...kafka, "enable.idempotence": "true", "acks": "all" } }),
  );
  return {
    commands: new KafkaCommandPublisher(producer, options.commandsTopic),
    pipeline: new KafkaPipelineSource(stack.use(new Admin({ config: kafka }))),
  };
}
