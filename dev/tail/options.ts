/**
 * The flags of `deno task tail TOPIC`, parsed into a {@linkcode TailOptions}.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** The usage text of `deno task tail --help`. */
export const tailUsage = `Usage: deno task tail TOPIC [flags]

Prints the records of TOPIC as JSON lines (topic, partition, offset, timestamp, key, headers,
value parsed as JSON when it is JSON). Follows the topic until Ctrl-C unless --count is given.

  --from-beginning       start at the earliest offset (default: only new records)
  --read-committed       skip records of aborted and open transactions (isolation.level)
  --count N              stop after N records
  --bootstrap HOST:PORT  Kafka or the broker shim (env KAFKA_BOOTSTRAP_SERVERS;
                         default 127.0.0.1:9092, where deno task dev puts the shim)
  --kafka-properties FILE
                         extra librdkafka properties (key=value lines) for its clients, e.g.
                         security.protocol=SASL_SSL, sasl.mechanisms, sasl.username,
                         sasl.password, ssl.ca.location (env TAIL_KAFKA_PROPERTIES)
  --help                 this text
`;

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
 * Parses the tail's arguments; `bootstrapEnv` is `KAFKA_BOOTSTRAP_SERVERS`, `propertiesEnv`
 * `TAIL_KAFKA_PROPERTIES` (flags win). Throws TypeError on bad input.
 */
export function parseTailArgs(
  args: readonly string[],
  bootstrapEnv?: string,
  propertiesEnv?: string,
): TailOptions | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: true,
      options: {
        "from-beginning": { type: "boolean" },
        "read-committed": { type: "boolean" },
        count: { type: "string" },
        bootstrap: { type: "string" },
        "kafka-properties": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new TypeError((e as Error).message.split("\n")[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (positionals.length !== 1) {
    throw new TypeError(
      positionals.length === 0
        ? "missing TOPIC"
        : `one TOPIC expected, got ${positionals.join(" ")}`,
    );
  }
  let count: number | undefined;
  if (values.count !== undefined) {
    count = Number(values.count);
    if (!Number.isInteger(count) || count < 1) {
      throw new TypeError(`--count: expected an integer >= 1, got "${values.count}"`);
    }
  }
  const bootstrap = values.bootstrap ?? bootstrapEnv ?? "127.0.0.1:9092";
  if (!/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/.test(bootstrap)) {
    throw new TypeError(`--bootstrap: expected HOST:PORT[,HOST:PORT...], got "${bootstrap}"`);
  }
  const kafkaProperties = values["kafka-properties"] ?? propertiesEnv;
  return {
    topic: positionals[0],
    bootstrap,
    fromBeginning: values["from-beginning"] ?? false,
    readCommitted: values["read-committed"] ?? false,
    count,
    ...(kafkaProperties ? { kafkaProperties } : {}),
  };
}
