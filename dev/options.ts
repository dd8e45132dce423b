/**
 * The command line of `deno task dev`, declared once with `@iot/service`'s option table (flags >
 * `DEV_*` env > defaults; `--help` generated from it) and parsed into {@linkcode DevOptions}.
 *
 * @module
 */
import {
  defineCli,
  helpText,
  integerOption,
  parseCli,
  repeatableOption,
  stringOption,
  UsageError,
} from "@iot/service";
import { z } from "zod";

const hostPorts = z.string().regex(
  /^[^\s,:/]+:\d{1,5}(,[^\s,:/]+:\d{1,5})*$/,
  "expected HOST:PORT[,HOST:PORT...]",
);
const rate = z.string().refine(
  (r) => r === "realtime" || Number(r) > 0,
  'expected "realtime" or msgs/s > 0',
);

/** The launcher's command line; `--help` is generated from it. */
export const devCli = defineCli({
  name: "dev",
  usage: "deno task dev [flags]",
  summary: "Runs the whole pipeline in one terminal: the broker shim, the device simulator, the " +
    "processor,\nthe sinks and the API with the dashboard. Ctrl-C stops everything; a second run " +
    "resumes\nfrom the saved state under --data-dir.",
  prefix: "DEV",
  configFile: false,
  options: {
    dataDir: stringOption({
      doc: "state of every service (broker/, processor/, store/)",
      value: "DIR",
      default: "./data",
    }),
    portBase: integerOption({
      doc: "ports N.. in this order: broker Kafka, broker admin, processor status, sinks " +
        "metrics, API (0 = free ports chosen at start)",
      default: 9092,
      min: 0,
      max: 65_000,
    }),
    graceMs: integerOption({
      doc: "on stop, SIGKILL a service still running after N ms",
      default: 10_000,
      min: 1,
    }),
    kafka: stringOption({
      doc: "use this Kafka cluster instead of starting the broker shim",
      value: "HOST:PORT",
      schema: hostPorts,
      group: "Kafka",
    }),
    kafkaProperties: stringOption({
      doc: "with --kafka: librdkafka properties (key=value lines, e.g. " +
        "security.protocol=SASL_SSL, sasl.mechanisms, sasl.username, sasl.password, " +
        "ssl.ca.location) for every service and the launcher's own check of the cluster; only " +
        "the file's path is passed on",
      value: "FILE",
    }),
    devices: integerOption({ doc: "climate devices", default: 10, min: 0, group: "Simulation" }),
    vehicles: integerOption({ doc: "vehicles, 4 tyre sensors each", default: 2, min: 0 }),
    rate: stringOption({
      doc: 'producer --rate: "realtime" (event time = wall clock) or msgs/s',
      value: "R",
      default: "realtime",
      schema: rate,
    }),
    overheat: repeatableOption({
      doc: "producer --overheat: device ID heats up from AFTER on, e.g. climate-0003@30s to see " +
        "an alert and its shutdown command",
      value: "ID[@AFTER]",
    }),
    pressureSpike: repeatableOption({
      doc: "producer --pressure-spike: a vehicle's tyres spike",
      value: "ID[@AFTER]",
    }),
    mongo: stringOption({
      doc: "sinks and API use MongoDB instead of the embedded store",
      value: "URL",
      schema: z.string().regex(/^mongodb(\+srv)?:\/\//, "expected a mongodb:// URL"),
      group: "Stores",
    }),
    cassandra: stringOption({
      doc: "sinks and API use Cassandra instead of the embedded store",
      value: "HOST:PORT",
      schema: hostPorts,
    }),
  },
  epilog: "Services also read their own environment variables (BROKER_*, PROCESSOR_*, ...), " +
    "e.g.\nPROCESSOR_WINDOW_MS=5000 PROCESSOR_MAX_OUT_OF_ORDERNESS_MS=1000 deno task dev",
});

/** The text of `deno task dev --help`. */
export const devUsage: string = helpText(devCli);

/** What `deno task dev` runs. */
export interface DevOptions {
  /** Root data directory. Default "./data". */
  dataDir: string;
  /** An existing Kafka cluster, or undefined to start the shim. */
  kafka?: string;
  /** Client properties file for every service's Kafka clients (only with `kafka`). */
  kafkaProperties?: string;
  /** First port; 0 picks free ports. Default 9092. */
  portBase: number;
  /** Climate devices. Default 10. */
  devices: number;
  /** Vehicles. Default 2. */
  vehicles: number;
  /** Producer rate. Default "realtime". */
  rate: string;
  /** Anomalies forwarded to the producer (`--overheat`), as given. Default none. */
  overheat: string[];
  /** Anomalies forwarded to the producer (`--pressure-spike`), as given. Default none. */
  pressureSpike: string[];
  /** MongoDB URL. */
  mongo?: string;
  /** Cassandra contact point. */
  cassandra?: string;
  /** Grace period before SIGKILL. Default 10 000 ms. */
  graceMs: number;
}

/**
 * Parses the launcher's flags and `DEV_*` environment variables (flags win); "help" for `--help`
 * ({@linkcode devUsage}). Throws `UsageError` (one line naming the flag) on bad input.
 */
export function parseDevArgs(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): DevOptions | "help" {
  const parsed = parseCli(devCli, { args, env });
  if (parsed.help) return "help";
  // --overheat and --pressure-spike are passed on as given: the producer, which knows the fleet's
  // ids, checks them (a bad one stops it with one line).
  const { kafka, kafkaProperties, mongo, cassandra, ...always } = parsed.values;
  if (kafkaProperties !== undefined && kafka === undefined) {
    // The shim started here speaks plain Kafka: the file would only break the services.
    throw new UsageError(
      `${parsed.sourceOf("kafkaProperties")}: needs --kafka (the broker shim takes no SASL/TLS)`,
    );
  }
  return {
    ...always,
    ...(kafka !== undefined ? { kafka } : {}),
    ...(kafkaProperties !== undefined ? { kafkaProperties } : {}),
    ...(mongo !== undefined ? { mongo } : {}),
    ...(cassandra !== undefined ? { cassandra } : {}),
  };
}
