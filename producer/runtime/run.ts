/**
 * The run loop: builds the simulation, creates missing topics, starts the command listener,
 * then generates, paces and sends records until the count or duration is reached or the
 * signal aborts, and flushes everything before returning.
 *
 * @module
 */
import { producerDefaults } from "../cli.ts";
import type { Topics } from "@iot/events";
import type { KafkaConfig, KafkaError } from "@iot/kafka";
import { CommandHandler } from "../core/commands.ts";
import type { Fleet } from "../core/fleet.ts";
import { pace, type Pacing } from "../core/pacer.ts";
import { describePacing } from "../core/pacing_plan.ts";
import { Disorder, type DisorderCounts, wantsDisorder } from "../core/realism.ts";
import { type SimRecord, Simulation } from "../core/schedule.ts";
import { commandGroupId, CommandListener } from "./command_listener.ts";
import { type Progress, type Reporter, silentReporter } from "./output.ts";
import { kafkaClients, type SimulatorClients } from "./kafka_seam.ts";
import { KafkaSink } from "./sink.ts";
import { ensureTopics } from "./topics.ts";

/** Everything a run needs, already validated. */
export interface RunConfig {
  /** Kafka bootstrap servers. */
  bootstrap: string;
  /** The fleet to simulate. */
  fleet: Fleet;
  /** Seed of every random draw. */
  seed: string;
  /** Simulated start time, epoch ms. */
  startMs: number;
  /** Stop after this many generated records. Default: no limit. */
  count?: number;
  /** Stop after this much simulated time. Default: no limit. */
  durationMs?: number;
  /** How event time relates to wall time, and how fast to send. */
  pacing: Pacing;
  /** Topic names. */
  topics: Topics;
  /** Partitions of topics created because they were missing. */
  partitions: number;
  /** Whether to listen for device commands. */
  commands: boolean;
  /** Extra librdkafka settings for the producer. Default: none. */
  kafka?: KafkaConfig;
  /** Records per batch. Default 10 000. */
  chunk?: number;
  /**
   * At start, wait this long (ms) for Kafka to answer, reporting `waiting for Kafka at …`.
   * Default 60 000.
   */
  kafkaWaitTimeoutMs?: number;
}

/** Collaborators of a run. */
export interface RunDeps {
  /** Stops the run early (everything generated so far is still flushed). */
  signal?: AbortSignal;
  /** Where to report. Default: {@linkcode silentReporter}. */
  reporter?: Reporter;
  /**
   * Wall clock, epoch ms. Default `Date.now`. It paces the run and decides command expiry:
   * a command's `expiresAt` is wall-clock time, never compared with the simulated event time.
   */
  now?: () => number;
  /** Makes the Kafka clients. Default: librdkafka clients of `config.bootstrap`. */
  clients?: SimulatorClients;
  /** Told once the listener and producer are ready, before the first record is sent. */
  onReady?: (simulation: Simulation) => void;
}

/** What a run did. */
export interface RunSummary extends Progress {
  /** What the realism settings did, when any were asked for. */
  disorder?: DisorderCounts;
  /** Command statuses reported. */
  commandStatuses: number;
  /** Whether the run ended because the signal aborted. */
  aborted: boolean;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

function stoppedDevices(simulation: Simulation): number {
  const ids = new Set<string>();
  for (const stream of simulation.streams) if (stream.stopped) ids.add(stream.deviceId);
  return ids.size;
}

/**
 * Waits for Kafka to answer: `true` once it does, `false` when `signal` aborted first.
 *
 * @throws {KafkaError} when it does not answer within `config.kafkaWaitTimeoutMs`.
 */
async function kafkaReady(
  clients: SimulatorClients,
  config: RunConfig,
  signal: AbortSignal | undefined,
  reporter: Reporter,
): Promise<boolean> {
  try {
    await clients.waitReady({
      timeoutMs: config.kafkaWaitTimeoutMs ?? producerDefaults.kafkaWaitMs,
      signal,
      log: (line) => reporter.event("kafka-wait", { message: line }),
    });
    return true;
  } catch (error) {
    if (signal?.aborted) return false;
    throw error;
  }
}

/**
 * Runs the simulator against Kafka and resolves with its summary once every record is
 * acknowledged or failed. Throws a `KafkaError` when Kafka does not answer within
 * `config.kafkaWaitTimeoutMs` or topics cannot be created.
 */
export async function runProducer(config: RunConfig, deps: RunDeps = {}): Promise<RunSummary> {
  const { signal, reporter = silentReporter, now = Date.now } = deps;
  const { topics, fleet } = config;
  const simulation = new Simulation({
    fleet,
    seed: config.seed,
    startMs: config.startMs,
    topics,
    count: config.count,
    durationMs: config.durationMs,
  });
  const onError = (error: unknown) =>
    reporter.event("kafka-error", {
      error: error instanceof Error ? error.message : String(error),
    });
  const clients = deps.clients ?? kafkaClients(config.bootstrap, config.kafka);
  if (!await kafkaReady(clients, config, signal, reporter)) {
    const simTime = new Date(simulation.nowMs).toISOString();
    const nothing = { sent: 0, acked: 0, failed: 0, rate: 0, stopped: 0, simTime, seconds: 0 };
    return { ...nothing, commandStatuses: 0, aborted: true };
  }
  let commandPartitions = 0;
  {
    await using admin = clients.admin({ onError });
    const names = [...new Set(simulation.streams.map((stream) => stream.topic))];
    if (config.commands) names.push(topics.deviceCommands, topics.commandStatus);
    await ensureTopics(admin, names, config.partitions);
    if (config.commands) {
      const [description] = await admin.describeTopics([topics.deviceCommands]);
      commandPartitions = description.partitions.length;
    }
  }
  await using producer = clients.output({ onError });
  const sink = new KafkaSink(producer, {
    onError: (error: KafkaError, records) =>
      reporter.event("send-error", { error: error.message, records }),
  });
  let commandStatuses = 0;
  const listener = config.commands
    ? await CommandListener.start({
      input: clients.commandInput({ groupId: commandGroupId, onError }),
      commandsTopic: topics.deviceCommands,
      partitions: commandPartitions,
      statusTopic: topics.commandStatus,
      producer,
      handler: new CommandHandler(simulation),
      now,
      onStatus: (status) => {
        commandStatuses++;
        reporter.event("command-status", { ...status });
      },
      onInvalid: (error, offset) =>
        reporter.event("invalid-command", { offset, error: error.message }),
      onError,
    })
    : undefined;
  try {
    const disorder = wantsDisorder(fleet.realism) ? new Disorder(fleet.realism, config.seed) : null;
    const wallStart = now();
    const progress = (): Progress => {
      const seconds = (now() - wallStart) / 1000;
      return {
        sent: sink.sent,
        acked: sink.acked,
        failed: sink.failed,
        rate: seconds > 0 ? Math.round(sink.sent / seconds) : 0,
        stopped: stoppedDevices(simulation),
        simTime: new Date(simulation.nowMs).toISOString(),
        seconds,
      };
    };
    reporter.event("pacing", { detail: describePacing(config.pacing, config.startMs, fleet) });
    deps.onReady?.(simulation);
    await sendLoop(config, simulation, disorder, sink, {
      signal,
      now,
      wallStart,
      onProgress: () => reporter.progress(progress(), now()),
    });
    return {
      ...progress(),
      commandStatuses,
      aborted: signal?.aborted ?? false,
      ...(disorder ? { disorder: { ...disorder.counts } } : {}),
    };
  } finally {
    await listener?.close();
  }
}

interface LoopDeps {
  signal: AbortSignal | undefined;
  now: () => number;
  wallStart: number;
  onProgress: () => void;
}

/** Generates, paces and sends until the simulation is done or the signal aborts; flushes. */
async function sendLoop(
  config: RunConfig,
  simulation: Simulation,
  disorder: Disorder | null,
  sink: KafkaSink,
  deps: LoopDeps,
): Promise<void> {
  const { signal, now, wallStart } = deps;
  const chunk = config.chunk ?? 10_000;
  const batch: SimRecord[] = [];
  // Real time: event time starts when sending does, not when set-up began, so the set-up time
  // is neither sent in a burst stamped in the past nor taken from --duration or an anomaly's
  // AFTER.
  if (config.pacing.mode === "realtime") simulation.restartAt(now());
  while (!simulation.done && !signal?.aborted) {
    const nowMs = now();
    const step = pace({
      pacing: config.pacing,
      elapsedMs: nowMs - wallStart,
      nowMs,
      generated: simulation.emitted,
      startMs: config.startMs,
      nextMs: simulation.nextMs,
      chunk,
    });
    let sent = 0;
    if (step.max > 0 && disorder) {
      batch.length = 0;
      sent = simulation.fill(batch, step.max, step.untilMs);
      if (sent > 0) await sink.send(disorder.apply(batch));
    } else if (step.max > 0) {
      // The hot path: records are written as bytes straight into the batch sent.
      sent = await sink.sendGenerated((out) => simulation.fillBytes(out, step.max, step.untilMs));
    }
    // Nothing due, or every due device stopped: yield so commands and signals get through.
    if (sent === 0) await sleep(step.waitMs, signal);
    deps.onProgress();
  }
  if (disorder) await sink.send(disorder.drain());
  await sink.flush();
}
