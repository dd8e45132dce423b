/**
 * The stream processor's entry point: `deno task processor --bootstrap 127.0.0.1:9092
 * --state-dir ./data/processor`. The options are declared once in `options.ts`: flags, then
 * `PROCESSOR_*` environment variables, then a JSON config file (`--config`), then defaults,
 * validated once; a bad value stops the process with one line naming it. `--help` lists everything.
 *
 * @module
 */
import { resolveTopics } from "@iot/events";
import {
  createJsonLogger,
  DirLockedError,
  errorField,
  lockDir,
  type Logger,
  type OptionValues,
  parseCli,
  PortInUseError,
  UsageError,
} from "@iot/service";
import { deviceAggregatesJob } from "./jobs/device_aggregates.ts";
import { overheatingJob } from "./jobs/overheating.ts";
import { readingsByDeviceJob } from "./jobs/readings_by_device.ts";
import { vehicleMaxJob } from "./jobs/vehicle_max.ts";
import { jobNames, processorCli } from "./options.ts";
import type { JobDefinition } from "./runtime/job.ts";
import { JobRunner } from "./runtime/job_runner.ts";
import { serveStatus } from "./runtime/status_server.ts";

/** The processor's validated configuration. */
export type ProcessorConfig = OptionValues<typeof processorCli.options>;

/** Checks what one option cannot check alone; the message names the flags (or sources). */
function crossCheck(config: ProcessorConfig, sourceOf: (key: keyof ProcessorConfig) => string) {
  try {
    resolveTopics(config.topics);
  } catch (e) {
    throw new UsageError(`${sourceOf("topics")}: ${(e as Error).message}`, { cause: e });
  }
  const { maxPendingOutputs: high, resumePendingOutputs: low } = config;
  if (low !== undefined && low >= high) {
    throw new UsageError(
      `${sourceOf("resumePendingOutputs")}: must be below --max-pending-outputs (${high})`,
    );
  }
}

/**
 * Parses flags over `env` (`PROCESSOR_*`) over the `--config` file over the defaults into a
 * validated {@linkcode ProcessorConfig}; throws `UsageError` (one line naming the flag as typed,
 * the variable or the config key). `--help` is the caller's business.
 */
export function loadConfig(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  readFile: (path: string) => string = (path) => Deno.readTextFileSync(path),
): ProcessorConfig {
  const parsed = parseCli(processorCli, { args, env, readFile });
  if (parsed.help) throw new UsageError("--help prints the usage; it is not a configuration");
  crossCheck(parsed.values, parsed.sourceOf);
  return parsed.values;
}

/** Builds the configured jobs. */
export function buildJobs(config: ProcessorConfig): JobDefinition[] {
  const t = resolveTopics(config.topics);
  const partitions = config.partitions;
  const jobs: Record<(typeof jobNames)[number], () => JobDefinition> = {
    "readings-by-device": () =>
      readingsByDeviceJob({
        input: t.sensorReadings,
        output: config.readingsByDeviceTopic,
        deadLetter: t.deadLetter,
        partitions,
        maxFutureMs: config.maxFutureMs,
      }),
    "device-aggregates": () =>
      deviceAggregatesJob({
        input: config.readingsByDeviceTopic,
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
        input: config.readingsByDeviceTopic,
        alerts: t.alerts,
        commands: t.deviceCommands,
        deadLetter: t.deadLetter,
        windowMs: config.overheatWindowMs,
        slideMs: config.overheatSlideMs,
        threshold: config.overheatThreshold,
        margin: config.overheatMargin,
        maxOutOfOrdernessMs: Math.min(config.maxOutOfOrdernessMs, config.overheatSlideMs),
        commandTtlMs: config.commandTtlMs,
        commandReissueMs: config.commandReissueMs,
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
  const names = new Set(config.jobs);
  // The readings' one validating, keying owner runs whenever a job consumes its output.
  if (names.has("device-aggregates") || names.has("overheating")) names.add("readings-by-device");
  return jobNames.filter((name) => names.has(name)).map((name) => jobs[name]());
}

/** Prints the help text and returns 0, or the config, or 2 after printing the one-line error. */
function readConfig(args: readonly string[]): ProcessorConfig | number {
  try {
    if (args.includes("--help") || args.includes("-h")) {
      const parsed = parseCli(processorCli, { args });
      if (parsed.help) console.log(parsed.text.trimEnd());
      return 0;
    }
    return loadConfig(args, Deno.env.toObject());
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const hint = e.message.includes("--help") ? "" : " (see --help)";
    console.error(`processor: ${e.message}${hint}`);
    return 2;
  }
}

async function run(config: ProcessorConfig, logger: Logger, signal: AbortSignal): Promise<number> {
  const stop = new AbortController();
  signal.addEventListener("abort", () => stop.abort(), { once: true });
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
      kafkaWaitTimeoutMs: config.kafkaWaitMs,
      sessionTimeoutMs: config.sessionTimeoutMs,
      replicationFactor: config.replicationFactor,
      ...(config.minInsyncReplicas !== undefined
        ? { minInsyncReplicas: config.minInsyncReplicas }
        : {}),
      ...(config.resumePendingOutputs !== undefined
        ? { resumePendingOutputs: config.resumePendingOutputs }
        : {}),
      signal: stop.signal,
      log: (m) => logger.info(m),
    })
  );
  const server = serveStatus(runners, config.statusPort, stop.signal);
  logger.info(`running ${runners.map((r) => r.name).join(", ")}`, {
    status: `http://127.0.0.1:${server.port}/status`,
  });
  const results = await Promise.allSettled(runners.map((r) =>
    r.run().catch((e) => {
      stop.abort();
      throw e;
    })
  ));
  stop.abort();
  await server.finished;
  const failed = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
  for (const f of failed) logger.error("job failed", { error: errorField(f.reason) });
  return failed.length > 0 ? 1 : 0;
}

/**
 * Runs the processor with `args`; returns the exit code: 0 stopped, 1 a job failed, 2 a bad flag,
 * a taken status port or a state directory in use (one line on stderr).
 */
async function main(args: readonly string[]): Promise<number> {
  const config = readConfig(args);
  if (typeof config === "number") return config;
  // Log lines carry timestamps, like the broker's (JSON, one per line, on stderr).
  const logger = createJsonLogger({ write: (line) => console.error(line) });
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    using _lock = lockDir(config.stateDir, {
      onStale: (owner) => logger.warn("took over a stale state-dir lock", { ...owner }),
    });
    return await run(config, logger, stop.signal);
  } catch (e) {
    if (!(e instanceof PortInUseError || e instanceof DirLockedError)) throw e;
    console.error(`processor: ${e.message}`);
    return 2;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
