/**
 * The stream processor's entry point: `deno task processor --bootstrap 127.0.0.1:9092
 * --state-dir ./data/processor`. Configuration comes from flags, then `PROCESSOR_*` environment
 * variables, then a JSON config file (`--config`), then defaults; it is validated once with zod
 * and a bad value stops the process with one clear error. `--help` lists everything.
 *
 * @module
 */
import { z } from "zod";
import { resolveTopics, topicIds } from "@iot/events";
import { deviceAggregatesJob } from "./jobs/device_aggregates.ts";
import { overheatingJob } from "./jobs/overheating.ts";
import { vehicleMaxJob } from "./jobs/vehicle_max.ts";
import type { JobDefinition } from "./runtime/job.ts";
import { JobRunner } from "./runtime/job_runner.ts";
import { serveStatus } from "./runtime/status_server.ts";

const jobNames = ["device-aggregates", "overheating", "vehicle-max"] as const;
const ms = () => z.coerce.number().int().positive();

const configSchema = z.object({
  bootstrap: z.string().min(1),
  stateDir: z.string().min(1),
  instanceId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "letters, digits, . _ - only")
    .default("0"),
  groupPrefix: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "letters, digits, . _ - only")
    .default("processor"),
  jobs: z.array(z.enum(jobNames)).min(1).default([...jobNames]),
  checkpointIntervalMs: ms().default(10_000),
  exactlyOnce: z.boolean().default(true),
  fsync: z.boolean().default(true),
  keepCheckpoints: z.coerce.number().int().min(1).default(3),
  changelog: z.boolean().default(true),
  maxPendingOutputs: z.coerce.number().int().positive().default(200_000),
  resumePendingOutputs: z.coerce.number().int().min(0).optional(),
  partitions: z.coerce.number().int().positive().default(4),
  statusPort: z.coerce.number().int().min(0).max(65535).default(9470),
  topics: z.partialRecord(z.enum(topicIds), z.string()).default({}),
  repartitionTopic: z.string().min(1).default("processor-vehicle-max-repartition"),
  windowMs: ms().default(60_000),
  maxOutOfOrdernessMs: z.coerce.number().int().min(0).default(30_000),
  allowedLatenessMs: z.coerce.number().int().min(0).default(0),
  overheatWindowMs: ms().default(30_000),
  overheatSlideMs: ms().default(5_000),
  overheatThreshold: z.coerce.number().default(40),
  overheatMargin: z.coerce.number().min(0).default(2),
  commandTtlMs: ms().default(300_000),
}).strict();

/** The processor's validated configuration. */
export type ProcessorConfig = z.infer<typeof configSchema>;

const help = `Usage: deno task processor --bootstrap HOST:PORT --state-dir DIR [options]

Options (flag / environment variable / config-file key; flags win, then env, then file):
  --bootstrap HOST:PORT          PROCESSOR_BOOTSTRAP            bootstrap (required)
  --state-dir DIR                PROCESSOR_STATE_DIR            stateDir (required)
  --config FILE                  PROCESSOR_CONFIG               JSON file with the keys below
  --instance-id ID               PROCESSOR_INSTANCE_ID          instanceId (default 0); stable
                                 per instance: names the transactional id and group member
  --group-prefix P               PROCESSOR_GROUP_PREFIX         consumer groups are P-<job>
                                 (default processor)
  --jobs a,b                     PROCESSOR_JOBS                 jobs (default all: ${
  jobNames.join(",")
})
  --checkpoint-interval-ms N     PROCESSOR_CHECKPOINT_INTERVAL_MS  (default 10000)
  --exactly-once true|false      PROCESSOR_EXACTLY_ONCE         (default true)
  --fsync true|false             PROCESSOR_FSYNC                (default true)
  --keep-checkpoints N           PROCESSOR_KEEP_CHECKPOINTS     (default 3)
  --changelog true|false         PROCESSOR_CHANGELOG            mirror state to the compacted
                                 topic <group>-changelog, restore from it when the local
                                 state is missing or stale (default true)
  --max-pending-outputs N        PROCESSOR_MAX_PENDING_OUTPUTS  pause input and flush at N
                                 uncommitted outputs (default 200000)
  --resume-pending-outputs N     PROCESSOR_RESUME_PENDING_OUTPUTS  resume at N (default half)
  --partitions N                 PROCESSOR_PARTITIONS           of topics it creates (default 4)
  --status-port N                PROCESSOR_STATUS_PORT          127.0.0.1 HTTP /status /metrics
                                 (default 9470; 0 picks a free port)
  --topic ID=NAME                (repeatable) rename a topic; ids: ${topicIds.join(", ")}
  --repartition-topic NAME       (default processor-vehicle-max-repartition)
  --window-ms N                  device-aggregates window (default 60000)
  --max-out-of-orderness-ms N    watermark bound (default 30000)
  --allowed-lateness-ms N        (default 0)
  --overheat-window-ms N         (default 30000)   --overheat-slide-ms N  (default 5000)
  --overheat-threshold C         (default 40)      --overheat-margin C    (default 2)
  --command-ttl-ms N             shutdown command validity (default 300000)
  --help                         this text
`;

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const booleans = new Set(["exactlyOnce", "fsync", "changelog"]);

/** Reads raw settings from `args`; unknown flags are config errors. */
function fromFlags(args: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) throw new ConfigError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf("=");
    const name = camel(arg.slice(2, eq < 0 ? undefined : eq));
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new ConfigError(`${arg} needs a value`);
    if (name === "topic") {
      const [id, topic] = value.split("=");
      out.topics = { ...(out.topics as object), [id]: topic };
    } else out[name] = value;
  }
  return out;
}

function fromEnv(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const name = `PROCESSOR_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
    const value = Deno.env.get(name);
    if (value !== undefined) out[key] = value;
  }
  const file = Deno.env.get("PROCESSOR_CONFIG");
  if (file !== undefined) out.config = file;
  return out;
}

/** Thrown by {@linkcode loadConfig} for a missing or invalid setting; the message names it. */
export class ConfigError extends Error {
  /** @param message which setting is wrong and why. */
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Parses flags, env and the config file into a validated {@linkcode ProcessorConfig}. */
export function loadConfig(args: readonly string[]): ProcessorConfig {
  const flags = fromFlags(args);
  const env = fromEnv();
  const file = (flags.config ?? env.config) as string | undefined;
  delete flags.config;
  delete env.config;
  let fileValues: Record<string, unknown> = {};
  if (file !== undefined) {
    try {
      fileValues = JSON.parse(Deno.readTextFileSync(file));
    } catch (e) {
      throw new ConfigError(`cannot read config file ${file}: ${(e as Error).message}`);
    }
  }
  const raw: Record<string, unknown> = { ...fileValues, ...env, ...flags };
  if (typeof raw.jobs === "string") raw.jobs = raw.jobs.split(",").map((j) => j.trim());
  for (const key of booleans) {
    if (typeof raw[key] === "string") {
      raw[key] = raw[key] === "true" ? true : raw[key] === "false" ? false : raw[key];
    }
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.join(".") || "config";
    const top = String(issue.path[0] ?? "");
    if (issue.code === "invalid_type" && raw[top] === undefined) {
      const flag = top.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      const env = `PROCESSOR_${top.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
      throw new ConfigError(`${key}: required (--${flag}, ${env} or "${top}" in --config)`);
    }
    throw new ConfigError(`${key}: ${issue.message}`);
  }
  resolveTopics(parsed.data.topics);
  const { maxPendingOutputs: high, resumePendingOutputs: low } = parsed.data;
  if (low !== undefined && low >= high) {
    throw new ConfigError(`resumePendingOutputs: must be below maxPendingOutputs (${high})`);
  }
  return parsed.data;
}

/** Builds the configured jobs. */
export function buildJobs(config: ProcessorConfig): JobDefinition[] {
  const t = resolveTopics(config.topics);
  const partitions = config.partitions;
  const jobs: Record<(typeof jobNames)[number], () => JobDefinition> = {
    "device-aggregates": () =>
      deviceAggregatesJob({
        input: t.sensorReadings,
        output: t.sensorAggregates,
        late: t.lateReadings,
        deadLetter: t.deadLetter,
        windowMs: config.windowMs,
        maxOutOfOrdernessMs: config.maxOutOfOrdernessMs,
        allowedLatenessMs: config.allowedLatenessMs,
        partitions,
      }),
    overheating: () =>
      overheatingJob({
        input: t.sensorReadings,
        alerts: t.alerts,
        commands: t.deviceCommands,
        deadLetter: t.deadLetter,
        windowMs: config.overheatWindowMs,
        slideMs: config.overheatSlideMs,
        threshold: config.overheatThreshold,
        margin: config.overheatMargin,
        maxOutOfOrdernessMs: Math.min(config.maxOutOfOrdernessMs, config.overheatSlideMs),
        commandTtlMs: config.commandTtlMs,
        partitions,
      }),
    "vehicle-max": () =>
      vehicleMaxJob({
        input: t.vehiclePressure,
        repartition: config.repartitionTopic,
        output: t.vehiclePressureMax,
        deadLetter: t.deadLetter,
        partitions,
      }),
  };
  return [...new Set(config.jobs)].map((name) => jobs[name]());
}

async function main(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(help);
    return 0;
  }
  let config: ProcessorConfig;
  try {
    config = loadConfig(args);
  } catch (e) {
    if (!(e instanceof ConfigError || e instanceof TypeError)) throw e;
    console.error(`processor: bad configuration: ${e.message} (see --help)`);
    return 2;
  }
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const runners = buildJobs(config).map((job) =>
    new JobRunner({
      job,
      bootstrap: config.bootstrap,
      stateDir: config.stateDir,
      instanceId: config.instanceId,
      groupId: `${config.groupPrefix}-${job.name}`,
      checkpointIntervalMs: config.checkpointIntervalMs,
      exactlyOnce: config.exactlyOnce,
      store: { sync: config.fsync, keep: config.keepCheckpoints },
      changelog: config.changelog,
      maxPendingOutputs: config.maxPendingOutputs,
      ...(config.resumePendingOutputs !== undefined
        ? { resumePendingOutputs: config.resumePendingOutputs }
        : {}),
      signal: stop.signal,
      log: (m) => console.error(`processor: ${m}`),
    })
  );
  const server = serveStatus(runners, config.statusPort, stop.signal);
  console.error(
    `processor: running ${runners.map((r) => r.name).join(", ")}; status on ` +
      `http://127.0.0.1:${server.addr.port}/status`,
  );
  const results = await Promise.allSettled(runners.map((r) =>
    r.run().catch((e) => {
      stop.abort();
      throw e;
    })
  ));
  stop.abort();
  await server.finished;
  Deno.removeSignalListener("SIGINT", onSignal);
  Deno.removeSignalListener("SIGTERM", onSignal);
  const failed = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
  for (const f of failed) console.error(`processor: ${(f.reason as Error)?.message ?? f.reason}`);
  return failed.length > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
