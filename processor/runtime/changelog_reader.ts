/**
 * Reading a task's state back from the changelog topic (see `changelog.ts`).
 *
 * @module
 */
import { Consumer, type KafkaConfig, Offset } from "@iot/kafka";
import { CheckpointError } from "../state/format.ts";
import { ChangelogFold, type ChangelogPlace, type ChangelogState } from "./changelog.ts";

/** Options of {@linkcode readChangelog}. */
export interface ReadChangelogOptions {
  /** Kafka bootstrap servers. */
  bootstrap: string;
  /** Consumer group named for the reader (it never joins or commits). */
  groupId: string;
  /** Extra librdkafka properties. Default none. */
  kafkaConfig?: KafkaConfig;
  /** Give up after this long (ms), e.g. while an open transaction holds back the end. */
  timeoutMs: number;
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
  await using consumer = new Consumer({
    config: {
      "bootstrap.servers": options.bootstrap,
      ...options.kafkaConfig,
      "group.id": options.groupId,
      "isolation.level": "read_committed",
      "enable.auto.commit": false,
      "enable.auto.offset.store": false,
      // The last fetch finds nothing new; don't wait the default 500 ms for it.
      "fetch.wait.max.ms": 50,
    },
  });
  const { topic, partition, scope } = place;
  const { low, high } = await consumer.watermarkOffsets(topic, partition);
  if (high <= low) return null;
  consumer.assign([{ topic, partition, offset: Offset.BEGINNING }]);
  const atEnd = () => (consumer.position([{ topic, partition }])[0].offset ?? -1) >= high;
  const fold = new ChangelogFold(scope);
  let records = 0;
  const done = new AbortController();
  // The position also moves past transaction markers, which yield no record.
  const timer = setInterval(() => atEnd() && done.abort(), 20);
  try {
    const signal = AbortSignal.any([done.signal, AbortSignal.timeout(options.timeoutMs)]);
    for await (const batch of consumer.batches({ maxMessages: 4096, signal })) {
      records += batch.length;
      for (const r of batch) fold.add(r.key, r.value);
      if (atEnd()) break;
    }
  } finally {
    clearInterval(timer);
  }
  if (!atEnd()) {
    throw new CheckpointError(
      `Timed out after ${options.timeoutMs} ms reading changelog ${topic} [${partition}] to ` +
        `its end ${high} (${records} records read; is a transaction of a previous owner open?)`,
    );
  }
  return fold.result(records);
}
