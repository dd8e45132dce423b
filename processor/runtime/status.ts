/**
 * Status of a running job as plain data, and its rendering as Prometheus text.
 *
 * @module
 */
import { type MetricType, PrometheusText } from "@iot/service";
import type { ProcessingGuarantee } from "../options.ts";

/** Status of one task. */
export interface TaskStatus {
  /** Input topic. */
  readonly topic: string;
  /** Input partition. */
  readonly partition: number;
  /** Next offset to consume, or `null` before the first record. */
  readonly offset: number | null;
  /** Records between the offset and the partition's end, or `null` when unknown. */
  readonly lag: number | null;
  /** Event-time watermark (ms), or `null`. */
  readonly watermarkMs: number | null;
  /** Records consumed. */
  readonly recordsIn: number;
  /** Records produced. */
  readonly recordsOut: number;
  /** Late records sent to the side output. */
  readonly late: number;
  /** Records sent to the dead-letter topic. */
  readonly deadLetters: number;
  /** Keys with state as of the last checkpoint. */
  readonly stateKeys: number;
  /** Outputs waiting for the next transaction. */
  readonly pendingOutputs: number;
  /** Age (ms) of the last checkpoint, or `null`. */
  readonly checkpointAgeMs: number | null;
  /** How long writing the last checkpoint's files took (ms), or `null`. */
  readonly checkpointDurationMs: number | null;
  /** Bytes of the last checkpoint's data files, or `null`. */
  readonly checkpointBytes: number | null;
}

/** Status of one job instance. */
export interface JobStatus {
  /** The job's name. */
  readonly job: string;
  /** This instance's id. */
  readonly instanceId: string;
  /** Whether state checkpoints and transactions are on. */
  readonly exactlyOnce: boolean;
  /** The processing guarantee (`exactly-once`, `at-least-once` or `at-most-once`). */
  readonly guarantee: ProcessingGuarantee;
  /** Records consumed by this instance since it started. */
  readonly recordsIn: number;
  /** Records produced by this instance since it started. */
  readonly recordsOut: number;
  /** Checkpoints (transactions) committed since start. */
  readonly checkpoints: number;
  /** How long (ms) the last checkpoint took, its transaction included, or `null` before the first. */
  readonly lastCheckpointDurationMs: number | null;
  /** Changelog records produced since start. */
  readonly changelogRecords: number;
  /**
   * Tasks restored since start, by where their state came from: nothing committed yet
   * (`empty`), the local checkpoint (`local`) or the changelog topic (`changelog`).
   */
  readonly restores: { readonly empty: number; readonly local: number; readonly changelog: number };
  /** The consumer group the job's instances share. */
  readonly groupId: string;
  /** Rebalances (assignments and revocations) this instance handled since start. */
  readonly rebalances: number;
  /** How long the last one took here (checkpoint on revoke, restore on assign), ms. */
  readonly lastRebalanceMs: number | null;
  /** Whether the input is paused by backpressure. */
  readonly paused: boolean;
  /** How often backpressure paused the input since start. */
  readonly pauses: number;
  /** The tasks this instance owns. */
  readonly tasks: readonly TaskStatus[];
}

const taskMetrics: ReadonlyArray<[keyof TaskStatus, string, string]> = [
  ["lag", "processor_task_lag", "Records not yet consumed"],
  ["watermarkMs", "processor_task_watermark_ms", "Event-time watermark"],
  ["recordsIn", "processor_task_records_in_total", "Records consumed (checkpointed)"],
  ["recordsOut", "processor_task_records_out_total", "Records produced (checkpointed)"],
  ["late", "processor_task_late_total", "Late records"],
  ["deadLetters", "processor_task_dead_letters_total", "Dead-lettered records"],
  ["stateKeys", "processor_task_state_keys", "Keys with state"],
  ["checkpointAgeMs", "processor_task_checkpoint_age_ms", "Age of the last checkpoint"],
  ["checkpointDurationMs", "processor_task_checkpoint_duration_ms", "Last checkpoint write time"],
  ["checkpointBytes", "processor_task_checkpoint_bytes", "Last checkpoint size"],
];

/** Renders job statuses in the Prometheus text exposition format (the shared writer). */
export function renderPrometheus(statuses: readonly JobStatus[]): string {
  const page = new PrometheusText();
  const jobMetric = (
    name: string,
    help: string,
    type: MetricType,
    pick: (s: JobStatus) => number,
  ) => {
    page.family(name, type, help);
    for (const s of statuses) page.sample(name, { job: s.job }, pick(s));
  };
  jobMetric("processor_records_in_total", "Records consumed", "counter", (s) => s.recordsIn);
  jobMetric("processor_records_out_total", "Records produced", "counter", (s) => s.recordsOut);
  jobMetric("processor_checkpoints_total", "Checkpoints", "counter", (s) => s.checkpoints);
  jobMetric("processor_tasks", "Tasks owned", "gauge", (s) => s.tasks.length);
  jobMetric(
    "processor_last_checkpoint_duration_ms",
    "Duration of the last checkpoint, its transaction included (NaN before the first)",
    "gauge",
    (s) => s.lastCheckpointDurationMs ?? NaN,
  );
  jobMetric(
    "processor_changelog_records_total",
    "Changelog records produced",
    "counter",
    (s) => s.changelogRecords,
  );
  jobMetric(
    "processor_changelog_restores_total",
    "Tasks rebuilt from the changelog",
    "counter",
    (s) => s.restores.changelog,
  );
  jobMetric("processor_rebalances_total", "Rebalances handled", "counter", (s) => s.rebalances);
  jobMetric("processor_paused", "Input paused by backpressure (0/1)", "gauge", (s) => +s.paused);
  jobMetric("processor_pauses_total", "Backpressure pauses", "counter", (s) => s.pauses);
  for (const [field, name, help] of taskMetrics) {
    page.family(name, name.endsWith("_total") ? "counter" : "gauge", help);
    for (const s of statuses) {
      for (const t of s.tasks) {
        const value = t[field];
        if (typeof value !== "number") continue;
        page.sample(name, { job: s.job, topic: t.topic, partition: t.partition }, value);
      }
    }
  }
  return page.toString();
}
