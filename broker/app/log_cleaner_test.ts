import { assertEquals } from "@std/assert";
import { silentLogger } from "@iot/service";
import { waitFor } from "@iot/testing";
import { readBatchHeader, splitBatches } from "../records/mod.ts";
import { batchOf } from "../storage/partition_log_contract_test_util.ts";
import { LogStore } from "../storage/mod.ts";
import { LogCleaner } from "./log_cleaner.ts";

async function recordCount(store: LogStore, topic: string): Promise<number> {
  const log = store.partition(topic, 0)!;
  const chunks = await log.read(log.logStartOffset, 1 << 20);
  let n = 0;
  for (const chunk of chunks) {
    for (const b of splitBatches(chunk).batches) n += readBatchHeader(b).recordsCount;
  }
  return n;
}

Deno.test("LogCleaner compacts a compacted topic soon after a roll, and only such topics", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cleaner-" });
  const store = await LogStore.open({ dir, fsync: "none" });
  const cleaner = new LogCleaner({ store, backoffMs: 20, logger: silentLogger });
  try {
    const tiny = { "segment.bytes": "120" };
    await store.createTopic("c", { configs: { ...tiny, "cleanup.policy": "compact" } });
    await store.createTopic("d", { configs: tiny });
    // Ten one-record batches of the same key: each rolls a segment; compaction keeps the last.
    for (let i = 0; i < 10; i++) {
      for (const t of ["c", "d"]) await store.partition(t, 0)!.append(batchOf(1, 1000 + i, "k"));
    }
    assertEquals(await recordCount(store, "c"), 10);
    await waitFor(async () => await recordCount(store, "c") <= 2, {
      timeoutMs: 10_000,
      message: "compaction of the closed segments of c",
    });
    assertEquals(await recordCount(store, "d"), 10, "a delete-policy topic is left alone");
  } finally {
    await cleaner.close();
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
