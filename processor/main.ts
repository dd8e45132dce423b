/**
 * The stream processor's entry point: `deno task processor --bootstrap 127.0.0.1:9092
 * --state-dir ./data/processor`. The options are declared once in `options.ts`: flags, then
 * `PROCESSOR_*` environment variables, then a JSON config file (`--config`), then defaults,
 * validated once; a bad value stops the process with one line naming it. `--help` lists everything.
 *
 * @module
 */
import { resolveTopics } from "@iot/events";
import { loadClientProperties } from "@iot/kafka";
import {
  errorField,
  type Logger,
  type OptionValues,
  parseCli,
  runService,
  serveStatus,
  type ServiceMain,
  UsageError,
} from "@iot/service";
import { deviceAggregatesJob } from "./jobs/device_aggregates.ts";
import { overheatingJob } from "./jobs/overheating.ts";
import { readingsByDeviceJob } from "./jobs/readings_by_device.ts";
import { sourcesOf } from "./jobs/record_source.ts";
import { vehicleMaxJob } from "./jobs/vehicle_max.ts";
import { jobNames, processorCli } from "./options.ts";
import type { JobDefinition } from "./runtime/job.ts";
import { JobRunner } from "./runtime/job_runner.ts";
import { RestartingJob } from "./runtime/restarting_job.ts";
import { renderPrometheus } from "./runtime/status.ts";

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
  try {
    loadClientProperties(parsed.values.kafkaProperties, readFile);
  } catch (e) {
    throw new UsageError(`${parsed.sourceOf("kafkaProperties")}: ${(e as Error).message}`);
  }
  return parsed.values;
}

/** Builds the configured jobs. */
export function buildJobs(config: ProcessorConfig): JobDefinition[] {
  const t = resolveTopics(config.topics);
  const partitions = config.partitions;
  // The by-device topic's sources (readings-by-device's input partitions), awaited only on request:
  // with placed input (our producer's murmur2) a task hears from one source, and waiting for the
  // others would hold its first windows for the idle time.
  const sources = {
    sources: config.awaitAllSources ? sourcesOf(t.sensorReadings, partitions) : [],
    sourceIdleMs: config.sourceIdleMs,
  };
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
        sources,
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
        sources,
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

async function run(config: ProcessorConfig, logger: Logger, signal: AbortSignal): Promise<number> {
  const stop = new AbortController();
  signal.addEventListener("abort", () => stop.abort(), { once: true });
  // A fatal Kafka client error (a static member fenced after its coordinator moved) rebuilds the
  // job instead of ending the process: restarting_job.ts.
  const runners = buildJobs(config).map((job) =>
    new RestartingJob(() =>
      new JobRunner({
        job,
        bootstrap: config.bootstrap,
        kafkaConfig: loadClientProperties(config.kafkaProperties),
        stateDir: config.stateDir,
        instanceId: config.instanceId,
        groupId: `${config.groupPrefix}-${job.name}`,
        checkpointIntervalMs: config.checkpointIntervalMs,
        guarantee: config.processingGuarantee,
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
      }), { signal: stop.signal, log: (m) => logger.warn(m) })
  );
  const server = serveStatus({
    sources: runners,
    listKey: "jobs",
    metrics: renderPrometheus,
    port: config.statusPort,
    hostname: config.statusHost,
    signal: stop.signal,
  });
  logger.info(`running ${runners.map((r) => r.name).join(", ")}`, {
    status: `http://${config.statusHost}:${server.port}/status`,
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
 * The processor as a service; exit codes: 0 stopped, 1 a job failed, 2 a bad flag, a taken
 * status port or a state directory in use (one line on stderr).
 */
const processorMain: ServiceMain<ProcessorConfig> = {
  cli: processorCli,
  load: (args, env) => loadConfig(args, env),
  lockDir: (config) => config.stateDir,
  run,
};

if (import.meta.main) {
  Deno.exit(await runService(Deno.args, Deno.env.toObject(), processorMain));
}
