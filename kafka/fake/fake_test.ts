import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import type { RebalanceEvent } from "../consumer.ts";
import { KafkaError } from "../errors.ts";
import { FakeConsumer, FakeKafka, FakeProducer, readAll } from "../testing.ts";

const text = (b: Uint8Array | null) => b === null ? null : new TextDecoder().decode(b);
const values = (kafka: FakeKafka, topic: string, isolation?: "read_uncommitted") =>
  readAll(kafka, topic, isolation).map((r) => text(r.value));

async function transactional(kafka: FakeKafka, id = "t"): Promise<FakeProducer> {
  const producer = new FakeProducer(kafka, { transactionalId: id });
  await producer.initTransactions();
  return producer;
}

Deno.test("read_committed sees a transaction's records only after its commit marker", async () => {
  const kafka = new FakeKafka();
  kafka.createTopic("out", 1);
  const producer = await transactional(kafka);
  producer.beginTransaction();
  await producer.sendAll([{ topic: "out", value: "a" }, { topic: "out", value: "b" }]);
  assertEquals(values(kafka, "out"), []);
  assertEquals(values(kafka, "out", "read_uncommitted"), ["a", "b"]);
  await producer.commitTransaction();
  assertEquals(values(kafka, "out"), ["a", "b"]);
  assertEquals(kafka.log("out", 0).high, 3, "the commit marker occupies offset 2");
});

Deno.test("an open transaction holds back later committed records (last stable offset)", async () => {
  const kafka = new FakeKafka();
  kafka.createTopic("out", 1);
  const open = await transactional(kafka, "a");
  const other = await transactional(kafka, "b");
  open.beginTransaction();
  await open.send({ topic: "out", value: "open", partition: 0 });
  other.beginTransaction();
  await other.send({ topic: "out", value: "later", partition: 0 });
  await other.commitTransaction();
  assertEquals(values(kafka, "out"), []);
  await open.abortTransaction();
  assertEquals(values(kafka, "out"), ["later"]);
});

Deno.test("a new instance aborts what a crashed one left open and fences it", async () => {
  const kafka = new FakeKafka();
  kafka.createTopic("out", 1);
  const old = await transactional(kafka);
  old.beginTransaction();
  await old.send({ topic: "out", value: "lost" });
  old.crash();
  const zombie = new FakeProducer(kafka, { transactionalId: "t" });
  await zombie.initTransactions();
  const fresh = await transactional(kafka);
  assertEquals(values(kafka, "out", "read_uncommitted"), ["lost"]);
  assertEquals(values(kafka, "out"), []);
  assertThrows(() => zombie.beginTransaction(), KafkaError, "fenced");
  fresh.beginTransaction();
  await fresh.send({ topic: "out", value: "kept" });
  await fresh.commitTransaction();
  assertEquals(values(kafka, "out"), ["kept"]);
});

Deno.test("offsets sent to a transaction are committed with it, not before", async () => {
  const kafka = new FakeKafka();
  kafka.createTopic("in", 1);
  kafka.createTopic("out", 1);
  const producer = await transactional(kafka);
  producer.beginTransaction();
  await producer.sendOffsetsToTransaction([{ topic: "in", partition: 0, offset: 7 }], {
    groupId: "g",
  });
  assertEquals(kafka.committedOffset("g", "in", 0), undefined);
  await producer.commitTransaction();
  assertEquals(kafka.committedOffset("g", "in", 0), 7);
});

Deno.test("failNext fails a step before or after it takes effect", async () => {
  const kafka = new FakeKafka();
  kafka.createTopic("out", 1);
  const producer = await transactional(kafka);
  producer.beginTransaction();
  await producer.send({ topic: "out", value: "x" });
  kafka.failNext("commitTransaction");
  await assertRejects(() => producer.commitTransaction(), KafkaError, "Injected failure");
  assertEquals(values(kafka, "out"), []);
  kafka.failNext("commitTransaction", "after");
  await assertRejects(() => producer.commitTransaction(), KafkaError, "after");
  assertEquals(values(kafka, "out"), ["x"]);
});

Deno.test("a read_committed position moves past the commit marker", async () => {
  const kafka = new FakeKafka();
  kafka.createTopic("in", 1);
  const producer = await transactional(kafka);
  producer.beginTransaction();
  await producer.send({ topic: "in", value: "a" });
  await producer.commitTransaction();
  const consumer = new FakeConsumer(kafka, { isolation: "read_committed" });
  consumer.assign([{ topic: "in", partition: 0, offset: 0 }]);
  assertEquals(consumer.poll().map((r) => r.offset), [0]);
  assertEquals(consumer.position([{ topic: "in", partition: 0 }])[0].offset, 2);
  assertEquals((await consumer.watermarkOffsets("in", 0)).high, 2);
  consumer.crash();
});

Deno.test("group members share partitions and see revocations when one joins", async () => {
  const kafka = new FakeKafka();
  kafka.createTopic("in", 4);
  const events: string[] = [];
  const member = (name: string) =>
    new FakeConsumer(kafka, {
      groupId: "g",
      autoOffsetReset: "earliest",
      onRebalance: (e: RebalanceEvent) => {
        events.push(`${name} ${e.type} ${e.partitions.map((p) => p.partition).join(",")}`);
      },
    });
  const a = member("a");
  a.subscribe(["in"]);
  const b = member("b");
  b.subscribe(["in"]);
  const stop = new AbortController();
  const drain = async (c: FakeConsumer) => {
    for await (const _ of c.batches({ signal: stop.signal })) { /* nothing to read */ }
  };
  const loops = [drain(a), drain(b)];
  for (let i = 0; events.length < 3 && i < 100; i++) await new Promise((r) => setTimeout(r, 0));
  stop.abort();
  await Promise.all(loops);
  assertEquals(events.sort(), ["a assigned 0,1,2,3", "a revoked 1,3", "b assigned 1,3"]);
  assertEquals(a.assignment().map((p) => p.partition), [0, 2]);
  await a.close();
  await b.close();
  assert(events.includes("a revoked 0,2"));
});
