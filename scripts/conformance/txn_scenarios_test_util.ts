/**
 * Transaction scenarios with our `@iot/kafka` client (librdkafka), run against any broker; each
 * returns plain data so the shim's results can be compared with real Kafka's.
 *
 * @module
 */
import { Consumer, type ConsumerRecord, KafkaError, Offset, Producer } from "@iot/kafka";
import { uniqueName, waitFor } from "@iot/testing";
import { java } from "./scenarios_test_util.ts";

type Isolation = "read_committed" | "read_uncommitted";

const text = (b: Uint8Array | null) => b === null ? "" : new TextDecoder().decode(b);

function reader(bootstrap: string, isolation: Isolation): Consumer {
  return new Consumer({
    config: {
      "bootstrap.servers": bootstrap,
      "group.id": uniqueName("conf-reader"),
      "isolation.level": isolation,
    },
  });
}

/** Values of partition 0 from the beginning until `last` is read. */
async function readUntil(
  bootstrap: string,
  topic: string,
  isolation: Isolation,
  last: string,
): Promise<string[]> {
  await using consumer = reader(bootstrap, isolation);
  consumer.assign([{ topic, partition: 0, offset: Offset.BEGINNING }]);
  const values: string[] = [];
  for await (const batch of consumer.batches({ signal: AbortSignal.timeout(20_000) })) {
    values.push(...batch.map((r: ConsumerRecord) => text(r.value)));
    if (values.includes(last)) return values;
  }
  throw new Error(`${isolation} reader timed out after ${values.length} records`);
}

function txnProducer(bootstrap: string, transactionalId = uniqueName("conf-tx")): Producer {
  return new Producer({
    config: { "bootstrap.servers": bootstrap, "transactional.id": transactionalId },
  });
}

const records = (topic: string, prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ topic, partition: 0, value: `${prefix}${i}` }));

/**
 * Commit, abort, commit: what read_committed and read_uncommitted consumers see, and the high
 * watermark (records plus one marker per transaction).
 */
export async function txnCommitAbortCommit(bootstrap: string): Promise<{
  committed: string[];
  uncommitted: string[];
  high: number;
}> {
  const topic = uniqueName("conf-txn");
  await using producer = txnProducer(bootstrap);
  await producer.initTransactions();
  for (const [prefix, n, commit] of [["a", 4, true], ["b", 3, false], ["c", 2, true]] as const) {
    producer.beginTransaction();
    await producer.sendBatch(records(topic, prefix, n));
    if (commit) await producer.commitTransaction();
    else await producer.abortTransaction();
  }
  const committed = await readUntil(bootstrap, topic, "read_committed", "c1");
  const uncommitted = await readUntil(bootstrap, topic, "read_uncommitted", "c1");
  await using consumer = reader(bootstrap, "read_uncommitted");
  // Kafka may write the last COMMIT marker just after answering EndTxn: wait for it.
  let high = -1;
  await waitFor(async () => (high = (await consumer.watermarkOffsets(topic, 0)).high) >= 12, {
    timeoutMs: 10_000,
    message: "the last marker",
  });
  return { committed, uncommitted, high };
}

/**
 * The last stable offset: while a transaction is open, a read_committed consumer's latest offset
 * stops at its first record; after the abort it is the high watermark again.
 */
export async function txnLastStableOffset(bootstrap: string): Promise<{
  openCommitted: number;
  openUncommitted: number;
  afterAbortCommitted: number;
}> {
  const topic = uniqueName("conf-lso");
  await using producer = txnProducer(bootstrap);
  await producer.initTransactions();
  producer.beginTransaction();
  await producer.sendBatch(records(topic, "x", 3));
  await producer.commitTransaction();
  producer.beginTransaction();
  await producer.sendBatch(records(topic, "y", 2));
  await using committed = reader(bootstrap, "read_committed");
  await using uncommitted = reader(bootstrap, "read_uncommitted");
  const openCommitted = (await committed.watermarkOffsets(topic, 0)).high;
  const openUncommitted = (await uncommitted.watermarkOffsets(topic, 0)).high;
  await producer.abortTransaction();
  // Kafka writes markers after answering EndTxn, so its LSO catches up a moment later.
  let afterAbortCommitted = -1;
  await waitFor(async () => {
    afterAbortCommitted = (await committed.watermarkOffsets(topic, 0)).high;
    return afterAbortCommitted > openCommitted;
  }, { timeoutMs: 10_000, message: "LSO after abort" });
  return { openCommitted, openUncommitted, afterAbortCommitted };
}

/**
 * Consume-transform-produce: input offsets are sent to each transaction; transactions up to
 * offset 10 commit, later ones abort. Returns the group's committed offset and the outputs a
 * read_committed consumer sees.
 */
export async function txnConsumeTransformProduce(bootstrap: string): Promise<{
  committed: number | undefined;
  outputs: string[];
}> {
  const input = uniqueName("conf-in");
  const output = uniqueName("conf-out");
  await using seed = new Producer({ config: { "bootstrap.servers": bootstrap } });
  await seed.sendBatch(Array.from({ length: 20 }, (_, i) => ({ topic: input, value: `r${i}` })));
  await using consumer = new Consumer({
    config: {
      "bootstrap.servers": bootstrap,
      "group.id": uniqueName("conf-ctp"),
      "enable.auto.commit": false,
      "isolation.level": "read_committed",
    },
  });
  consumer.assign([{ topic: input, partition: 0, offset: Offset.BEGINNING }]);
  await using producer = txnProducer(bootstrap);
  await producer.initTransactions();
  let done = 0;
  const batches = consumer.batches({ maxMessages: 5, signal: AbortSignal.timeout(30_000) });
  for await (const batch of batches) {
    producer.beginTransaction();
    await producer.sendBatch(batch.map((r) => ({ topic: output, value: `${text(r.value)}!` })));
    done = batch.at(-1)!.offset + 1;
    await producer.sendOffsetsToTransaction(
      [{ topic: input, partition: 0, offset: done }],
      consumer,
    );
    if (done <= 10) await producer.commitTransaction();
    else await producer.abortTransaction();
    if (done >= 20) break;
  }
  const [committed] = await consumer.committed([{ topic: input, partition: 0 }]);
  const outputs = await readUntil(bootstrap, output, "read_committed", "r9!");
  return { committed: committed.offset, outputs };
}

/**
 * Fencing: a second producer with the same transactional.id fences the first, whose open
 * transaction is aborted and whose commit fails (fatal or abortable); the second one commits.
 */
export async function txnFencing(bootstrap: string): Promise<{
  oldCommitFailed: string;
  committed: string[];
}> {
  const topic = uniqueName("conf-fence");
  const id = uniqueName("conf-tx");
  await using old = txnProducer(bootstrap, id);
  await old.initTransactions();
  old.beginTransaction();
  await old.send({ topic, partition: 0, value: "old" });
  await using newer = txnProducer(bootstrap, id);
  await newer.initTransactions();
  let oldCommitFailed = "committed";
  try {
    await old.commitTransaction();
  } catch (e) {
    if (!(e instanceof KafkaError)) throw e;
    oldCommitFailed = e.fatal || e.txnRequiresAbort ? "fenced" : `retriable ${e.codeName}`;
  }
  newer.beginTransaction();
  await newer.send({ topic, partition: 0, value: "new" });
  await newer.commitTransaction();
  const committed = await readUntil(bootstrap, topic, "read_committed", "new");
  return { oldCommitFailed, committed };
}

/**
 * Java client transactions: ProducerPerformance with a transactional id commits every 100 ms;
 * a read_committed console consumer reads every record back.
 */
export async function javaTransactions(bootstrap: string): Promise<{
  sent: string;
  consumed: number;
}> {
  const topic = uniqueName("conf-java-tx");
  const out = await java("org.apache.kafka.tools.ProducerPerformance", [
    "--topic",
    topic,
    "--num-records",
    "2000",
    "--record-size",
    "20",
    "--throughput",
    "-1",
    "--transactional-id",
    uniqueName("conf-java-tx"),
    "--transaction-duration-ms",
    "100",
    "--producer-props",
    `bootstrap.servers=${bootstrap}`,
  ]);
  const consumed = await java("org.apache.kafka.tools.consumer.ConsoleConsumer", [
    "--bootstrap-server",
    bootstrap,
    "--topic",
    topic,
    "--from-beginning",
    "--isolation-level",
    "read_committed",
    "--max-messages",
    "2000",
    "--timeout-ms",
    "20000",
  ]);
  return {
    sent: out.trim().split("\n").at(-1)!.split(",")[0],
    consumed: consumed.trim().split("\n").length,
  };
}
