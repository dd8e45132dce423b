/**
 * Metadata auto-creation answers as Kafka 4.3.1 does (issue 9, item 8): the triggering request
 * gets UNKNOWN_TOPIC_OR_PARTITION without partitions, later ones see the topic; a topic deleted
 * by DeleteTopics is not handed back with partitions by the metadata refresh right after.
 */
import { assertEquals } from "@std/assert";
import { callHandler } from "../group/harness_test_util.ts";
import { ApiKey } from "../protocol/mod.ts";
import { silentLogger } from "@iot/service";
import { LogStore } from "../storage/mod.ts";
import type { BrokerContext } from "./context.ts";
import { handlersOf } from "../api/mod.ts";
import { dataPlaneApis, ensureInternalTopics } from "./mod.ts";
import { buildRecordBatch } from "../records/mod.ts";

async function handlers(autoCreate = true, settle: Partial<BrokerContext["topics"]> = {}) {
  const store = await LogStore.open({ dir: "", memory: true });
  const ctx: BrokerContext = {
    store,
    identity: { nodeId: 1, host: "127.0.0.1", port: 9092, clusterId: "c" },
    topics: { autoCreate, partitions: 2, ...settle },
    logger: silentLogger,
  };
  return { store, table: handlersOf(dataPlaneApis(ctx)) };
}

async function topicsOf(
  table: Awaited<ReturnType<typeof handlers>>["table"],
  version: number,
  names: string[],
  allowAutoTopicCreation = true,
) {
  const res = await callHandler(table, ApiKey.Metadata, version, {
    topics: names.map((name) => ({ name })),
    allowAutoTopicCreation,
  });
  return res.topics.map((t) => [t.name, t.errorCode, t.partitions.length]);
}

Deno.test("Metadata auto-creation: the first answer has no partitions, the next has them", async () => {
  const { store, table } = await handlers();
  assertEquals(await topicsOf(table, 12, ["a"]), [["a", 3, 0]]);
  assertEquals(store.topic("a")?.partitions, 2, "created meanwhile");
  assertEquals(await topicsOf(table, 12, ["a"]), [["a", 0, 2]]);
  assertEquals(await topicsOf(table, 1, ["v1"]), [["v1", 3, 0]], "v0-3 imply auto-creation");
  assertEquals(await topicsOf(table, 1, ["v1"]), [["v1", 0, 2]]);
  assertEquals(await topicsOf(table, 12, ["bad/name"]), [["bad/name", 17, 0]]);
  await store.close();
});

Deno.test("Metadata auto-creation: the topic is visible only after settleMs, as on Kafka", async () => {
  let now = 1000;
  const { store, table } = await handlers(true, { settleMs: 50, now: () => now });
  assertEquals(await topicsOf(table, 6, ["s"]), [["s", 3, 0]]);
  now += 49;
  // Asked again at once (kafka-go's partition watcher): still being created, not re-created.
  assertEquals(await topicsOf(table, 6, ["s"]), [["s", 3, 0]]);
  const all = await callHandler(table, ApiKey.Metadata, 6, { topics: null });
  assertEquals(all.topics.map((t) => t.name).includes("s"), false);
  now += 1;
  assertEquals(await topicsOf(table, 6, ["s"]), [["s", 0, 2]]);
  await store.close();
});

Deno.test("Metadata right after DeleteTopics: no partitions (kafka-go test_delete_topics)", async () => {
  const { store, table } = await handlers();
  await store.createTopic("d1");
  await store.createTopic("d2");
  const deleted = await callHandler(table, ApiKey.DeleteTopics, 6, {
    topics: [{ name: "d1", topicId: "AAAAAAAAAAAAAAAAAAAAAA" }, {
      name: "d2",
      topicId: "AAAAAAAAAAAAAAAAAAAAAA",
    }],
    timeoutMs: 1000,
  });
  assertEquals(deleted.responses.map((r) => r.errorCode), [0, 0]);
  assertEquals(await topicsOf(table, 6, ["d1", "d2"]), [["d1", 3, 0], ["d2", 3, 0]]);
  await store.close();
});

Deno.test("Metadata without auto-creation: unknown stays unknown", async () => {
  const { store, table } = await handlers(false);
  assertEquals(await topicsOf(table, 12, ["x"]), [["x", 3, 0]]);
  assertEquals(await topicsOf(table, 12, ["y"], false), [["y", 3, 0]]);
  assertEquals(store.topic("x"), undefined);
  await store.close();
});

Deno.test("internal topics: listed with isInternal (all topics and by name), not producible", async () => {
  const { store, table } = await handlers(false);
  await ensureInternalTopics(store);
  await ensureInternalTopics(store); // idempotent
  await store.createTopic("plain");
  const all = await callHandler(table, ApiKey.Metadata, 12, {
    topics: null,
    allowAutoTopicCreation: false,
  });
  const flags = Object.fromEntries(all.topics.map((t) => [t.name, t.isInternal]));
  assertEquals(flags, { __consumer_offsets: true, __transaction_state: true, plain: false });
  const one = await callHandler(table, ApiKey.Metadata, 1, {
    topics: [{ name: "__consumer_offsets" }],
  });
  assertEquals(one.topics.map((t) => [t.errorCode, t.isInternal]), [[0, true]]);
  const batch = buildRecordBatch([{ timestamp: 0, key: null, value: new Uint8Array([1]) }]);
  const produced = await callHandler(table, ApiKey.Produce, 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: "__consumer_offsets", partitionData: [{ index: 0, records: batch }] }],
  });
  assertEquals(produced!.responses[0].partitionResponses[0].errorCode, 17);
  await store.close();
});
