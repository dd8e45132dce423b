/**
 * The sinks' entry point: `deno task sinks --bootstrap 127.0.0.1:9092 [--mongo-url URL]
 * [--cassandra HOST:PORT]`. The options are declared once in `options.ts`: flags, then `SINKS_*`
 * environment variables, then a JSON config file (`--config`), then defaults, validated once; a
 * bad value stops the process with one line naming it. `--help` lists everything.
 *
 * SIGINT/SIGTERM stop it gracefully: each pipeline writes and commits what it has read.
 *
 * @module
 */
import { dirname } from "node:path";
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
import { sinkKafkaClients } from "./kafka_clients.ts";
import { sinksCli } from "./options.ts";
import { choosePipelines, pipelineRoutes, pipelineWriter, redactUrl } from "./pipelines.ts";
import { SinkRunner, type SinkRunnerEvent } from "./runner.ts";
import { renderSinkMetrics } from "./status.ts";
import type { SinkWriter } from "./writer.ts";

/** The sinks' validated configuration. */
export type SinksConfig = OptionValues<typeof sinksCli.options>;

/**
 * Parses flags over `env` (`SINKS_*`) over the `--config` file over the defaults into a
 * validated {@linkcode SinksConfig}; throws `UsageError` (one line naming the flag, the variable
 * or the config key).
 */
export function loadConfig(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  readFile: (path: string) => string = (path) => Deno.readTextFileSync(path),
): SinksConfig {
  const parsed = parseCli(sinksCli, { args, env, readFile });
  if (parsed.help) throw new UsageError("--help prints the usage; it is not a configuration");
  const config = parsed.values;
  try {
    loadClientProperties(config.kafkaProperties, readFile);
  } catch (e) {
    throw new UsageError(`${parsed.sourceOf("kafkaProperties")}: ${(e as Error).message}`);
  }
  try {
    resolveTopics(config.topics);
  } catch (e) {
    throw new UsageError(`${parsed.sourceOf("topics")}: ${(e as Error).message}`, { cause: e });
  }
  try {
    choosePipelines(config.pipelines, config);
  } catch (e) {
    throw new UsageError((e as Error).message, { cause: e });
  }
  return config;
}

/** Logs a runner's events: outages and drops as warnings, flushes at debug level. */
function logEvents(logger: Logger, pipeline: string) {
  return (e: SinkRunnerEvent) => {
    if (e.type === "unavailable") {
      logger.warn("store unavailable; partitions paused", {
        pipeline,
        error: e.error.message,
        retryInMs: e.retryInMs,
      });
    } else if (e.type === "recovered") {
      logger.info("store available again; resumed", { pipeline, afterMs: e.afterMs });
    } else if (e.type === "dropped") {
      logger.warn("dead-letter record refused by the store", { pipeline, reason: e.reason });
    } else if (e.type === "commit-failed" || e.type === "dead-letter-failed") {
      logger.warn(e.type, { pipeline, error: e.error });
    } else logger.debug("flushed", { pipeline, ...e });
  };
}

async function run(config: SinksConfig, logger: Logger, signal: AbortSignal): Promise<number> {
  const clients = sinkKafkaClients({
    bootstrap: config.bootstrap,
    kafkaConfig: loadClientProperties(config.kafkaProperties),
  });
  try {
    await clients.waitReady({ timeoutMs: config.kafkaWaitMs, signal, log: (m) => logger.info(m) });
  } catch (e) {
    if (signal.aborted) return 0;
    logger.error("Kafka is not reachable", { error: errorField(e) });
    return 1;
  }
  if (signal.aborted) return 0;
  const topics = resolveTopics(config.topics);
  const names = choosePipelines(config.pipelines, config);
  const writers: SinkWriter[] = [];
  try {
    const runners = names.map((name) => {
      const writer = pipelineWriter(name, config);
      writers.push(writer);
      const group = `${config.groupPrefix}-${name}`;
      return new SinkRunner({
        name: group,
        clients,
        routes: pipelineRoutes(name, topics),
        writer,
        deadLetterTopic: topics.deadLetter,
        batchSize: config.batchSize,
        lingerMs: config.lingerMs,
        retryMs: config.retryMs,
        maxRetryMs: config.maxRetryMs,
        sessionTimeoutMs: config.sessionTimeoutMs,
        onEvent: logEvents(logger, group),
      });
    });
    const stop = new AbortController();
    signal.addEventListener("abort", () => stop.abort(), { once: true });
    const server = serveStatus({
      sources: runners,
      listKey: "pipelines",
      metrics: renderSinkMetrics,
      port: config.statusPort,
      hostname: config.statusHost,
      signal: stop.signal,
    });
    logger.info(`running ${names.join(", ")}`, {
      status: `http://${config.statusHost}:${server.port}/status`,
      ...(config.mongoUrl !== undefined ? { mongo: redactUrl(config.mongoUrl) } : {}),
      ...(config.cassandra !== undefined ? { cassandra: config.cassandra } : {}),
      ...(names.includes("embedded") ? { sqlite: config.sqlitePath } : {}),
      ...(config.lakeDir !== undefined ? { lake: config.lakeDir } : {}),
    });
    const results = await Promise.allSettled(runners.map((r) =>
      r.run(stop.signal).catch((e) => {
        stop.abort();
        throw e;
      })
    ));
    stop.abort();
    await server.finished;
    const failed = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    for (const f of failed) logger.error("pipeline failed", { error: errorField(f.reason) });
    return failed.length > 0 ? 1 : 0;
  } finally {
    await Promise.allSettled(writers.map((w) => w.close()));
  }
}

/**
 * The sinks as a service; exit codes: 0 stopped, 1 a pipeline failed, 2 a bad flag, a taken
 * status port or a state directory in use (one line on stderr).
 */
const sinksMain: ServiceMain<SinksConfig> = {
  cli: sinksCli,
  load: (args, env) => loadConfig(args, env),
  lockDir: (config) => config.stateDir ?? dirname(config.sqlitePath),
  run,
};

if (import.meta.main) Deno.exit(await runService(Deno.args, Deno.env.toObject(), sinksMain));
