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
  integerOption,
  listOption,
  mapOption,
  numberOption,
  stringOption,
} from "@iot/service";
import { z } from "zod";
import { changelogTopic } from "./runtime/changelog.ts";

/** The jobs `main.ts` can run. */
export const jobNames = ["device-aggregates", "overheating", "vehicle-max"] as const;

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
    jobs: listOption(jobNames, { doc: "jobs to run", default: jobNames }),
    partitions: integerOption({ doc: "partitions of the topics it creates", default: 4, min: 1 }),
    topics: mapOption(topicIds, { doc: "rename a topic", flag: "topic", value: "ID=NAME" }),
    repartitionTopic: stringOption({
      doc: "vehicle-max's internal repartition topic",
      value: "NAME",
      default: "processor-vehicle-max-repartition",
    }),
    statusPort: integerOption({
      doc: "127.0.0.1 HTTP /status, /metrics, /healthz; 0 = any free port",
      default: 9470,
      min: 0,
      max: 65535,
    }),
    checkpointIntervalMs: {
      ...ms("time between checkpoints", 10_000),
      group: "Checkpoints and backpressure",
    },
    exactlyOnce: booleanOption({
      doc: "checkpoints and transactions; false: at-most-once, no state (benchmarks)",
      default: true,
    }),
    fsync: booleanOption({ doc: "fsync checkpoint files", default: true }),
    keepCheckpoints: integerOption({ doc: "local checkpoints kept per task", default: 3, min: 1 }),
    changelog: booleanOption({
      doc: "mirror state to the compacted topic <group>-<job>-changelog (group = " +
        `<group-prefix>-<job>, e.g. ${example}); restore from it when the local state is ` +
        "missing or stale",
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
    overheatWindowMs: ms("overheating sliding window size", 30_000),
    overheatSlideMs: ms("overheating window slide", 5_000),
    overheatThreshold: numberOption({ doc: "overheating threshold", value: "C", default: 40 }),
    overheatMargin: numberOption({
      doc: "alert clears below threshold - margin",
      value: "C",
      default: 2,
      min: 0,
    }),
    commandTtlMs: ms("shutdown command validity", 300_000),
  },
});

/** The defaults of every processor option (one place for each). */
export const processorDefaults = defaultsOf(processorCli.options);
