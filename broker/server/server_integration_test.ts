/**
 * Robustness of the socket loop against an in-process broker: malformed, truncated, oversized and
 * random frames, unknown APIs and versions, pipelining, acks=0, idle timeout and shutdown.
 */
import { assert, assertEquals } from "@std/assert";
import { seededRandom } from "@iot/testing";
import { ApiKey } from "../protocol/mod.ts";
import { buildRecordBatch, validateBatch } from "../records/mod.ts";
import { startBroker } from "../start_broker_test_util.ts";
import { concat, RawClient } from "./raw_client_test_util.ts";

const enc = new TextEncoder();

function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setInt32(0, payload.length);
  out.set(payload, 4);
  return out;
}

/** A request header (v1) for `apiKey` v`version`, followed by `body`. */
function rawRequest(apiKey: number, version: number, body: Uint8Array): Uint8Array {
  const head = new Uint8Array(10);
  const v = new DataView(head.buffer);
  v.setInt16(0, apiKey);
  v.setInt16(2, version);
  v.setInt32(4, 7);
  v.setInt16(8, -1); // null client id
  return frame(concat([head, body]));
}

async function stillServes(bootstrap: string): Promise<void> {
  await using c = await RawClient.connect(bootstrap);
  const res = await c.request(ApiKey.ApiVersions, 3, {});
  assertEquals(res.errorCode, 0);
}

Deno.test("ApiVersions advertises only served APIs, and falls back to v0 for unknown versions", async () => {
  await using broker = await startBroker();
  await using c = await RawClient.connect(broker.bootstrap);
  const res = await c.request(ApiKey.ApiVersions, 3, {});
  const keys = res.apiKeys.map((k) => k.apiKey);
  for (const k of [0, 1, 2, 3, 18, 19, 20, 23, 32, 37]) assert(keys.includes(k), `key ${k}`);
  // Transactions v1 only: EndTxn stops at v4 (v5 is transaction.version 2).
  const txn = (key: number) => res.apiKeys.find((k) => k.apiKey === key);
  assertEquals(txn(ApiKey.AddPartitionsToTxn), { apiKey: 24, minVersion: 0, maxVersion: 5 });
  assertEquals(txn(ApiKey.AddOffsetsToTxn), { apiKey: 25, minVersion: 0, maxVersion: 4 });
  assertEquals(txn(ApiKey.EndTxn), { apiKey: 26, minVersion: 0, maxVersion: 4 });
  assertEquals(txn(ApiKey.TxnOffsetCommit), { apiKey: 28, minVersion: 0, maxVersion: 4 });
  assertEquals(res.apiKeys.find((k) => k.apiKey === ApiKey.Fetch), {
    apiKey: 1,
    minVersion: 4,
    maxVersion: 17,
  });
  // A future ApiVersions version (flexible header: one empty tag buffer, then a body we do not
  // know): UNSUPPORTED_VERSION with a v0 body, and the connection stays open.
  await c.sendBytes(rawRequest(ApiKey.ApiVersions, 99, new Uint8Array([0, 1, 2])));
  const fallback = await c.receive(ApiKey.ApiVersions, 0);
  assertEquals(fallback.body.errorCode, 35);
  assertEquals(fallback.body.apiKeys.length, res.apiKeys.length);
  assertEquals((await c.request(ApiKey.ApiVersions, 3, {})).errorCode, 0);
});

Deno.test("bad requests close the connection and never the broker", async () => {
  await using broker = await startBroker({ maxFrameSize: 4096 });
  const cases: [string, Uint8Array][] = [
    ["unknown api key", rawRequest(999, 0, new Uint8Array(0))],
    ["unsupported Metadata version", rawRequest(ApiKey.Metadata, 99, new Uint8Array(0))],
    ["truncated Metadata body", rawRequest(ApiKey.Metadata, 4, new Uint8Array([0, 0, 0, 5, 0]))],
    ["trailing garbage", rawRequest(ApiKey.ApiVersions, 2, new Uint8Array([1, 2, 3]))],
    ["header too short", frame(new Uint8Array([0, 3, 0]))],
    ["oversized frame", new Uint8Array([0, 1, 0, 0, 1, 2, 3])],
    ["negative frame size", new Uint8Array([0xff, 0xff, 0xff, 0xfe])],
  ];
  for (const [name, bytes] of cases) {
    await using c = await RawClient.connect(broker.bootstrap);
    await c.sendBytes(bytes);
    assert(await c.isClosedByBroker(), `${name}: connection should be closed`);
  }
  await stillServes(broker.bootstrap);
});

Deno.test("random frames never crash the broker or corrupt a log", async () => {
  await using broker = await startBroker();
  await using setup = await RawClient.connect(broker.bootstrap);
  const batch = buildRecordBatch([{ timestamp: 1, value: enc.encode("keep") }]);
  const produced = await setup.request(ApiKey.Produce, 7, {
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: "fuzz", partitionData: [{ index: 0, records: batch }] }],
  });
  assertEquals(produced.responses[0].partitionResponses[0].errorCode, 3); // not auto-created
  await setup.request(ApiKey.Metadata, 4, {
    topics: [{ name: "fuzz" }],
    allowAutoTopicCreation: true,
  });
  const random = seededRandom(42); // replayable: the bodies come from the seed too
  const keys = [0, 1, 2, 3, 18, 19, 20, 23, 32, 37];
  for (let i = 0; i < 150; i++) {
    const body = random.bytes(random.int(0, 200));
    const key = random.pick(keys);
    const c = await RawClient.connect(broker.bootstrap);
    await c.sendBytes(rawRequest(key, random.int(0, 12), body));
    await c.isClosedByBroker(200); // either answered or closed; never a crash
  }
  await stillServes(broker.bootstrap);
  await using after = await RawClient.connect(broker.bootstrap);
  const ok = await after.request(ApiKey.Produce, 7, {
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: "fuzz", partitionData: [{ index: 0, records: batch }] }],
  });
  assertEquals(ok.responses[0].partitionResponses[0].errorCode, 0);
  const log = broker.broker!.store.partition("fuzz", 0)!;
  const stored = await log.read(0, 1 << 20);
  for (const b of stored) validateBatch(b); // every stored batch is intact
  assertEquals(stored.length, log.highWatermark);
});

Deno.test("pipelined requests are answered in order, and acks=0 gets no response", async () => {
  await using broker = await startBroker();
  await using c = await RawClient.connect(broker.bootstrap);
  await c.request(ApiKey.Metadata, 4, { topics: [{ name: "pipe" }], allowAutoTopicCreation: true });
  const ids: number[] = [];
  for (let i = 0; i < 10; i++) {
    const records = buildRecordBatch([{ timestamp: i, value: enc.encode(`v${i}`) }]);
    const acks = i % 3 === 0 ? 0 : -1;
    const id = await c.send(ApiKey.Produce, 7, {
      acks,
      timeoutMs: 1000,
      topicData: [{ name: "pipe", partitionData: [{ index: 0, records }] }],
    });
    if (acks !== 0) ids.push(id);
  }
  const last = await c.send(ApiKey.ApiVersions, 3, {});
  for (const id of ids) assertEquals((await c.receive(ApiKey.Produce, 7)).correlationId, id);
  assertEquals((await c.receive(ApiKey.ApiVersions, 3)).correlationId, last);
  assertEquals(broker.broker!.store.partition("pipe", 0)!.highWatermark, 10);
});

Deno.test("idle connections are closed after idleTimeoutMs", async () => {
  await using broker = await startBroker({ idleTimeoutMs: 100 });
  await using c = await RawClient.connect(broker.bootstrap);
  assertEquals((await c.request(ApiKey.ApiVersions, 3, {})).errorCode, 0);
  assert(await c.isClosedByBroker(3000));
});

Deno.test("shutdown ends a long poll and answers it before closing", async () => {
  const broker = await startBroker();
  try {
    await using c = await RawClient.connect(broker.bootstrap);
    await c.request(ApiKey.Metadata, 4, { topics: [{ name: "lp" }], allowAutoTopicCreation: true });
    const start = performance.now();
    await c.send(ApiKey.Fetch, 11, {
      maxWaitMs: 30_000,
      minBytes: 1,
      maxBytes: 1 << 20,
      topics: [{
        topic: "lp",
        partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }],
      }],
    });
    const response = c.receive(ApiKey.Fetch, 11);
    // Let the request reach the broker and park.
    while (broker.broker!.metrics.connectionsOpen === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    await broker.close();
    const res = await response;
    assertEquals(res.body.responses[0].partitions[0].errorCode, 0);
    assert(performance.now() - start < 5000);
    assert(await c.isClosedByBroker(2000));
  } finally {
    await broker.close();
  }
});
