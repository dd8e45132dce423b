/**
 * Command-line flags and environment of `deno task producer`, parsed once with zod into a
 * {@linkcode CliConfig}. `main.ts` reads the process state and passes it here.
 *
 * @module
 */
import { resolveTopics, type TopicId, topicIds, type Topics } from "@iot/events";
import {
  booleanOption,
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
import { type Fleet, fleetFromFlags, parseFleetJson, realismSchema } from "./core/fleet.ts";
import type { Rate } from "./core/pacer.ts";
import type { RunConfig } from "./runtime/run.ts";

export { UsageError };

const rateSchema = z.string().transform((s, ctx): Rate => {
  if (s === "max" || s === "realtime") return s;
  const n = Number(s);
  if (s.trim() !== "" && Number.isFinite(n) && n > 0) return n;
  ctx.addIssue({ code: "custom", message: `expected msgs/s > 0, "max" or "realtime", got "${s}"` });
  return z.NEVER;
});
const ratio = (doc: string) => numberOption({ doc, value: "R", min: 0, max: 1 });
const realismDefaults = realismSchema.parse({});

/** The default simulated start when a seed is given: a fixed instant, so runs reproduce. */
export const defaultSeededStart = "2026-01-01T00:00:00.000Z";

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
      doc: "stop after D of simulated time (e.g. 90s, 10m, 2h)",
      value: "D",
      schema: periodSchema,
    }),
    rate: stringOption({
      doc: 'msgs/s, "max" or "realtime" (event time follows wall time)',
      value: "R",
      default: "max",
      schema: rateSchema,
    }),
    seed: stringOption({
      doc: "seed of every random draw; same flags + seed = same records",
      value: "S",
      defaultText: "random",
    }),
    start: stringOption({
      doc: 'simulated start, ISO-8601 or "now"',
      value: "T",
      defaultText: `${defaultSeededStart} with --seed, else now`,
    }),
    outOfOrder: ratio("share delayed within --max-out-of-order"),
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
    topics: mapOption(topicIds, {
      doc: "rename a topic, e.g. sensorReadings=test.readings",
      flag: "topic",
      value: "ID=NAME",
    }),
    noCommands: booleanOption({ doc: "do not listen on device-commands", default: false }),
  },
});

/** The usage text of `--help`, generated from {@linkcode producerCli}. */
export const usage: string = helpText(producerCli);

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
    | "rate"
    | "topics"
    | "partitions"
    | "commands"
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
  /** Wall clock, epoch ms, for `--start now` and a random seed. */
  now: () => number;
  /** A random seed to use when `--seed` is absent. */
  randomSeed: () => string;
}

/** Splits `--name value` / `--name=value` arguments; `topic` may repeat. */
export function splitFlags(args: readonly string[]): Map<string, string[]> {
  return splitArgs(producerCli, args);
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
  const args = input.args.filter((a) => a !== "--help" && a !== "-h");
  const parsed = parseServiceCli(producerCli, { args, env, readFile: input.readFile });
  if (parsed.help) throw new Error("unreachable: --help was removed");
  const f = parsed.values;
  const topics = parseTopics(f.topics);
  const fleet = buildFleet(f, input);
  const seed = f.seed ?? input.randomSeed();
  const startText = f.start ?? (f.seed === undefined ? "now" : defaultSeededStart);
  const startMs = startText === "now"
    ? Math.floor(input.now() / 1000) * 1000
    : Date.parse(startText);
  if (!Number.isFinite(startMs)) {
    throw new UsageError(`--start: expected an ISO-8601 time or "now", got "${startText}"`);
  }
  return {
    help,
    bootstrap: f.bootstrap,
    fleet,
    seed,
    startMs,
    count: f.count,
    durationMs: f.duration,
    rate: f.rate,
    topics,
    partitions: f.partitions,
    commands: !f.noCommands,
  };
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
