/**
 * The flags of `deno task dev`, parsed into {@linkcode DevOptions}.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** The usage text of `deno task dev --help`. */
export const devUsage = `Usage: deno task dev [flags]

Runs the whole pipeline in one terminal: the broker shim, the device simulator, the processor,
and (once they exist) the sinks and the API with the dashboard. Ctrl-C stops everything; a second
run resumes from the saved state under --data-dir.

  --data-dir DIR          state of every service (default ./data: broker/, processor/, store/)
  --kafka HOST:PORT       use this Kafka cluster instead of starting the broker shim
  --kafka-properties FILE with --kafka: librdkafka properties (key=value lines, e.g.
                          security.protocol=SASL_SSL, sasl.mechanisms, sasl.username,
                          sasl.password, ssl.ca.location) for every service and the launcher's
                          own check of the cluster; only the file's path is passed on
  --port-base N           ports N.. in this order: broker Kafka, broker admin, processor status,
                          sinks metrics, API (default 9092; 0 = free ports chosen at start)
  --devices N             climate devices (default 10)
  --vehicles N            vehicles, 4 tyre sensors each (default 2)
  --rate R                producer --rate: "realtime" (event time = wall clock) or msgs/s
                          (default realtime)
  --overheat ID[@AFTER]   producer --overheat: device ID heats up from AFTER on (repeatable),
                          e.g. climate-0003@30s to see an alert and its shutdown command
  --pressure-spike ID[@AFTER]
                          producer --pressure-spike: a vehicle's tyres spike (repeatable)
  --mongo URL             sinks and API use MongoDB instead of the embedded store
  --cassandra HOST:PORT   sinks and API use Cassandra instead of the embedded store
  --grace-ms N            on stop, SIGKILL a service still running after N ms (default 10000)
  --help                  this text

Services also read their own environment variables (BROKER_*, PROCESSOR_*, ...), e.g.
PROCESSOR_WINDOW_MS=5000 PROCESSOR_MAX_OUT_OF_ORDERNESS_MS=1000 deno task dev
`;

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

function integer(flag: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new TypeError(`--${flag}: expected an integer >= ${min}, got "${raw}"`);
  }
  return n;
}

const hostPort = /^[^\s,:/]+:\d{1,5}(,[^\s,:/]+:\d{1,5})*$/;

/** Parses the launcher's flags; throws a TypeError with one line on bad input. */
export function parseDevArgs(args: readonly string[]): DevOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      options: {
        "data-dir": { type: "string" },
        kafka: { type: "string" },
        "kafka-properties": { type: "string" },
        "port-base": { type: "string" },
        devices: { type: "string" },
        vehicles: { type: "string" },
        rate: { type: "string" },
        overheat: { type: "string", multiple: true },
        "pressure-spike": { type: "string", multiple: true },
        mongo: { type: "string" },
        cassandra: { type: "string" },
        "grace-ms": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new TypeError((e as Error).message.split("\n")[0]);
  }
  if (values.help) return "help";
  if (values.kafka !== undefined && !hostPort.test(values.kafka)) {
    throw new TypeError(`--kafka: expected HOST:PORT[,HOST:PORT...], got "${values.kafka}"`);
  }
  const kafkaProperties = values["kafka-properties"];
  if (kafkaProperties !== undefined && values.kafka === undefined) {
    // The shim started here speaks plain Kafka: the file would only break the services.
    throw new TypeError("--kafka-properties: needs --kafka (the broker shim takes no SASL/TLS)");
  }
  if (values.cassandra !== undefined && !hostPort.test(values.cassandra)) {
    throw new TypeError(`--cassandra: expected HOST:PORT, got "${values.cassandra}"`);
  }
  if (values.mongo !== undefined && !/^mongodb(\+srv)?:\/\//.test(values.mongo)) {
    throw new TypeError(`--mongo: expected a mongodb:// URL, got "${values.mongo}"`);
  }
  const rate = values.rate ?? "realtime";
  if (rate !== "realtime" && !(Number(rate) > 0)) {
    throw new TypeError(`--rate: expected "realtime" or msgs/s > 0, got "${rate}"`);
  }
  const portBase = integer("port-base", values["port-base"], 9092, 0);
  if (portBase > 65_000) {
    throw new TypeError(`--port-base: expected at most 65000, got ${portBase}`);
  }
  return {
    dataDir: values["data-dir"] ?? "./data",
    ...(values.kafka !== undefined ? { kafka: values.kafka } : {}),
    ...(kafkaProperties !== undefined ? { kafkaProperties } : {}),
    portBase,
    devices: integer("devices", values.devices, 10, 0),
    vehicles: integer("vehicles", values.vehicles, 2, 0),
    rate,
    // Checked by the producer, which knows the fleet's ids: a bad one stops it with one line.
    overheat: values.overheat ?? [],
    pressureSpike: values["pressure-spike"] ?? [],
    ...(values.mongo !== undefined ? { mongo: values.mongo } : {}),
    ...(values.cassandra !== undefined ? { cassandra: values.cassandra } : {}),
    graceMs: integer("grace-ms", values["grace-ms"], 10_000, 1),
  };
}
