import { assert, assertEquals, assertRejects } from "@std/assert";
import { startKafka, uniqueName } from "@iot/testing";
import { Consumer, type ConsumerRecord, KafkaError, Offset, Producer } from "./mod.ts";

const text = (bytes: Uint8Array | null) => new TextDecoder().decode(bytes ?? new Uint8Array());

async function readUntil(
  bootstrap: string,
  topic: string,
  isolation: "read_committed" | "read_uncommitted",
  last: string,
): Promise<string[]> {
  await using consumer = new Consumer({
    config: {
      "bootstrap.servers": bootstrap,
      "group.id": uniqueName("reader"),
      "isolation.level": isolation,
    },
  });
  consumer.assign([{ topic, partition: 0, offset: Offset.BEGINNING }]);
  const values: string[] = [];
  for await (const batch of consumer.batches({ signal: AbortSignal.timeout(30_000) })) {
    values.push(...batch.map((r: ConsumerRecord) => text(r.value)));
    if (values.includes(last)) return values;
  }
  throw new Error(`${isolation} reader timed out after ${values.length} records`);
}

Deno.test("transactions: committed records are visible to read_committed, aborted ones only to read_uncommitted", async () => {
  await using kafka = await startKafka();
  const topic = uniqueName("txn");
  await using producer = new Producer({
    config: { "bootstrap.servers": kafka.bootstrap, "transactional.id": uniqueName("tx") },
  });
  await producer.initTransactions();
  const batch = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ topic, partition: 0, value: `${prefix}${i}` }));

  producer.beginTransaction();
  await producer.sendBatch(batch("a", 10));
  await producer.commitTransaction();

  producer.beginTransaction();
  await producer.sendBatch(batch("b", 5));
  await producer.abortTransaction();

  producer.beginTransaction();
  await producer.sendBatch(batch("c", 3));
  await producer.commitTransaction();

  const committed = await readUntil(kafka.bootstrap, topic, "read_committed", "c2");
  assertEquals(committed, [...batch("a", 10), ...batch("c", 3)].map((r) => r.value));
  const uncommitted = await readUntil(kafka.bootstrap, topic, "read_uncommitted", "c2");
  assertEquals(
    uncommitted,
    [...batch("a", 10), ...batch("b", 5), ...batch("c", 3)].map((r) => r.value),
  );
});

Deno.test("transactions: consumed offsets commit atomically with the outputs", async () => {
  await using kafka = await startKafka();
  const input = uniqueName("in");
  const output = uniqueName("out");
  const group = uniqueName("g");
  await using seed = new Producer({ config: { "bootstrap.servers": kafka.bootstrap } });
  await seed.sendBatch(Array.from({ length: 20 }, (_, i) => ({ topic: input, value: `r${i}` })));

  await using consumer = new Consumer({
    config: {
      "bootstrap.servers": kafka.bootstrap,
      "group.id": group,
      "enable.auto.commit": false,
      "isolation.level": "read_committed",
    },
  });
  consumer.assign([{ topic: input, partition: 0, offset: Offset.BEGINNING }]);
  await using producer = new Producer({
    config: { "bootstrap.servers": kafka.bootstrap, "transactional.id": uniqueName("tx") },
  });
  await producer.initTransactions();

  let done = 0;
  let lastCommitted = -1;
  const batches = consumer.batches({ maxMessages: 5, signal: AbortSignal.timeout(30_000) });
  for await (const records of batches) {
    producer.beginTransaction();
    await producer.sendBatch(records.map((r) => ({ topic: output, value: `${text(r.value)}!` })));
    const next = records.at(-1)!.offset + 1;
    await producer.sendOffsetsToTransaction(
      [{ topic: input, partition: 0, offset: next }],
      consumer,
    );
    if (next <= 10) {
      await producer.commitTransaction();
      lastCommitted = next;
    } else {
      await producer.abortTransaction();
    }
    done = next;
    if (done >= 20) break;
  }
  const [committed] = await consumer.committed([{ topic: input, partition: 0 }]);
  assert(lastCommitted > 0);
  assertEquals(committed.offset, lastCommitted, "only committed transactions move the group");
  assertEquals(done, 20);
  const outputs = await readUntil(
    kafka.bootstrap,
    output,
    "read_committed",
    `r${lastCommitted - 1}!`,
  );
  assertEquals(outputs, Array.from({ length: lastCommitted }, (_, i) => `r${i}!`));
});

Deno.test("transactions: a producer fenced by a newer instance gets a fatal error", async () => {
  await using kafka = await startKafka();
  const topic = uniqueName("fence");
  const id = uniqueName("tx");
  const config = { "bootstrap.servers": kafka.bootstrap, "transactional.id": id };
  await using old = new Producer({ config });
  await old.initTransactions();
  old.beginTransaction();
  await old.send({ topic, value: "old" });
  await using newer = new Producer({ config });
  await newer.initTransactions();
  const error = await assertRejects(() => old.commitTransaction(), KafkaError);
  assert(error.fatal || error.txnRequiresAbort, `fenced: ${error.message}`);
});

Deno.test("idempotent producer writes each record once, in order", async () => {
  await using kafka = await startKafka();
  const topic = uniqueName("idem");
  await using producer = new Producer({
    config: {
      "bootstrap.servers": kafka.bootstrap,
      "enable.idempotence": true,
      "max.in.flight.requests.per.connection": 5,
      "batch.num.messages": 100,
    },
  });
  const n = 5000;
  const reports = await producer.sendBatch(
    Array.from({ length: n }, (_, i) => ({ topic, partition: 0, value: `${i}` })),
  );
  assertEquals(reports.map((r) => r.offset), Array.from({ length: n }, (_, i) => i));
  const values = await readUntil(kafka.bootstrap, topic, "read_uncommitted", `${n - 1}`);
  assertEquals(values, Array.from({ length: n }, (_, i) => `${i}`));
});
