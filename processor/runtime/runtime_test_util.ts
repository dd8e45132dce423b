/**
 * Support for the processor's integration tests and benchmark: read a topic's committed records
 * to its end, and wait for a consumer group to catch up with its input. Not used by the runtime.
 *
 * @module
 */
import { Admin, Consumer, type ConsumerRecord, Offset } from "@iot/kafka";

/**
 * Reads every committed record of `topic` (all `partitions`) from the beginning to its end as of
 * the call, with `isolation.level: read_committed`.
 *
 * @throws {Error} when the end is not reached within `timeoutMs` (default 30 000).
 */
export async function readCommitted(
  bootstrap: string,
  topic: string,
  partitions: number,
  timeoutMs = 30_000,
): Promise<ConsumerRecord[]> {
  await using consumer = new Consumer({
    config: {
      "bootstrap.servers": bootstrap,
      "group.id": `reader-${crypto.randomUUID()}`,
      "isolation.level": "read_committed",
      "enable.auto.commit": false,
    },
  });
  const tps = Array.from({ length: partitions }, (_, partition) => ({ topic, partition }));
  const ends = await Promise.all(tps.map((tp) => consumer.watermarkOffsets(topic, tp.partition)));
  const open = tps.filter((_, i) => ends[i].high > ends[i].low);
  const records: ConsumerRecord[] = [];
  if (open.length === 0) return records;
  consumer.assign(open.map((tp) => ({ ...tp, offset: Offset.BEGINNING })));
  const atEnd = () => consumer.position(open).every((p) => p.offset! >= ends[p.partition].high);
  const done = new AbortController();
  const timer = setInterval(() => atEnd() && done.abort(), 20);
  try {
    const signal = AbortSignal.any([done.signal, AbortSignal.timeout(timeoutMs)]);
    for await (const batch of consumer.batches({ signal })) {
      records.push(...batch);
      if (atEnd()) break;
    }
  } finally {
    clearInterval(timer);
  }
  if (!atEnd()) {
    throw new Error(`Timed out reading ${topic} to its end (${records.length} records read)`);
  }
  return records;
}

/** Whether group `groupId` has committed the end offset of every partition of `topic`. */
export async function caughtUp(
  bootstrap: string,
  groupId: string,
  topic: string,
  partitions: number,
): Promise<boolean> {
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  await using probe = new Consumer({
    config: { "bootstrap.servers": bootstrap, "group.id": `probe-${crypto.randomUUID()}` },
  });
  const committed = await admin.listConsumerGroupOffsets(
    groupId,
    Array.from({ length: partitions }, (_, partition) => ({ topic, partition })),
  );
  for (const c of committed) {
    const { high } = await probe.watermarkOffsets(topic, c.partition);
    if (high > 0 && (c.offset ?? -1) < high) return false;
  }
  return true;
}
