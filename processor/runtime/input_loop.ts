/**
 * A job instance's input loop: consumes batches, hands each record to its partition's task and,
 * after each batch, lets the checkpointing send, flush or checkpoint. Everything but the fetch
 * runs under the runner's lock, so rebalances, timed checkpoints and batches never interleave.
 *
 * @module
 */
import type { RecordColumns } from "@iot/kafka";
import type { Checkpointing } from "./checkpointing.ts";
import type { InputSource } from "./kafka_seam.ts";
import type { Mutex } from "./mutex.ts";
import type { Rebalancing } from "./rebalancing.ts";
import type { RunnerCounters } from "./runner_status.ts";
import { RecordView } from "./record_view.ts";
import type { Task } from "./task.ts";
import type { TaskSet } from "./task_set.ts";

/** Largest batch taken from the consumer. */
const MAX_BATCH = 4096;
/** With a backlog, let timers and the status server run at least this often (ms). */
const YIELD_EVERY_MS = 25;

/** What {@linkcode consumeInput} works with. */
export interface InputLoopParts {
  /** The job's input. */
  readonly consumer: InputSource;
  /** Stops the loop. */
  readonly signal: AbortSignal;
  /** The runner's lock. */
  readonly lock: Mutex;
  /** The owned tasks. */
  readonly tasks: TaskSet;
  /** Drops batches fetched around a seek. */
  readonly rebalancing: Rebalancing;
  /** Runs after each batch. */
  readonly checkpointing: Checkpointing;
  /** Counts records consumed. */
  readonly counters: RunnerCounters;
}

/** Consumes the input until `signal` aborts or the consumer closes. */
export async function consumeInput(p: InputLoopParts): Promise<void> {
  let lastYield = performance.now();
  // One view for every record: tasks must not keep it past `process` (see `record_view.ts`).
  const view = new RecordView();
  // Headers carry a forwarded record's source (event time) and go with every dead letter.
  const options = { maxMessages: MAX_BATCH, signal: p.signal, headers: true };
  for await (const batch of p.consumer.columnBatches(options)) {
    const mark = p.rebalancing.mark();
    await p.lock.run(async () => {
      // Fetched around a rewind's seek: put the input back where the tasks are.
      if (p.rebalancing.moved(mark)) return await p.rebalancing.seekToTasks();
      processBatch(batch, p.tasks, view);
      p.counters.recordsIn += batch.length;
      await p.checkpointing.afterBatch();
    });
    // With a backlog, batches arrive without a macrotask turn; let timers and the status
    // server run now and then.
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      lastYield = performance.now();
    }
  }
}

/** Hands each record of `batch` to its task through `view`, in order. */
export function processBatch(batch: RecordColumns, tasks: TaskSet, view: RecordView): void {
  const { topics, partitions, length } = batch;
  // Batches come in runs of one partition: look the task up once per run.
  let task: Task | null = null, topic = -1, partition = -1;
  for (let i = 0; i < length; i++) {
    if (partitions[i] !== partition || topics[i] !== topic) {
      topic = topics[i];
      partition = partitions[i];
      task = tasks.get(batch.topicNames[topic], partition);
    }
    task!.process(view.at(batch, i));
  }
}
