/**
 * The command line of `deno task tail TOPIC`, declared once with `@iot/service`'s option table
 * (flags > `TAIL_*` / `KAFKA_BOOTSTRAP_SERVERS` env > defaults; `--help` generated from it) and
 * parsed into a {@linkcode TailOptions}.
 *
 * @module
 */
import {
  booleanOption,
  defineCli,
  helpText,
  integerOption,
  parseCli,
  stringOption,
} from "@iot/service";
import { z } from "zod";

const bootstrapList = z.string().regex(
  /^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/,
  "expected HOST:PORT[,HOST:PORT...]",
);

/** The tail's command line; `--help` is generated from it. */
export const tailCli = defineCli({
  name: "tail",
  usage: "deno task tail TOPIC [flags]",
  summary: "Prints the records of TOPIC as JSON lines (topic, partition, offset, timestamp, key, " +
    "headers,\nvalue parsed as JSON when it is JSON). Follows the topic until Ctrl-C unless " +
    "--count is given.",
  prefix: "TAIL",
  configFile: false,
  positionals: [{ name: "TOPIC", doc: "the topic to print" }],
  options: {
    fromBeginning: booleanOption({
      doc: "start at the earliest offset (otherwise: only new records)",
      default: false,
    }),
    readCommitted: booleanOption({
      doc: "skip records of aborted and open transactions (isolation.level)",
      default: false,
    }),
    count: integerOption({ doc: "stop after N records", min: 1, defaultText: "follow forever" }),
    bootstrap: stringOption({
      doc: "Kafka or the broker shim (127.0.0.1:9092 is where deno task dev puts the shim)",
      value: "HOST:PORT",
      env: "KAFKA_BOOTSTRAP_SERVERS",
      default: "127.0.0.1:9092",
      schema: bootstrapList,
    }),
    kafkaProperties: stringOption({
      doc: "extra librdkafka properties (key=value lines) for its clients, e.g. " +
        "security.protocol=SASL_SSL, sasl.mechanisms, sasl.username, sasl.password, " +
        "ssl.ca.location",
      value: "FILE",
      defaultText: "none",
      // An empty TAIL_KAFKA_PROPERTIES means none, as it always has.
      schema: z.string(),
    }),
  },
});

/** The text of `deno task tail --help`. */
export const tailUsage: string = helpText(tailCli);

/** What `deno task tail` does. */
export interface TailOptions {
  /** The topic to print. */
  topic: string;
  /** Kafka bootstrap servers. */
  bootstrap: string;
  /** Start at the earliest offset instead of the end. Default false. */
  fromBeginning: boolean;
  /** `isolation.level=read_committed`. Default false. */
  readCommitted: boolean;
  /** Stop after this many records; undefined follows forever. */
  count: number | undefined;
  /** The client properties file (`--kafka-properties`), or undefined for none. */
  kafkaProperties?: string;
}

/**
 * Parses the tail's arguments and environment (`KAFKA_BOOTSTRAP_SERVERS`,
 * `TAIL_KAFKA_PROPERTIES`, ...; flags win); "help" for `--help` ({@linkcode tailUsage}). Throws
 * `UsageError` (one line naming the flag) on bad input.
 */
export function parseTailArgs(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): TailOptions | "help" {
  const parsed = parseCli(tailCli, { args, env });
  if (parsed.help) return "help";
  const { values, positionals } = parsed;
  return {
    topic: positionals[0],
    bootstrap: values.bootstrap,
    fromBeginning: values.fromBeginning,
    readCommitted: values.readCommitted,
    count: values.count,
    ...(values.kafkaProperties ? { kafkaProperties: values.kafkaProperties } : {}),
  };
}
