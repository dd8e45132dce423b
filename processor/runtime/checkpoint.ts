/**
 * One checkpoint of a job instance: the outputs of the dirty tasks, their input offsets and
 * their state checkpoints commit together.
 *
 * Exactly-once protocol: capture each dirty task's state (a base or its changed keys) → begin a
 * transaction → send the buffered outputs and the captured state's changelog records while writing the captured checkpoints to disk as
 * "pending" → send the next input offsets to the transaction → commit it → mark the checkpoints
 * committed. A crash before the commit leaves the group's committed offsets at the previous
 * checkpoint, whose files are intact; a crash after it leaves them at this one, whose pending
 * manifest is on disk. On restart each task restores the checkpoint whose offset equals the
 * group's committed offset.
 *
 * @module
 */
import type { InputSource, TransactionalOutput } from "./kafka_seam.ts";
import type { Task } from "./task.ts";

/** What a checkpoint did. */
export interface CheckpointResult {
  /** Tasks checkpointed (those that consumed records since the last checkpoint). */
  readonly tasks: number;
  /** Records produced. */
  readonly outputs: number;
  /** Changelog records produced. */
  readonly changelog: number;
}

/**
 * Commits the outputs, offsets and state of `tasks` that are dirty in one transaction of
 * `producer` (`transactional: true`), or, without transactions, only sends their outputs.
 *
 * @throws {KafkaError} when the transaction fails; the caller must stop (the restart recovers).
 */
export async function checkpointTasks(
  tasks: Iterable<Task>,
  producer: TransactionalOutput,
  consumer: InputSource,
  transactional: boolean,
): Promise<CheckpointResult> {
  const dirty = [...tasks].filter((t) => t.dirty);
  if (dirty.length === 0) return { tasks: 0, outputs: 0, changelog: 0 };
  const outputs = dirty.flatMap((t) => t.takeOutputs());
  if (!transactional) {
    for (const t of dirty) t.skipCheckpoint();
    await producer.sendBatch(outputs);
    return { tasks: dirty.length, outputs: outputs.length, changelog: 0 };
  }
  const captured = dirty.map((t) => t.captureCheckpoint());
  const changelog = dirty.flatMap((t, i) => t.changelogRecords(captured[i]));
  producer.beginTransaction();
  const [, manifests] = await Promise.all([
    producer.sendAll(changelog.length > 0 ? outputs.concat(changelog) : outputs),
    Promise.all(dirty.map((t, i) => t.writeCheckpoint(captured[i]))),
  ]);
  await producer.sendOffsetsToTransaction(
    dirty.map((t, i) => ({ topic: t.topic, partition: t.partition, offset: captured[i].offset })),
    consumer,
  );
  await producer.commitTransaction();
  await Promise.all(dirty.map((t, i) => t.committed(manifests[i])));
  return { tasks: dirty.length, outputs: outputs.length, changelog: changelog.length };
}
