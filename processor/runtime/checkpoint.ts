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
 * At-least-once protocol: outputs leave as soon as a batch is processed ({@linkcode EagerOutputs});
 * a checkpoint sends what is left, waits until everything sent is acknowledged, writes the state
 * checkpoints as "pending", commits the next input offsets to the group (no transaction) and
 * marks the checkpoints committed. A crash before the offsets commit re-processes the input
 * since the previous checkpoint (its outputs are sent again); nothing acknowledged is lost.
 *
 * @module
 */
import type { ProcessingGuarantee } from "../options.ts";
import type { InputSource, TransactionalOutput } from "./kafka_seam.ts";
import type { Task } from "./task.ts";

/**
 * At-least-once: sends the tasks' outputs as soon as they exist, so they are readable without
 * waiting for a checkpoint; a checkpoint {@linkcode EagerOutputs.drain}s them before it commits
 * the input offsets. A failed send is kept and thrown by the next `drain`.
 */
export class EagerOutputs {
  readonly #producer: TransactionalOutput;
  readonly #inFlight = new Set<Promise<void>>();
  #error: unknown = null;

  /** @param producer the job's (non-transactional) producer. */
  constructor(producer: TransactionalOutput) {
    this.#producer = producer;
  }

  /** Takes the outputs of `tasks` and sends them (in order per partition); does not wait. */
  send(tasks: Iterable<Task>): void {
    const records = [...tasks].flatMap((t) => t.takeOutputs());
    if (records.length === 0) return;
    const sent: Promise<void> = this.#producer.sendAll(records)
      .catch((e) => void (this.#error ??= e))
      .finally(() => this.#inFlight.delete(sent));
    this.#inFlight.add(sent);
  }

  /**
   * Resolves once everything sent so far is acknowledged.
   *
   * @throws the first send's error, if any failed.
   */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
    if (this.#error !== null) throw this.#error;
  }
}

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
 * Checkpoints the `tasks` that are dirty under `guarantee`: exactly-once commits their outputs,
 * offsets and state in one transaction of `producer`; at-least-once sends the rest of their
 * outputs, drains `eager`, writes the state and commits the offsets; at-most-once only sends
 * their outputs.
 *
 * @throws {KafkaError} when the transaction, a send or the commit fails; the caller must stop
 * (the restart recovers).
 */
export async function checkpointTasks(
  tasks: Iterable<Task>,
  producer: TransactionalOutput,
  consumer: InputSource,
  guarantee: ProcessingGuarantee,
  eager?: EagerOutputs,
): Promise<CheckpointResult> {
  const dirty = [...tasks].filter((t) => t.dirty);
  if (dirty.length === 0) return { tasks: 0, outputs: 0, changelog: 0 };
  const outputs = dirty.flatMap((t) => t.takeOutputs());
  if (guarantee === "at-most-once") {
    for (const t of dirty) t.skipCheckpoint();
    await producer.sendBatch(outputs);
    return { tasks: dirty.length, outputs: outputs.length, changelog: 0 };
  }
  if (guarantee === "at-least-once") {
    if (eager === undefined) throw new TypeError("at-least-once checkpoints need EagerOutputs");
    await Promise.all([producer.sendAll(outputs), eager.drain()]);
    return { ...await commitAtLeastOnce(dirty, consumer), outputs: outputs.length };
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

/** At-least-once, after every output is acknowledged: state to disk, then the input offsets. */
async function commitAtLeastOnce(
  dirty: readonly Task[],
  consumer: InputSource,
): Promise<Omit<CheckpointResult, "outputs">> {
  const captured = dirty.map((t) => t.captureCheckpoint());
  const manifests = await Promise.all(dirty.map((t, i) => t.writeCheckpoint(captured[i])));
  await consumer.commit(
    dirty.map((t, i) => ({ topic: t.topic, partition: t.partition, offset: captured[i].offset })),
  );
  await Promise.all(dirty.map((t, i) => t.committed(manifests[i])));
  return { tasks: dirty.length, changelog: 0 };
}
