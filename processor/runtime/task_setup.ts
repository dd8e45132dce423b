/**
 * Setting up a job instance's tasks: the changelog topic, and each assigned partition's task
 * with its state restored from the local checkpoint or the changelog.
 *
 * @module
 */
import {
  ErrorCode,
  KafkaError,
  type NewTopic,
  type TopicDescription,
  type TopicPartition,
} from "@iot/kafka";
import { CheckpointError } from "../state/format.ts";
import { TaskStore } from "../state/task_store.ts";
import { changelogPlace, changelogTopic } from "./changelog.ts";
import { readChangelog } from "./changelog_reader.ts";
import type { InputSource, KafkaClients, TopicAdmin } from "./kafka_seam.ts";
import type { ResolvedOptions } from "./runner_options.ts";
import { type RestoreSource, Task } from "./task.ts";

/**
 * `topic` with the replication settings of `o` (a replication factor of -1 and no
 * `min.insync.replicas` leave both to the broker), so topics a job creates on a cluster are
 * as durable as the cluster's defaults or the operator's choice.
 */
export function replicated(topic: NewTopic, o: ResolvedOptions): NewTopic {
  const config = o.minInsyncReplicas === undefined
    ? topic.config
    : { ...topic.config, "min.insync.replicas": String(o.minInsyncReplicas) };
  return {
    ...topic,
    replicationFactor: o.replicationFactor,
    ...(config !== undefined ? { config } : {}),
  };
}

/** Creates the job's topics that are missing, with the replication settings of `o`. */
export async function createJobTopics(o: ResolvedOptions, clients: KafkaClients): Promise<void> {
  await using admin = clients.admin();
  await admin.createTopics(o.job.topics.map((t) => replicated(t, o)), { ignoreExisting: true });
}

/**
 * Creates the job's changelog topic if missing (compacted, replicated as `o` says) with as many partitions as its largest input, and adds partitions to it when an input
 * grew.
 */
export async function createChangelogTopic(
  o: ResolvedOptions,
  clients: KafkaClients,
): Promise<void> {
  await using admin = clients.admin();
  const inputs = await describeKnown(admin, o.job.inputs);
  const partitions = Math.max(...inputs.map((t) => t.partitions.length));
  const name = changelogTopic(o.groupId, o.job.name);
  await admin.createTopics([
    replicated({ name, partitions, config: { "cleanup.policy": "compact" } }, o),
  ], { ignoreExisting: true });
  const [existing] = await describeKnown(admin, [name]);
  if (existing.partitions.length < partitions) await admin.createPartitions(name, partitions);
}

/**
 * Describes `names`, waiting up to `timeoutMs` for topics the brokers do not know yet: on a
 * cluster a topic just created (by this or another instance) reaches every broker's metadata a
 * moment after the controller created it.
 */
function describeKnown(
  admin: TopicAdmin,
  names: readonly string[],
  timeoutMs = 30_000,
): Promise<TopicDescription[]> {
  return retryOn(ErrorCode.UNKNOWN_TOPIC_OR_PART, () => admin.describeTopics(names), {
    timeoutMs,
    onRetry: () => new Promise((resolve) => setTimeout(resolve, 200)),
  });
}

/**
 * Calls `f` again while it fails with a {@linkcode KafkaError} of `code`, after awaiting
 * `onRetry`, until `timeoutMs` passed (then the last error is thrown).
 */
async function retryOn<T>(
  code: number,
  f: () => Promise<T>,
  { timeoutMs, onRetry }: { timeoutMs: number; onRetry: () => unknown },
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  while (true) {
    try {
      return await f();
    } catch (e) {
      if (!(e instanceof KafkaError && e.code === code) || performance.now() > deadline) throw e;
      await onRetry();
    }
  }
}

/**
 * Opens the task of input `tp` and, unless at-most-once, restores the state of `committedOffset`
 * (`null`: nothing committed); the task's `nextOffset` is where its input resumes (`null`: the
 * earliest). `source` says where the state came from (`null`: not restored, at-most-once).
 */
export async function openTask(
  o: ResolvedOptions,
  clients: KafkaClients,
  tp: { topic: string; partition: number },
  committedOffset: number | null,
): Promise<{ task: Task; source: RestoreSource | null }> {
  const place = o.changelog
    ? changelogPlace(changelogTopic(o.groupId, o.job.name), o.job.inputs, tp.topic, tp.partition)
    : null;
  const store = await TaskStore.open(
    `${o.stateDir}/${o.job.name}/${tp.topic}-${tp.partition}`,
    o.store,
  );
  const task = new Task({
    topic: tp.topic,
    partition: tp.partition,
    job: o.job.name,
    deadLetterTopic: o.job.deadLetterTopic,
    logic: o.job.createTask(tp.topic, tp.partition),
    store,
    changelog: place,
  });
  if (o.guarantee === "at-most-once") return { task, source: null };
  try {
    if (o.guarantee === "at-least-once") {
      return { task, source: await restoreAtLeastOnce(o, task, committedOffset) };
    }
    const source = await task.restore(
      committedOffset,
      place === null ? undefined : () =>
        readChangelog(place, {
          clients,
          groupId: `${o.groupId}-restore`,
          timeoutMs: o.restoreTimeoutMs,
          onProgress: ({ records, position, end }) =>
            o.log(
              `${o.job.name}: restoring ${tp.topic}[${tp.partition}] from the changelog: ` +
                `${records} records read, offset ${position} of ${end}`,
            ),
        }),
    );
    return { task, source };
  } catch (e) {
    await task.close();
    throw e;
  }
}

/**
 * At-least-once restore: the local checkpoint of `committedOffset`; without one (the partition
 * moved from another machine, the disk was wiped) the task starts empty from the earliest
 * offset, so its state is rebuilt and the outputs since are sent again rather than lost.
 */
async function restoreAtLeastOnce(
  o: ResolvedOptions,
  task: Task,
  committedOffset: number | null,
): Promise<RestoreSource> {
  try {
    return await task.restore(committedOffset);
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
    o.log(
      `${o.job.name}: ${task.topic}[${task.partition}] has no local checkpoint of the committed ` +
        `offset ${committedOffset} (${e.message}): rebuilding its state from the earliest offset ` +
        "(at-least-once: outputs since are sent again)",
    );
    return await task.restore(null);
  }
}

/**
 * The group's committed offsets of `partitions`. A transaction a crashed previous owner left
 * open holds them back (the broker answers "unstable" until the transaction times out and is
 * aborted, so the fetch times out): keep asking, telling `onWait` each time, for up to
 * `timeoutMs`.
 */
export function committedOffsets(
  consumer: InputSource,
  partitions: TopicPartition[],
  timeoutMs: number,
  onWait: () => void,
): Promise<TopicPartition[]> {
  return retryOn(ErrorCode.TIMED_OUT, () => consumer.committed(partitions), {
    timeoutMs,
    onRetry: onWait,
  });
}
