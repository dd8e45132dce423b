/**
 * The only place the API constructs Kafka clients: an idempotent producer behind the
 * {@linkcode KafkaCommandPublisher} and an admin client behind the {@linkcode KafkaPipelineSource}.
 * Both get the same settings, so a `--kafka-properties` file (SASL, TLS) reaches every client.
 *
 * @module
 */
import type { ClientHooks, KafkaConfig } from "@iot/kafka";
import { Admin, Producer } from "@iot/kafka";
import type { Logger } from "@iot/service";
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
  /** Receives librdkafka's warnings and errors (a refused password...). Default: the console. */
  logger?: Logger;
}

/**
 * How long a command may wait for the broker before `POST .../commands` answers 503, unless the
 * properties file sets `message.timeout.ms`: librdkafka's 5 minutes would hold the request open.
 */
export const COMMAND_TIMEOUT_MS = 10_000;

/** The API's Kafka-backed command publisher and pipeline source; their clients go on `stack`. */
export function apiKafkaClients(
  options: ApiKafkaOptions,
  stack: AsyncDisposableStack,
): { commands: KafkaCommandPublisher; pipeline: KafkaPipelineSource } {
  // The file's settings first: the bootstrap flag and the delivery guarantees are not its to change.
  const kafka = { ...options.kafkaConfig, "bootstrap.servers": options.bootstrap };
  const hooks = logHooks(options.logger);
  const producer = stack.use(
    new Producer({
      ...hooks,
      config: {
        "message.timeout.ms": String(COMMAND_TIMEOUT_MS),
        ...kafka,
        "enable.idempotence": "true",
        "acks": "all",
      },
    }),
  );
  return {
    commands: new KafkaCommandPublisher(producer, options.commandsTopic),
    pipeline: new KafkaPipelineSource(stack.use(new Admin({ ...hooks, config: kafka }))),
  };
}

/** librdkafka's warnings and errors as the API's JSON log lines (they never carry secrets). */
function logHooks(logger: Logger | undefined): ClientHooks {
  if (!logger) return {};
  return {
    onLog: (r) => {
      if (r.level > 4) return;
      const fields = { client: r.client, facility: r.facility, message: r.message };
      if (r.level <= 3) logger.error("librdkafka", fields);
      else logger.warn("librdkafka", fields);
    },
  };
}
