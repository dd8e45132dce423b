import { assertEquals, assertThrows } from "@std/assert";
import { callHandler } from "../group/harness_test_util.ts";
import { ApiKey } from "../protocol/mod.ts";
import { MetadataStore } from "../storage/mod.ts";
import { ProducerStates } from "./producer_states.ts";
import { header } from "./header_test_util.ts";

async function tempStore(): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "producers-" });
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

Deno.test("producer states: duplicates keep their offset across a reopen", async () => {
  await using tmp = await tempStore();
  let store = await MetadataStore.open(tmp.dir, { fsync: false });
  let states = await ProducerStates.open(store);
  assertEquals(states.check("t", 0, header(0, 0, 2)), { kind: "append" });
  states.record("t", 0, header(0, 0, 2), 100);
  states.record("t", 0, header(0, 2, 1), 102);
  states.record("t", 1, header(0, 0, 1), 5);
  await states.close();
  await store.close();

  store = await MetadataStore.open(tmp.dir, { fsync: false });
  states = await ProducerStates.open(store);
  assertEquals(states.check("t", 0, header(0, 0, 2)), { kind: "duplicate", baseOffset: 100 });
  assertEquals(states.check("t", 0, header(0, 2, 1)), { kind: "duplicate", baseOffset: 102 });
  assertEquals(states.check("t", 0, header(0, 4, 1)), { kind: "error", errorCode: 45 });
  assertEquals(states.check("t", 1, header(0, 1, 1)), { kind: "append" });
  await states.dropTopic("t");
  assertEquals(states.check("t", 0, header(0, 4, 1)), { kind: "append" });
  await states.close();
  await store.close();
});

Deno.test("producer states: idle producers expire", async () => {
  await using tmp = await tempStore();
  await using store = await MetadataStore.open(tmp.dir, { fsync: false });
  let now = 0;
  const states = await ProducerStates.open(store, { now: () => now, producerIdExpirationMs: 1000 });
  states.record("t", 0, header(0, 0), 0);
  await states.flush();
  now = 2000;
  await states.expire();
  assertEquals(states.check("t", 0, header(0, 9)), { kind: "append" });
  assertEquals(store.entries("producers/state/"), []);
  await states.close();
});

Deno.test("InitProducerId: fresh ids, stable transactional ids with epoch bumps, fencing", async () => {
  await using tmp = await tempStore();
  let store = await MetadataStore.open(tmp.dir, { fsync: false });
  let states = await ProducerStates.open(store);
  const init = (version: number, body: Parameters<typeof callHandler<22>>[3]) =>
    callHandler(
      { [ApiKey.InitProducerId]: (req, ctx) => states.initProducerId(req, ctx.header.apiVersion) },
      ApiKey.InitProducerId,
      version,
      body,
    );
  const a = await init(4, { transactionalId: null, transactionTimeoutMs: 60000 });
  const b = await init(1, { transactionalId: null, transactionTimeoutMs: 60000 });
  assertEquals([a.producerId, a.producerEpoch, b.producerId], [0n, 0, 1n]);
  const t1 = await init(4, { transactionalId: "tx", transactionTimeoutMs: 60000 });
  const t2 = await init(4, { transactionalId: "tx", transactionTimeoutMs: 60000 });
  assertEquals([t1.producerId, t1.producerEpoch, t2.producerId, t2.producerEpoch], [2n, 0, 2n, 1]);
  // Produce with the fenced epoch 0 is rejected.
  assertEquals(states.check("t", 0, header(0, 0, 1, 2)), { kind: "error", errorCode: 47 });
  const bump = (producerEpoch: number, version = 4) =>
    init(version, {
      transactionalId: "tx",
      transactionTimeoutMs: 60000,
      producerId: 2n,
      producerEpoch,
    });
  // Presenting the epoch before the last bump is a retry: same answer, no second bump.
  assertEquals([(await bump(0)).errorCode, (await bump(0)).producerEpoch], [0, 1]);
  assertEquals((await bump(1)).producerEpoch, 2);
  assertEquals([(await bump(0)).errorCode, (await bump(0, 3)).errorCode], [90, 47]);
  const bad = await init(4, { transactionalId: "tx", transactionTimeoutMs: 10_000_000 });
  assertEquals(bad.errorCode, 50);
  await states.close();
  await store.close();

  store = await MetadataStore.open(tmp.dir, { fsync: false });
  states = await ProducerStates.open(store);
  const t3 = await init(3, {
    transactionalId: "tx",
    transactionTimeoutMs: 60000,
    producerId: 2n,
    producerEpoch: 2,
  });
  assertEquals([t3.errorCode, t3.producerId, t3.producerEpoch], [0, 2n, 3]);
  const c = await init(2, { transactionalId: null, transactionTimeoutMs: 0 });
  assertEquals(c.producerId, 3n);
  await states.close();
  await store.close();
  assertThrows(() => states.record("t", 0, header(0, 0), 0));
});
