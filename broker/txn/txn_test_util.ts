/**
 * A transaction coordinator over memory logs, a temp metadata store and a manual clock, for the
 * txn unit tests.
 *
 * @module
 */
import { ManualScheduler } from "../group/scheduler.ts";
import { ProducerStates } from "../producers/mod.ts";
import { buildRecordBatch, readBatchHeader } from "../records/mod.ts";
import { MemoryLog, MetadataStore } from "../storage/mod.ts";
import { TransactionCoordinator } from "./coordinator.ts";

/** The parts of a coordinator harness. */
export interface Harness extends AsyncDisposable {
  /** Temp dir of the metadata store. */
  dir: string;
  metadata: MetadataStore;
  producers: ProducerStates;
  txns: TransactionCoordinator;
  scheduler: ManualScheduler;
  /** Partition logs by `topic/partition` ("t/0", "t/1" and "u/0" exist). */
  logs: Map<string, MemoryLog>;
  /** Reopens the coordinator (and producer state) over the same store and logs. */
  reopen(): Promise<void>;
  /** InitProducerId for `id`; returns [producerId, epoch]. */
  init(id: string, timeoutMs?: number): Promise<[number, number]>;
  /** Produces a transactional batch of `n` records as Produce would; returns its base offset. */
  produce(topic: string, partition: number, pid: number, epoch: number, n: number): Promise<number>;
}

/** Builds a harness in a temp dir (removed on dispose). */
export async function harness(): Promise<Harness> {
  const dir = await Deno.makeTempDir({ prefix: "txn-" });
  const logs = new Map([["t/0", new MemoryLog()], ["t/1", new MemoryLog()], [
    "u/0",
    new MemoryLog(),
  ]]);
  const scheduler = new ManualScheduler(1_000_000);
  const sequences = new Map<string, number>();
  const h = { dir, logs, scheduler } as Harness;
  const open = async () => {
    h.metadata = await MetadataStore.open(dir, { fsync: false });
    h.producers = await ProducerStates.open(h.metadata);
    h.txns = await TransactionCoordinator.open({
      metadata: h.metadata,
      producers: h.producers,
      logs: { partition: (t, p) => logs.get(`${t}/${p}`) },
      scheduler,
      onError: () => {},
    });
  };
  const close = async () => {
    await h.txns.close();
    await h.producers.close();
    await h.metadata.close();
  };
  await open();
  h.reopen = async () => {
    await close();
    await open();
  };
  h.init = async (id, timeoutMs = 60_000) => {
    const res = await h.txns.initProducerId(
      { transactionalId: id, transactionTimeoutMs: timeoutMs, producerId: -1n, producerEpoch: -1 },
      4,
    );
    if (res.errorCode !== 0) throw new Error(`InitProducerId failed: ${res.errorCode}`);
    return [Number(res.producerId), res.producerEpoch];
  };
  h.produce = async (topic, partition, pid, epoch, n) => {
    const key = `${topic}/${partition}/${pid}/${epoch}`;
    const seq = sequences.get(key) ?? 0;
    sequences.set(key, seq + n);
    const batch = buildRecordBatch(
      Array.from({ length: n }, () => ({ timestamp: 1, value: new Uint8Array([1]) })),
      { transactional: true, producerId: pid, producerEpoch: epoch, baseSequence: seq },
    );
    const header = readBatchHeader(batch);
    const code = h.txns.log.checkProduce(topic, partition, header);
    if (code !== 0) throw new Error(`produce refused: ${code}`);
    // As Produce does: the transaction opens in the partition before the batch is readable.
    let registered: Promise<void> = Promise.resolve();
    const { baseOffset } = await logs.get(`${topic}/${partition}`)!.append(batch, {
      onAssign: (base) => registered = h.txns.log.recordProduce(topic, partition, header, base),
    });
    h.producers.record(topic, partition, header, baseOffset);
    await registered;
    return baseOffset;
  };
  h[Symbol.asyncDispose] = async () => {
    await close();
    for (const log of logs.values()) await log.close();
    await Deno.remove(dir, { recursive: true });
  };
  return h;
}
