/**
 * The processor's options, declared once: `main.ts` parses them (flags > `PROCESSOR_*` env >
 * `--config` file > defaults), `--help` is generated from them, and the job runner's defaults
 * are {@linkcode processorDefaults}.
 *
 * @module
 */
import { topicIds } from "@iot/events";
import {
  booleanOption,
  defaultsOf,
  defineCli,
  enumOption,
  integerOption,
  listOption,
  mapOption,
  numberOption,
  stringOption,
} from "@iot/service";
import { z } from "zod";
import { DEFAULT_COMMAND_REISSUE_MS } from "./jobs/overheating.ts";
import { DEFAULT_MAX_FUTURE_MS, READINGS_BY_DEVICE_TOPIC } from "./jobs/readings_by_device.ts";
import { DEFAULT_SOURCE_IDLE_MS } from "./jobs/event_time.ts";
import { changelogTopic } from "./runtime/changelog.ts";

/**
 * What a job guarantees about its outputs across failures (Kafka Streams' `processing.guarantee`):
 * - `exactly-once`: outputs, input offsets and state commit together in one Kafka transaction
 *   per checkpoint; read_committed readers see each result once, at the checkpoint's commit.
 * - `at-least-once`: outputs are sent as soon as they are computed (no transaction, visible
 *   at once); each checkpoint waits until every output sent is acknowledged, writes the state
 *   checkpoint and then commits the input offsets. After a crash the input since the last
 *   checkpoint is processed again, so outputs may repeat; none is lost.
 * - `at-most-once`: no state checkpoints and no offset commits; outputs are sent on the
 *   checkpoint interval. State is lost on restart (benchmarks).
 */
export type ProcessingGuarantee = "exactly-once" | "at-least-once" | "at-most-once";

/** Every {@linkcode ProcessingGuarantee}, strongest first. */
export const processingGuarantees: readonly ProcessingGuarantee[] = [
  "exactly-once",
  "at-least-once",
  "at-most-once",
];

/** The jobs `main.ts` can run. */
export const jobNames = [
  "readings-by-device",
  "device-aggregates",
  "overheating",
  "vehicle-max",
] as const;

const id = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "letters, digits, . _ - only");
const ms = (doc: string, value: number, min = 1) =>
  integerOption({ doc, default: value, min, value: "MS" });
const example = changelogTopic("processor-overheating", "overheating");

/** The processor's command line; the keys are also the `--config` file's keys. */
export const processorCli = defineCli({
  name: "processor",
  usage: "deno task processor --bootstrap HOST:PORT --state-dir DIR [flags]",
  summary: "Event-time stream processor: runs the jobs below on Kafka with exactly-once " +
    "checkpoints.",
  prefix: "PROCESSOR",
  options: {
    bootstrap: stringOption({
      doc: "Kafka bootstrap servers",
      value: "HOST:PORT",
      required: true,
      group: "Kafka and state",
    }),
    stateDir: stringOption({
      doc: "root of the local state (locked: one processor per directory)",
      value: "DIR",
      required: true,
    }),
    instanceId: stringOption({
      doc: "stable per instance: names the transactional id and static group member",
      value: "ID",
      default: "0",
      schema: id,
    }),
    groupPrefix: stringOption({
      doc: "consumer groups are <P>-<job>",
      value: "P",
      default: "processor",
      schema: id,
    }),
    jobs: listOption(jobNames, {
      doc: "jobs to run; readings-by-device (validates raw readings once and keys them by " +
        "device) runs whenever device-aggregates or overheating does",
      default: jobNames,
    }),
    partitions: integerOption({ doc: "partitions of the topics it creates", default: 4, min: 1 }),
    replicationFactor: integerOption({
      doc: "replicas of the topics it creates; -1 = the broker's default.replication.factor",
      default: -1,
      min: -1,
      value: "N",
    }),
    minInsyncReplicas: integerOption({
      doc: "min.insync.replicas of the topics it creates",
      min: 1,
      value: "N",
      defaultText: "the broker's",
    }),
    topics: mapOption(topicIds, { doc: "rename a topic", flag: "topic", value: "ID=NAME" }),
    repartitionTopic: stringOption({
      doc: "vehicle-max's internal repartition topic",
      value: "NAME",
      default: "processor-vehicle-max-repartition",
    }),
    readingsByDeviceTopic: stringOption({
      doc: "readings-by-device's output: valid readings keyed and partitioned by deviceId, " +
        "the input of device-aggregates and overheating",
      value: "NAME",
      default: READINGS_BY_DEVICE_TOPIC,
    }),
    kafkaProperties: stringOption({
      doc: "file of extra librdkafka properties (key=value lines) for every Kafka client, e.g. " +
        "security.protocol=SASL_SSL, sasl.mechanisms, sasl.username, sasl.password, ssl.ca.location",
      value: "FILE",
      defaultText: "none",
    }),
    kafkaWaitMs: ms("wait this long for Kafka at start before giving up", 60_000, 0),
    sessionTimeoutMs: ms(
      "consumer group session timeout: how soon a crashed instance's partitions move; keep it " +
        "above the brokers' broker.session.timeout.ms (a coordinator's failover)",
      10_000,
    ),
    statusPort: integerOption({
      doc: "HTTP /status, /metrics, /healthz; 0 = any free port",
      default: 9470,
      min: 0,
      max: 65535,
    }),
    statusHost: stringOption({
      doc: "interface of the status port (0.0.0.0 in a container, for Prometheus)",
      value: "ADDR",
      default: "127.0.0.1",
    }),
    checkpointIntervalMs: {
      ...ms("time between checkpoints", 10_000),
      group: "Checkpoints and backpressure",
    },
    processingGuarantee: enumOption(processingGuarantees, {
      doc: "exactly-once: outputs, offsets and state commit in one transaction per checkpoint " +
        "(visible at the commit); at-least-once: outputs sent at once, offsets committed after " +
        "they are acknowledged and the state is checkpointed (repeats after a crash, no changelog); " +
        "at-most-once: no state, no commits (benchmarks)",
      default: "exactly-once",
    }),
    fsync: booleanOption({ doc: "fsync checkpoint files", default: true }),
    keepCheckpoints: integerOption({ doc: "local checkpoints kept per task", default: 3, min: 1 }),
    changelog: booleanOption({
      doc: "mirror state to the compacted topic <group>-<job>-changelog (group = " +
        `<group-prefix>-<job>, e.g. ${example}); restore from it when the local state is ` +
        "missing or stale (exactly-once only)",
      default: true,
    }),
    maxPendingOutputs: integerOption({
      doc: "pause input and flush at N uncommitted outputs",
      default: 200_000,
      min: 1,
    }),
    resumePendingOutputs: integerOption({
      doc: "resume paused input at N",
      min: 0,
      defaultText: "half of --max-pending-outputs",
    }),
    windowMs: { ...ms("device-aggregates tumbling window", 60_000), group: "Jobs" },
    maxOutOfOrdernessMs: ms("watermark bound (bounded out-of-orderness)", 30_000, 0),
    allowedLatenessMs: ms("allowed lateness of windows", 0, 0),
    sourceIdleMs: ms(
      "device-aggregates and overheating hold their watermark at the slowest input partition of " +
        "readings-by-device (each source's readings become readable per commit); one that sent " +
        "nothing for this much event time stops holding it back. Keep it above the checkpoint " +
        "interval",
      DEFAULT_SOURCE_IDLE_MS,
    ),
    awaitAllSources: booleanOption({
      doc: "from a task's first record, every readings-by-device partition holds the watermark " +
        "until it sends or goes idle (--source-idle-ms), so readings whose first commit becomes " +
        "readable late are not late at a job's first start; worth it only when producers do not " +
        "place readings by murmur2(deviceId): with placed input each task's first windows wait " +
        "--source-idle-ms for partitions that never write to its own",
      default: false,
    }),
    overheatWindowMs: ms("overheating sliding window size", 30_000),
    overheatSlideMs: ms("overheating window slide", 5_000),
    overheatThreshold: numberOption({ doc: "overheating threshold", value: "C", default: 40 }),
    overheatMargin: numberOption({
      doc: "alert clears below threshold - margin",
      value: "C",
      default: 2,
      min: 0,
    }),
    maxFutureMs: ms(
      "readings stamped further ahead of the wall clock go to the dead-letter topic " +
        "(future-timestamp) and never move a watermark",
      DEFAULT_MAX_FUTURE_MS,
      0,
    ),
    commandTtlMs: ms("shutdown command validity, wall-clock time from issue", 300_000),
    commandReissueMs: ms(
      "while a device stays hot after its shutdown, re-send it at most this often (event time)",
      DEFAULT_COMMAND_REISSUE_MS,
    ),
  },
});

/** The defaults of every processor option (one place for each). */
export const processorDefaults = defaultsOf(processorCli.options);
