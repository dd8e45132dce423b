/**
 * The API's options, declared once: `main.ts` parses them (flags > `API_*` env > `--config` file >
 * defaults) and `--help` is generated from them. The token is never a flag: it comes from
 * `API_TOKEN` or a file (`--token-file`), so it stays out of `ps` and shell history.
 *
 * @module
 */
import { topicIds } from "@iot/events";
import { type KafkaConfig, loadClientProperties } from "@iot/kafka";
import {
  booleanOption,
  type CliResult,
  defineCli,
  enumOption,
  integerOption,
  logLevels,
  mapOption,
  stringOption,
  UsageError,
} from "@iot/service";
import { z } from "zod";

/** The services whose status URLs the pipeline page shows. */
export const serviceNames = ["processor", "sinks"] as const;

/** The API's command line; the keys are also the `--config` file's keys. */
export const apiCli = defineCli({
  name: "api",
  usage: "deno task api [--sqlite FILE] [--bootstrap HOST:PORT] [flags]",
  summary: "Query API and live dashboard over the sinks' stores and the pipeline.",
  prefix: "API",
  options: {
    host: stringOption({
      doc: "address to bind",
      default: "127.0.0.1",
      value: "ADDR",
      group: "Server",
    }),
    port: integerOption({
      doc: "port to bind; 0 = any free port",
      default: 8080,
      min: 0,
      max: 65535,
    }),
    store: enumOption(["sqlite", "mongo-cassandra"], {
      doc: "which stores to read",
      default: "sqlite",
      group: "Stores and Kafka",
    }),
    sqlite: stringOption({
      doc: "the embedded store the sinks write",
      value: "FILE",
      default: "./data/iot.db",
    }),
    mongoUrl: stringOption({
      doc: "MongoDB URL (--store mongo-cassandra)",
      value: "URL",
      default: "mongodb://127.0.0.1:27017/",
    }),
    mongoDatabase: stringOption({ doc: "MongoDB database", value: "NAME", default: "iot" }),
    cassandra: stringOption({
      doc: "Cassandra contact point (--store mongo-cassandra)",
      value: "HOST:PORT",
      default: "127.0.0.1:9042",
    }),
    keyspace: stringOption({ doc: "Cassandra keyspace", value: "NAME", default: "iot_data" }),
    bootstrap: stringOption({
      doc: "Kafka bootstrap servers (commands, pipeline page); none: both off",
      value: "HOST:PORT",
      env: "KAFKA_BOOTSTRAP_SERVERS",
    }),
    kafkaProperties: stringOption({
      doc: "file of extra librdkafka properties (key=value lines) for every Kafka client, e.g. " +
        "security.protocol=SASL_SSL, sasl.mechanisms, sasl.username, sasl.password, ssl.ca.location",
      value: "FILE",
      defaultText: "none",
    }),
    topics: mapOption(topicIds, { doc: "rename a topic", flag: "topic", value: "ID=NAME" }),
    services: mapOption(serviceNames, {
      doc: "status URL of a pipeline service (several instances: URLs separated by spaces)",
      flag: "service",
      value: "NAME=URL",
    }),
    tokenFile: stringOption({
      doc: "file holding the bearer token for changes (or set API_TOKEN)",
      value: "FILE",
      group: "Security",
    }),
    generateToken: booleanOption({
      doc: "make a random token for this run and print the dashboard URL carrying it",
      default: false,
    }),
    corsOrigins: stringOption({
      doc: "comma-separated origins allowed by CORS; none: CORS off",
      value: "URLS",
      default: "",
      defaultText: "none",
      schema: z.string().transform((s) => s.split(",").map((o) => o.trim()).filter(Boolean)),
    }),
    bodyLimitBytes: integerOption({ doc: "largest request body", default: 16_384, min: 256 }),
    silentAfterMs: integerOption({
      doc: "a device without readings this long is silent",
      default: 60_000,
      min: 1,
      value: "MS",
      group: "Behaviour",
    }),
    pollIntervalMs: integerOption({
      doc: "how often live streams poll the store",
      default: 500,
      min: 10,
      value: "MS",
    }),
    logLevel: enumOption(logLevels, { doc: "lowest level logged", default: "info" }),
  },
});

/**
 * The `--kafka-properties` file's settings (`{}` without one); an unreadable or malformed file
 * is one {@linkcode UsageError} line naming the flag, variable or config key, never its text.
 */
export function kafkaConfigOf(
  parsed: Extract<CliResult<typeof apiCli.options>, { help: false }>,
  readFile: (path: string) => string,
): KafkaConfig {
  try {
    return loadClientProperties(parsed.values.kafkaProperties, readFile);
  } catch (e) {
    throw new UsageError(`${parsed.sourceOf("kafkaProperties")}: ${(e as Error).message}`);
  }
}
