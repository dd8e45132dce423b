/**
 * Command-line flags and environment of `deno task producer`, parsed once with zod into a
 * {@linkcode CliConfig}. `main.ts` reads the process state and passes it here.
 *
 * @module
 */
import { resolveTopics, type TopicId, topicIds, type Topics } from "@iot/events";
import { z } from "zod";
import { durationSchema, periodSchema } from "./core/duration.ts";
import { addFlagAnomalies, parseAnomalyFlag } from "./core/anomaly_flags.ts";
import { type Fleet, fleetFromFlags, parseFleetJson } from "./core/fleet.ts";
import {
  defaultSeededStart,
  type PacingRequest,
  planPacing,
  scaleFleetToRate,
} from "./core/pacing_plan.ts";
import type { RunConfig } from "./runtime/run.ts";

/** The usage text of `--help`. */
export const usage = `Usage: deno task producer [flags]

Simulates IoT fleets and produces their readings to Kafka.

Fleet (simple case):
  --devices N               climate devices (default 10 unless --vehicles or --fleet)
  --vehicles N              vehicles (default 0)
  --sensors-per-vehicle N   tyre sensors per vehicle (default 4)
  --temp-min C --temp-max C           climate temperature range (default 15..30)
  --humidity-min P --humidity-max P   climate humidity range (default 30..70)
Fleet (rich case):
  --fleet FILE              JSON fleet file: device groups, per-sensor periods, anomalies, realism
Run:
  --count N                 stop after N readings
  --duration D              stop after D of event time (e.g. 90s, 10m, 2h)
  --seed S                  seed of every random draw; same flags + seed + --start = same records
Pacing (printed at start; see producer/README.md):
  --rate N                  N msgs/s in real time (event time = wall clock; sampling periods
                            scaled to N); with --start, N msgs/s of simulated time
  --rate realtime           real time at the fleet's own sampling periods (with --start:
                            simulated time from T at 1x)
  --rate max                simulated time as fast as possible, never past the wall clock
                            unless --start is given
  --start T                 simulated time from T (ISO-8601 or "now"), as fast as possible
                            unless --rate or --speedup says otherwise
  --speedup X               simulated time advancing X times wall time (from --start, else
                            2026-01-01 with --seed, else now)
  Default: real time for a continuous run; a bounded run (--count/--duration) is simulated
  from 2026-01-01T00:00:00.000Z with --seed (byte-reproducible), else from now, as fast as
  possible but never past the wall clock.
Anomalies (repeatable; AFTER is event time after the start, e.g. 30s, default 0):
  --overheat ID[@AFTER]          device's temperature ramps up 10 °C/min to +30 °C and stays
  --pressure-spike ID[@AFTER]    vehicle's or tyre sensor's pressure +250 kPa for 30 s
Event-time realism (ratios 0..1, durations like 5s):
  --out-of-order R --max-out-of-order D   delayed within the bound (default bound 5s)
  --late R --late-by D                    delayed beyond it (default 1m)
  --duplicates R  --clock-skew D  --invalid-json R  --schema-violations R
Kafka:
  --bootstrap HOST:PORT     (env KAFKA_BOOTSTRAP_SERVERS; default 127.0.0.1:9092)
  --partitions N            partitions of topics created when missing (default 6)
  --topic ID=NAME           rename a topic, e.g. sensorReadings=test.readings (repeatable)
  --no-commands             do not listen on device-commands
  --help                    show this help
`;

/** A bad flag or environment value; `main.ts` prints the message and exits with code 2. */
export class UsageError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

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
  > {
  /** Whether `--help` was given (nothing else is meaningful then). */
  help: boolean;
}

/** What `main.ts` hands to {@linkcode parseCli}. */
export interface CliInput {
  /** Command-line arguments. */
  args: readonly string[];
  /** `KAFKA_BOOTSTRAP_SERVERS`, if set. */
  bootstrapEnv?: string;
  /** Reads a fleet file's text. */
  readFile: (path: string) => string;
  /** Wall clock, epoch ms, for real time, `--start now` and the default start. */
  now: () => number;
  /** A random seed to use when `--seed` is absent. */
  randomSeed: () => string;
}

const booleanFlags = new Set(["help", "no-commands"]);
const valueFlags = new Set([
  "devices",
  "vehicles",
  "sensors-per-vehicle",
  "temp-min",
  "temp-max",
  "humidity-min",
  "humidity-max",
  "fleet",
  "count",
  "duration",
  "rate",
  "speedup",
  "seed",
  "start",
  "overheat",
  "pressure-spike",
  "bootstrap",
  "partitions",
  "topic",
  "out-of-order",
  "max-out-of-order",
  "late",
  "late-by",
  "duplicates",
  "clock-skew",
  "invalid-json",
  "schema-violations",
]);

/** Flags that may be given more than once. */
const repeatable = new Set(["topic", "overheat", "pressure-spike"]);

/** Splits `--name value` / `--name=value` arguments; `topic`, `overheat`, `pressure-spike` repeat. */
export function splitFlags(args: readonly string[]): Map<string, string[]> {
  const flags = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    let value: string;
    if (booleanFlags.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      value = "true";
    } else if (valueFlags.has(name)) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < args.length) value = args[++i];
      else throw new UsageError(`--${name} needs a value`);
    } else {
      throw new UsageError(`unknown flag --${name} (see --help)`);
    }
    if (flags.has(name) && !repeatable.has(name)) throw new UsageError(`--${name} given twice`);
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return flags;
}

const num = z.string().trim().min(1).transform((s, ctx) => {
  const n = Number(s);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: "custom", message: `expected a number, got "${s}"` });
    return z.NEVER;
  }
  return n;
});
const int = (min: number) => num.pipe(z.number().int().min(min));
const ratio = num.pipe(z.number().min(0).max(1));

const flagsSchema = z.object({
  "devices": int(0).optional(),
  "vehicles": int(0).optional(),
  "sensors-per-vehicle": int(1).pipe(z.number().max(64)).default(4),
  "temp-min": num.pipe(z.number().min(-273.15)).default(15),
  "temp-max": num.default(30),
  "humidity-min": num.pipe(z.number().min(0).max(100)).default(30),
  "humidity-max": num.pipe(z.number().min(0).max(100)).default(70),
  "fleet": z.string().min(1).optional(),
  "count": int(1).optional(),
  "duration": periodSchema.optional(),
  "rate": z.string().transform((s, ctx): PacingRequest["rate"] => {
    if (s === "max" || s === "realtime") return s;
    const n = Number(s);
    if (s.trim() !== "" && Number.isFinite(n) && n > 0) return n;
    ctx.addIssue({
      code: "custom",
      message: `expected msgs/s > 0, "max" or "realtime", got "${s}"`,
    });
    return z.NEVER;
  }).optional(),
  "speedup": num.pipe(z.number().positive()).optional(),
  "seed": z.string().min(1).optional(),
  "start": z.string().optional(),
  "bootstrap": z.string().min(1).optional(),
  "partitions": int(1).default(6),
  "out-of-order": ratio.optional(),
  "max-out-of-order": periodSchema.optional(),
  "late": ratio.optional(),
  "late-by": periodSchema.optional(),
  "duplicates": ratio.optional(),
  "clock-skew": durationSchema.optional(),
  "invalid-json": ratio.optional(),
  "schema-violations": ratio.optional(),
});

export { defaultSeededStart };

/**
 * Parses arguments and environment into a {@linkcode CliConfig}. Throws {@linkcode UsageError}
 * for bad flags and `FleetError` for a bad fleet (file or flags).
 */
export function parseCli(input: CliInput): CliConfig {
  const raw = splitFlags(input.args);
  const single = Object.fromEntries(
    [...raw].filter(([k]) => !repeatable.has(k) && !booleanFlags.has(k)).map(([k, v]) => [k, v[0]]),
  );
  const parsed = flagsSchema.safeParse(single);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--${issue.path.join(".")}: ${issue.message}`);
  }
  const f = parsed.data;
  const help = raw.has("help");
  const topics = parseTopics(raw.get("topic") ?? []);
  const seed = f.seed ?? input.randomSeed();
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
    addFlagAnomalies(
      buildFleet(f, input),
      (raw.get("overheat") ?? []).map((v) => parseAnomalyFlag("overheat", v)),
      (raw.get("pressure-spike") ?? []).map((v) => parseAnomalyFlag("pressure-spike", v)),
    )
  );
  // Real time at N msgs/s: the devices report less (or more) often, each reading stamped now.
  if (pacing.mode === "realtime" && pacing.rate !== undefined) {
    fleet = scaleFleetToRate(fleet, pacing.rate).fleet;
  }
  return {
    help,
    bootstrap: f.bootstrap ?? input.bootstrapEnv ?? "127.0.0.1:9092",
    fleet,
    seed,
    startMs,
    count: f.count,
    durationMs: f.duration,
    pacing,
    topics,
    partitions: f.partitions,
    commands: !raw.has("no-commands"),
  };
}

/** Runs `fn`, turning the `RangeError`s of core's flag parsers into {@linkcode UsageError}s. */
function asUsageError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (cause) {
    if (cause instanceof RangeError) throw new UsageError(cause.message, { cause });
    throw cause;
  }
}

function buildFleet(f: z.output<typeof flagsSchema>, input: CliInput): Fleet {
  const realism = Object.fromEntries(
    Object.entries({
      outOfOrder: f["out-of-order"],
      maxOutOfOrder: f["max-out-of-order"],
      late: f.late,
      lateBy: f["late-by"],
      duplicates: f.duplicates,
      clockSkew: f["clock-skew"],
      invalidJson: f["invalid-json"],
      schemaViolations: f["schema-violations"],
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
  if (!(f["temp-min"] < f["temp-max"])) {
    throw new UsageError("--temp-max: must be above --temp-min");
  }
  if (!(f["humidity-min"] < f["humidity-max"])) {
    throw new UsageError("--humidity-max: must be above --humidity-min");
  }
  const vehicles = f.vehicles ?? 0;
  const devices = f.devices ?? (vehicles > 0 ? 0 : 10);
  if (devices + vehicles === 0) throw new UsageError("--devices: the fleet is empty");
  return fleetFromFlags({
    devices,
    vehicles,
    sensorsPerVehicle: f["sensors-per-vehicle"],
    tempMin: f["temp-min"],
    tempMax: f["temp-max"],
    humidityMin: f["humidity-min"],
    humidityMax: f["humidity-max"],
    realism,
  });
}

function parseTopics(pairs: readonly string[]): Topics {
  const overrides: Partial<Record<TopicId, string>> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const id = pair.slice(0, eq) as TopicId;
    if (eq < 0 || !topicIds.includes(id)) {
      throw new UsageError(`--topic: expected ID=NAME with ID one of ${topicIds.join(", ")}`);
    }
    overrides[id] = pair.slice(eq + 1);
  }
  try {
    return resolveTopics(overrides);
  } catch (cause) {
    throw new UsageError(`--topic: ${(cause as Error).message}`, { cause });
  }
}
