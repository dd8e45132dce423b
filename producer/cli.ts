/**
 * Command-line flags and environment of `deno task producer`, parsed once with zod into a
 * {@linkcode CliConfig}. `main.ts` reads the process state and passes it here.
 *
 * @module
 */
import { loadClientProperties } from "@iot/kafka";
import { resolveTopics, type TopicId, topicIds, type Topics } from "@iot/events";
import {
  booleanOption,
  defaultsOf,
  defineCli,
  helpText,
  integerOption,
  mapOption,
  numberOption,
  type OptionValues,
  parseCli as parseServiceCli,
  splitArgs,
  stringOption,
  UsageError,
} from "@iot/service";
import { z } from "zod";
import { durationSchema, periodSchema } from "./core/duration.ts";
import { addFlagAnomalies, type AnomalyFlag, parseAnomalyFlag } from "./core/anomaly_flags.ts";
import { type Fleet, fleetFromFlags, parseFleetJson, realismSchema } from "./core/fleet.ts";
import {
  defaultSeededStart,
  type PacingRequest,
  planPacing,
  scaleFleetToRate,
} from "./core/pacing_plan.ts";
import type { RunConfig } from "./runtime/run.ts";

export { defaultSeededStart, UsageError };

const rateSchema = z.string().transform((s, ctx): PacingRequest["rate"] => {
  if (s === "max" || s === "realtime") return s;
  const n = Number(s);
  if (s.trim() !== "" && Number.isFinite(n) && n > 0) return n;
  ctx.addIssue({ code: "custom", message: `expected msgs/s > 0, "max" or "realtime", got "${s}"` });
  return z.NEVER;
});
/** `ID[@AFTER]` items, comma-separated (a repeated flag's values are joined with commas). */
const anomalyListSchema = z.string().transform((s, ctx): AnomalyFlag[] => {
  try {
    return s.split(",").map((item) => parseAnomalyFlag(item.trim()));
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});
const ratio = (doc: string) => numberOption({ doc, value: "R", min: 0, max: 1 });
const realismDefaults = realismSchema.parse({});

/** Flags that may be given more than once; their values are joined with commas. */
const repeatable = ["overheat", "pressure-spike"];

const pacingHelp =
  `Pacing: real time (event time = wall clock) for a continuous run and for --rate N
without --start (sampling periods scaled to N msgs/s). Simulated time only when asked: --start T
(as fast as possible, or --rate N msgs/s), --speedup X (X times wall time), --rate max. --rate
max without --start, and a bounded run (--count/--duration) without pacing flags, run as fast as
possible but never past the wall clock; with --seed they start at ${defaultSeededStart} and
are byte-reproducible. The pacing line printed at start says which mode runs.
`;

/**
 * Every flag of `deno task producer`, declared once: the parser, `--help` and the defaults come
 * from here. Environment variables are `PRODUCER_*`, except `KAFKA_BOOTSTRAP_SERVERS`.
 */
export const producerCli = defineCli({
  name: "producer",
  usage: "deno task producer [flags]",
  summary: "Simulates IoT fleets and produces their readings to Kafka.",
  prefix: "PRODUCER",
  repeated: "error",
  options: {
    devices: integerOption({
      doc: "climate devices",
      min: 0,
      defaultText: "10 unless --vehicles or --fleet",
      group: "Fleet (simple case)",
    }),
    vehicles: integerOption({ doc: "vehicles", min: 0, defaultText: "0" }),
    sensorsPerVehicle: integerOption({
      doc: "tyre sensors per vehicle",
      default: 4,
      min: 1,
      max: 64,
    }),
    tempMin: numberOption({
      doc: "climate temperature range, lowest (°C)",
      value: "C",
      default: 15,
      min: -273.15,
    }),
    tempMax: numberOption({
      doc: "climate temperature range, highest (°C)",
      value: "C",
      default: 30,
    }),
    humidityMin: numberOption({
      doc: "climate humidity range, lowest (%)",
      value: "P",
      default: 30,
      min: 0,
      max: 100,
    }),
    humidityMax: numberOption({
      doc: "climate humidity range, highest (%)",
      value: "P",
      default: 70,
      min: 0,
      max: 100,
    }),
    fleet: stringOption({
      doc: "JSON fleet file: device groups, per-sensor periods, anomalies, realism",
      value: "FILE",
      group: "Fleet (rich case)",
    }),
    count: integerOption({ doc: "stop after N readings", min: 1, group: "Run" }),
    duration: stringOption({
      doc: "stop after D of event time (e.g. 90s, 10m, 2h)",
      value: "D",
      schema: periodSchema,
    }),
    seed: stringOption({
      doc: "seed of every random draw; same flags + seed + start = same records",
      value: "S",
      defaultText: "random",
    }),
    rate: stringOption({
      doc: 'N msgs/s (real time; with --start simulated), "max" or "realtime"',
      value: "R",
      defaultText: "real time at the fleet's own periods",
      schema: rateSchema,
      group: "Pacing (see the note below)",
    }),
    start: stringOption({
      doc: 'simulated time from T, ISO-8601 or "now"',
      value: "T",
      defaultText: `${defaultSeededStart} for a seeded bounded run, else now`,
    }),
    speedup: numberOption({ doc: "simulated time advancing X times wall time", value: "X" }),
    overheat: stringOption({
      doc: "temperature +10 °C/min up to +30 °C, from AFTER on (repeatable)",
      value: "ID[@AFTER]",
      schema: anomalyListSchema,
      group: "Anomalies (AFTER: event time after the start, e.g. 30s; default 0)",
    }),
    pressureSpike: stringOption({
      doc: "tyre pressure +250 kPa for 30 s, from AFTER on (repeatable)",
      value: "ID[@AFTER]",
      schema: anomalyListSchema,
    }),
    outOfOrder: numberOption({
      doc: "share delayed within --max-out-of-order",
      value: "R",
      min: 0,
      max: 1,
      group: "Event-time realism",
    }),
    maxOutOfOrder: stringOption({
      doc: "bound of the out-of-order delay",
      value: "D",
      schema: periodSchema,
      defaultText: `${realismDefaults.maxOutOfOrder} ms`,
    }),
    late: ratio("share delayed beyond it, by --late-by or more"),
    lateBy: stringOption({
      doc: "smallest delay of a late record",
      value: "D",
      schema: periodSchema,
      defaultText: `${realismDefaults.lateBy} ms`,
    }),
    duplicates: ratio("share sent twice"),
    clockSkew: stringOption({
      doc: "largest per-device clock skew",
      value: "D",
      schema: durationSchema,
    }),
    invalidJson: ratio("share whose value is not JSON"),
    schemaViolations: ratio("share whose value breaks the schema"),
    bootstrap: stringOption({
      doc: "Kafka bootstrap servers",
      value: "HOST:PORT",
      env: "KAFKA_BOOTSTRAP_SERVERS",
      default: "127.0.0.1:9092",
      group: "Kafka",
    }),
    partitions: integerOption({
      doc: "partitions of topics created when missing",
      default: 6,
      min: 1,
    }),
    kafkaProperties: stringOption({
      doc: "file of extra librdkafka properties (key=value lines) for every Kafka client, e.g. " +
        "security.protocol=SASL_SSL, sasl.mechanisms, sasl.username, sasl.password, ssl.ca.location",
      value: "FILE",
      defaultText: "none",
    }),
    kafkaWaitMs: integerOption({
      doc: "wait this long for Kafka at start before giving up",
      value: "MS",
      default: 60_000,
      min: 0,
    }),
    topics: mapOption(topicIds, {
      doc: "rename a topic, e.g. sensorReadings=test.readings",
      flag: "topic",
      value: "ID=NAME",
    }),
    noCommands: booleanOption({ doc: "do not listen on device-commands", default: false }),
  },
  epilog: pacingHelp,
});

/** The usage text of `--help`, generated from {@linkcode producerCli}. */
export const usage: string = helpText(producerCli);

/** The defaults of the producer's options (the runtime takes its defaults from here). */
export const producerDefaults = defaultsOf(producerCli.options);

/** The validated run configuration. */
export interface CliConfig extends
  Pick<
    RunConfig,
    | "bootstrap"
    | "fleet"
    | "seed"
    | "startMs"
    | "count"
    | "durationMs"
    | "pacing"
    | "topics"
    | "partitions"
    | "commands"
    | "kafkaWaitTimeoutMs"
    | "kafka"
  > {
  /** Whether `--help` was given (nothing else is meaningful then). */
  help: boolean;
}

/** What `main.ts` hands to {@linkcode parseCli}. */
export interface CliInput {
  /** Command-line arguments. */
  args: readonly string[];
  /** `PRODUCER_*` environment variables (and others, ignored). Default: none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** `KAFKA_BOOTSTRAP_SERVERS`, if set (wins over the same key in `env`). */
  bootstrapEnv?: string;
  /** Reads a fleet file's (or `--config` file's) text. */
  readFile: (path: string) => string;
  /** Wall clock, epoch ms, for real time, `--start now` and the default start. */
  now: () => number;
  /** A random seed to use when `--seed` is absent. */
  randomSeed: () => string;
}

/** Splits `--name value` / `--name=value` arguments; `topic`, `overheat`, `pressure-spike` repeat. */
export function splitFlags(args: readonly string[]): Map<string, string[]> {
  return splitArgs(producerCli, joinRepeated(args));
}

type Flags = OptionValues<typeof producerCli.options>;

/**
 * Parses arguments and environment into a {@linkcode CliConfig}. Throws {@linkcode UsageError}
 * for bad flags and `FleetError` for a bad fleet (file or flags).
 */
export function parseCli(input: CliInput): CliConfig {
  const help = splitFlags(input.args).has("help");
  const env = input.bootstrapEnv === undefined
    ? input.env
    : { ...input.env, KAFKA_BOOTSTRAP_SERVERS: input.bootstrapEnv };
  const args = joinRepeated(input.args.filter((a) => a !== "--help" && a !== "-h"));
  const parsed = parseServiceCli(producerCli, { args, env, readFile: input.readFile });
  if (parsed.help) throw new Error("unreachable: --help was removed");
  const f = parsed.values;
  const topics = parseTopics(f.topics);
  const seed = f.seed ?? input.randomSeed();
  if (f.speedup !== undefined && !(f.speedup > 0)) {
    throw new UsageError(`${parsed.sourceOf("speedup")}: must be above 0, got ${f.speedup}`);
  }
  const { pacing, startMs } = asUsageError(() =>
    planPacing({
      rate: f.rate,
      speedup: f.speedup,
      start: f.start,
      seeded: f.seed !== undefined,
      bounded: f.count !== undefined || f.duration !== undefined,
    }, input.now())
  );
  let fleet = asUsageError(() =>
    addFlagAnomalies(buildFleet(f, input), f.overheat ?? [], f.pressureSpike ?? [], {
      overheat: parsed.sourceOf("overheat"),
      spike: parsed.sourceOf("pressureSpike"),
    })
  );
  // Real time at N msgs/s: the devices report less (or more) often, each reading stamped now.
  if (pacing.mode === "realtime" && pacing.rate !== undefined) {
    fleet = scaleFleetToRate(fleet, pacing.rate).fleet;
  }
  return {
    help,
    bootstrap: f.bootstrap,
    fleet,
    seed,
    startMs,
    count: f.count,
    durationMs: f.duration,
    pacing,
    topics,
    partitions: f.partitions,
    commands: !f.noCommands,
    kafkaWaitTimeoutMs: f.kafkaWaitMs,
    kafka: clientProperties(f.kafkaProperties, parsed.sourceOf("kafkaProperties"), input),
  };
}

/** Joins the values of repeated `--overheat`/`--pressure-spike` flags into one, comma-separated. */
function joinRepeated(args: readonly string[]): string[] {
  const out: string[] = [];
  const joined = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const eq = args[i].indexOf("=");
    const name = args[i].slice(2, eq < 0 ? undefined : eq);
    const value = eq >= 0 ? args[i].slice(eq + 1) : args[i + 1];
    // A flag without its value is left for the service parser to report.
    if (!args[i].startsWith("--") || !repeatable.includes(name) || value === undefined) {
      out.push(args[i]);
      continue;
    }
    if (eq < 0) i++;
    joined.set(name, [...(joined.get(name) ?? []), value]);
  }
  for (const [name, values] of joined) out.push(`--${name}=${values.join(",")}`);
  return out;
}

/** Runs `fn`, turning the `RangeError`s of core's flag parsers into {@linkcode UsageError}s. */
/** The `--kafka-properties` file's settings; a bad file is a {@linkcode UsageError}. */
function clientProperties(path: string | undefined, source: string, input: CliInput) {
  try {
    return loadClientProperties(path, input.readFile);
  } catch (e) {
    throw new UsageError(`${source}: ${(e as Error).message}`, { cause: e });
  }
}

function asUsageError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (cause) {
    if (cause instanceof RangeError) throw new UsageError(cause.message, { cause });
    throw cause;
  }
}

function buildFleet(f: Flags, input: CliInput): Fleet {
  const realism = Object.fromEntries(
    Object.entries({
      outOfOrder: f.outOfOrder,
      maxOutOfOrder: f.maxOutOfOrder,
      late: f.late,
      lateBy: f.lateBy,
      duplicates: f.duplicates,
      clockSkew: f.clockSkew,
      invalidJson: f.invalidJson,
      schemaViolations: f.schemaViolations,
    }).filter(([, v]) => v !== undefined),
  );
  if (f.fleet !== undefined) {
    if (f.devices !== undefined || f.vehicles !== undefined) {
      throw new UsageError("--fleet cannot be combined with --devices or --vehicles");
    }
    let text: string;
    try {
      text = input.readFile(f.fleet);
    } catch (cause) {
      throw new UsageError(`--fleet: cannot read ${f.fleet}: ${(cause as Error).message}`, {
        cause,
      });
    }
    const fleet = parseFleetJson(text, f.fleet);
    return { ...fleet, realism: { ...fleet.realism, ...realism } };
  }
  if (!(f.tempMin < f.tempMax)) {
    throw new UsageError("--temp-max: must be above --temp-min");
  }
  if (!(f.humidityMin < f.humidityMax)) {
    throw new UsageError("--humidity-max: must be above --humidity-min");
  }
  const vehicles = f.vehicles ?? 0;
  const devices = f.devices ?? (vehicles > 0 ? 0 : 10);
  if (devices + vehicles === 0) throw new UsageError("--devices: the fleet is empty");
  return fleetFromFlags({
    devices,
    vehicles,
    sensorsPerVehicle: f.sensorsPerVehicle,
    tempMin: f.tempMin,
    tempMax: f.tempMax,
    humidityMin: f.humidityMin,
    humidityMax: f.humidityMax,
    realism,
  });
}

function parseTopics(overrides: Partial<Record<TopicId, string>>): Topics {
  try {
    return resolveTopics(overrides);
  } catch (cause) {
    throw new UsageError(`--topic: ${(cause as Error).message}`, { cause });
  }
}
