/**
 * Reading a task's state back from the changelog topic (see `changelog.ts`).
 *
 * @module
 */
import { Offset } from "@iot/kafka";
import { CheckpointError } from "../state/format.ts";
import { ChangelogFold, type ChangelogPlace, type ChangelogState } from "./changelog.ts";
import type { KafkaClients, ReaderSource } from "./kafka_seam.ts";

/** Options of {@linkcode readChangelog}. */
export interface ReadChangelogOptions {
  /** Makes the reader. */
  clients: KafkaClients;
  /** Consumer group named for the reader (it never joins or commits). */
  groupId: string;
  /** Give up after this long (ms), e.g. while an open transaction holds back the end. */
  timeoutMs: number;
  /**
   * Told how far the read got, at most once a second and once at the end (records read, the
   * position and the end offset). Default: none.
   */
  onProgress?: (progress: { records: number; position: number; end: number }) => void;
}

/**
 * Reads one task's changelog partition with read_committed from the beginning to its end and
 * folds it into full operator snapshots, or returns `null` when it holds no meta record for
 * the task.
 *
 * @throws {CheckpointError} when the end is not reached within `timeoutMs`.
 */
export async function readChangelog(
  place: ChangelogPlace,
  options: ReadChangelogOptions,
): Promise<ChangelogState | null> {
  const consumer = options.clients.reader({ groupId: options.groupId });
  try {
    return await readToEnd(consumer, place, options);
  } finally {
    await consumer.close();
  }
}

async function readToEnd(
  consumer: ReaderSource,
  place: ChangelogPlace,
  { timeoutMs, onProgress }: ReadChangelogOptions,
): Promise<ChangelogState | null> {
  const { topic, partition, scope } = place;
  const { low, high } = await consumer.watermarkOffsets(topic, partition);
  if (high <= low) return null;
  consumer.assign([{ topic, partition, offset: Offset.BEGINNING }]);
  const position = () => consumer.position([{ topic, partition }])[0].offset ?? -1;
  const atEnd = () => position() >= high;
  let reported = performance.now();
  const report = () => onProgress?.({ records, position: Math.max(low, position()), end: high });
  const fold = new ChangelogFold(scope);
  let records = 0;
  const done = new AbortController();
  // The position also moves past transaction markers, which yield no record.
  const timer = setInterval(() => atEnd() && done.abort(), 20);
  try {
    const signal = AbortSignal.any([done.signal, AbortSignal.timeout(timeoutMs)]);
    for await (const batch of consumer.batches({ maxMessages: 4096, signal })) {
      records += batch.length;
      for (const r of batch) fold.add(r.key, r.value);
      if (atEnd()) break;
      if (performance.now() - reported >= 1_000) {
        reported = performance.now();
        report();
      }
    }
  } finally {
    clearInterval(timer);
  }
  if (!atEnd()) {
    throw new CheckpointError(
      `Timed out after ${timeoutMs} ms reading changelog ${topic} [${partition}] to ` +
        `its end ${high} (${records} records read; is a transaction of a previous owner open?)`,
    );
  }
  report();
  return fold.result(records);
}
