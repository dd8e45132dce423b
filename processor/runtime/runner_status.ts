/**
 * What a job instance counts while it runs, and its {@linkcode JobStatus} built from those
 * counters, its tasks and the partitions' ends asked of the broker (lag).
 *
 * @module
 */
import type { Backpressure } from "./backpressure.ts";
import type { InputSource } from "./kafka_seam.ts";
import type { ResolvedOptions } from "./runner_options.ts";
import type { JobStatus, TaskStatus } from "./status.ts";
import type { Task } from "./task.ts";
import type { TaskSet } from "./task_set.ts";

/** The instance's counters since it started (not checkpointed, unlike the tasks'). */
export interface RunnerCounters {
  /** Records consumed. */
  recordsIn: number;
  /** Records produced (committed checkpoints' outputs). */
  recordsOut: number;
  /** Changelog records produced. */
  changelogRecords: number;
  /** Checkpoints committed. */
  checkpoints: number;
  /** How long the last checkpoint took (ms), or `null` before the first. */
  lastCheckpointDurationMs: number | null;
  /** Tasks restored, by where their state came from. */
  readonly restores: { empty: number; local: number; changelog: number };
  /** Rebalances handled. */
  rebalances: number;
  /** How long the last rebalance held this instance up (ms), or `null`. */
  lastRebalanceMs: number | null;
}

/** Counters of an instance that has done nothing yet. */
export function newCounters(): RunnerCounters {
  return {
    recordsIn: 0,
    recordsOut: 0,
    changelogRecords: 0,
    checkpoints: 0,
    lastCheckpointDurationMs: null,
    restores: { empty: 0, local: 0, changelog: 0 },
    rebalances: 0,
    lastRebalanceMs: null,
  };
}

/** What {@linkcode jobStatus} reads. */
export interface StatusSources {
  /** The runner's options. */
  readonly o: ResolvedOptions;
  /** The instance's counters. */
  readonly counters: RunnerCounters;
  /** The input's backpressure. */
  readonly backpressure: Backpressure;
  /** The owned tasks. */
  readonly tasks: TaskSet;
  /** The input, or `null` when not running (lag is then unknown). */
  readonly consumer: InputSource | null;
}

/** The job's status, with per-task lag asked of the broker. */
export async function jobStatus(s: StatusSources): Promise<JobStatus> {
  const now = Date.now();
  const tasks: TaskStatus[] = [];
  for (const task of [...s.tasks.values()]) {
    tasks.push(task.status(await lagOf(s.consumer, task), now));
  }
  const c = s.counters;
  return {
    job: s.o.job.name,
    instanceId: s.o.instanceId,
    exactlyOnce: s.o.exactlyOnce,
    guarantee: s.o.guarantee,
    recordsIn: c.recordsIn,
    recordsOut: c.recordsOut,
    checkpoints: c.checkpoints,
    lastCheckpointDurationMs: c.lastCheckpointDurationMs,
    changelogRecords: c.changelogRecords,
    restores: { ...c.restores },
    groupId: s.o.groupId,
    rebalances: c.rebalances,
    lastRebalanceMs: c.lastRebalanceMs,
    paused: s.backpressure.paused,
    pauses: s.backpressure.pauses,
    tasks,
  };
}

/**
 * Records after the task's position, or `null` when unknown. On a transactional input the
 * commit marker occupies the offset after the last record: the consumer's position moves past
 * it while the task's next offset does not, so the position counts when it is ahead.
 */
async function lagOf(consumer: InputSource | null, task: Task): Promise<number | null> {
  if (consumer === null || task.nextOffset === null) return null;
  try {
    const tp = { topic: task.topic, partition: task.partition };
    const { high } = await consumer.watermarkOffsets(tp.topic, tp.partition, 2_000);
    const position = consumer.position([tp])[0]?.offset ?? -1;
    return Math.max(0, high - Math.max(task.nextOffset, position));
  } catch {
    return null;
  }
}
