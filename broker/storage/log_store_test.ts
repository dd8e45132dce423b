import { assert, assertEquals, assertExists, assertNotEquals, assertRejects } from "@std/assert";
import { LogStore } from "./log_store.ts";
import {
  InvalidConfigError,
  InvalidPartitionsError,
  InvalidTopicError,
  TopicExistsError,
  UnknownTopicError,
} from "./errors.ts";
import { batchOf } from "./partition_log_contract_test_util.ts";
import { FileLog } from "./file_log.ts";

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "logstore-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

Deno.test("LogStore: topics, partitions and data persist across reopen", async () => {
  await using dir = await tempDir();
  const store = await LogStore.open({ dir: dir.path, fsync: "none" });
  const created = await store.createTopic("readings", {
    partitions: 3,
    configs: { "retention.ms": "60000" },
  });
  await store.createTopic("alerts");
  await store.partition("readings", 2)!.append(batchOf(4));
  assertEquals(store.listTopics().map((t) => [t.name, t.partitions]), [["alerts", 1], [
    "readings",
    3,
  ]]);
  assertEquals(store.logConfig("readings").retentionMs, 60_000);
  await store.close();
  await using again = await LogStore.open({ dir: dir.path, fsync: "none" });
  assertEquals(again.topic("readings"), created);
  assertEquals(again.partition("readings", 2)!.highWatermark, 4);
  assertEquals(again.partition("readings", 3), undefined);
  assertEquals(again.partition("nope", 0), undefined);
});

Deno.test("LogStore: admin errors are typed", async () => {
  await using store = await LogStore.open({ dir: "", memory: true });
  await store.createTopic("t");
  await assertRejects(() => store.createTopic("t"), TopicExistsError);
  await assertRejects(() => store.createTopic("bad/name"), InvalidTopicError);
  await assertRejects(() => store.createTopic(".."), InvalidTopicError);
  await assertRejects(() => store.createTopic("x".repeat(250)), InvalidTopicError);
  await assertRejects(() => store.createTopic("p0", { partitions: 0 }), InvalidPartitionsError);
  await assertRejects(
    () => store.createTopic("c", { configs: { "cleanup.policy": "shred" } }),
    InvalidConfigError,
  );
  await assertRejects(() => store.createPartitions("t", 1), InvalidPartitionsError);
  await assertRejects(() => store.deleteTopic("missing"), UnknownTopicError);
  await assertRejects(() => store.setTopicConfigs("missing", {}), UnknownTopicError);
  assertEquals(store.listTopics().map((t) => t.name), ["t"]);
});

Deno.test("LogStore: delete then re-create starts empty with a new topic id", async () => {
  await using dir = await tempDir();
  await using store = await LogStore.open({ dir: dir.path, fsync: "none" });
  const first = await store.createTopic("t", { partitions: 2 });
  await store.partition("t", 1)!.append(batchOf(3));
  await store.deleteTopic("t");
  assertEquals(store.topic("t"), undefined);
  const second = await store.createTopic("t", { partitions: 2 });
  assertNotEquals(second.topicId, first.topicId);
  assertEquals(store.partition("t", 1)!.highWatermark, 0);
  const names: string[] = [];
  for await (const e of Deno.readDir(dir.path)) names.push(e.name);
  assertEquals(names.sort(), ["t-0", "t-1", "topics.json"]);
});

Deno.test("LogStore: createPartitions and setTopicConfigs take effect", async () => {
  await using dir = await tempDir();
  let now = 0;
  await using store = await LogStore.open({
    dir: dir.path,
    fsync: "none",
    now: () => now,
    defaults: { segmentBytes: 150 },
  });
  await store.createTopic("t");
  assertEquals((await store.createPartitions("t", 3)).partitions, 3);
  assertExists(store.partition("t", 2));
  const log = store.partition("t", 0)!;
  for (let i = 0; i < 4; i++) await log.append(batchOf(5, 1000 * i));
  now = 10_000;
  assertEquals((await store.maintain()).segmentsDeleted, 0, "default retention is 7 days");
  await store.setTopicConfigs("t", { "retention.ms": "5000" });
  assertEquals((await store.maintain()).segmentsDeleted, 3);
  assert(log instanceof FileLog);
  assertEquals(log.logStartOffset, 15);
});

Deno.test("LogStore: concurrent createTopic of one name creates it once", async () => {
  await using store = await LogStore.open({ dir: "", memory: true });
  const results = await Promise.allSettled([store.createTopic("t"), store.createTopic("t")]);
  assertEquals(results.map((r) => r.status).sort(), ["fulfilled", "rejected"]);
});

Deno.test("LogStore: signals each readable append and topic deletion itself", async () => {
  for (const memory of [true, false]) {
    await using dir = await tempDir();
    const store = await LogStore.open({ dir: dir.path, memory, fsync: "always" });
    await store.createTopic("sig", { partitions: 2 });
    const other = store.appends.wait([["sig", 1]], 20);
    const woken = store.appends.wait([["sig", 0]], 10_000);
    let hwmWhenWoken = -1;
    woken.then(() => hwmWhenWoken = store.partition("sig", 0)!.highWatermark);
    await store.partition("sig", 0)!.append(batchOf(2));
    assertEquals(await woken, true, `memory=${memory}`);
    assertEquals(hwmWhenWoken, 2, "woken only once the append is readable");
    assertEquals(await other, false, "other partitions are not woken");
    const deleted = store.appends.wait([["sig", 1]], 10_000);
    await store.deleteTopic("sig");
    assertEquals(await deleted, true);
    assertEquals(store.appends.waitingPartitions, 0);
    await store.close();
  }
});
