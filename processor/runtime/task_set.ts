/**
 * The tasks a job instance owns, one per assigned input topic-partition, and the questions the
 * runner asks of them all (outputs buffered, partitions held).
 *
 * @module
 */
import type { TopicPartition } from "@iot/kafka";
import { JobFailedError } from "./runner_options.ts";
import type { Task } from "./task.ts";

/** The key of a topic-partition in the set. */
function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** The owned tasks, by input topic-partition. */
export class TaskSet {
  readonly #tasks = new Map<string, Task>();

  /** How many tasks are owned. */
  get size(): number {
    return this.#tasks.size;
  }

  /** The tasks, in the order they were added. */
  values(): IterableIterator<Task> {
    return this.#tasks.values();
  }

  /**
   * The task of `topic` partition `partition`.
   *
   * @throws {JobFailedError} when none is owned (a record of an unassigned partition).
   */
  get(topic: string, partition: number): Task {
    const task = this.#tasks.get(keyOf(topic, partition));
    if (task === undefined) {
      throw new JobFailedError(`Received a record of ${topic} [${partition}], which has no task`);
    }
    return task;
  }

  /** Adds `task`, replacing one of the same topic-partition. */
  add(task: Task): void {
    this.#tasks.set(keyOf(task.topic, task.partition), task);
  }

  /** Closes and forgets the task of `topic` partition `partition`, if owned. */
  async remove(topic: string, partition: number): Promise<void> {
    const key = keyOf(topic, partition);
    await this.#tasks.get(key)?.close();
    this.#tasks.delete(key);
  }

  /** Closes and forgets every task; returns the topic-partitions they had. */
  async removeAll(): Promise<TopicPartition[]> {
    const removed: TopicPartition[] = [];
    for (const [key, task] of this.#tasks) {
      await task.close();
      this.#tasks.delete(key);
      removed.push({ topic: task.topic, partition: task.partition });
    }
    return removed;
  }

  /** The owned topic-partitions. */
  partitions(): TopicPartition[] {
    return [...this.#tasks.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  /** Outputs buffered in the tasks, waiting for the next checkpoint. */
  buffered(): number {
    let n = 0;
    for (const task of this.#tasks.values()) n += task.pendingOutputs;
    return n;
  }
}
