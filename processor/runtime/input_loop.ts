/**
 * A job instance's input loop: consumes batches, hands each record to its partition's task and,
 * after each batch, lets the checkpointing send, flush or checkpoint. Everything but the fetch
 * runs under the runner's lock, so rebalances, timed checkpoints and batches never interleave.
 *
 * @module
 */
import type { ConsumerRecord } from "@iot/kafka";
import type { Checkpointing } from "./checkpointing.ts";
import type { InputSource } from "./kafka_seam.ts";
import type { Mutex } from "./mutex.ts";
import type { Rebalancing } from "./rebalancing.ts";
import type { RunnerCounters } from "./runner_status.ts";
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
  // Records, not `columnBatches()` with a reused `RecordView`: under load that path lost a
  // handed-over partition's state (device_aggregates_integration_test "handed over", 3 of 6 runs
  // at load 8; 0 of 4 with records). Until its cause is found, the hot path stays on records.
  // Headers carry a forwarded record's source (event time) and go with every dead letter.
  const options = { maxMessages: MAX_BATCH, signal: p.signal, headers: true };
  for await (const batch of p.consumer.batches(options)) {
    const mark = p.rebalancing.mark();
    await p.lock.run(async () => {
      // Fetched around a rewind's seek: put the input back where the tasks are.
      if (p.rebalancing.moved(mark)) return await p.rebalancing.seekToTasks();
      processBatch(batch, p.tasks);
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

/** Hands each record of `batch` to its task, in order. */
export function processBatch(batch: readonly ConsumerRecord[], tasks: TaskSet): void {
  // Batches come in runs of one partition: look the task up once per run.
  let task: Task | null = null, topic = "", partition = -1;
  for (const record of batch) {
    if (record.partition !== partition || record.topic !== topic) {
      ({ topic, partition } = record);
      task = tasks.get(topic, partition);
    }
    task!.process(record);
  }
}
