import { assertEquals } from "@std/assert";
import { MetadataStore } from "../storage/mod.ts";
import { TxnLogIndex } from "./log_index.ts";

Deno.test("txn log index: LSO is the earliest open transaction, else the HWM", async () => {
  const dir = await Deno.makeTempDir({ prefix: "txn-index-" });
  try {
    await using store = await MetadataStore.open(dir, { fsync: false });
    const index = new TxnLogIndex(store);
    assertEquals(index.lastStableOffset("t", 0, 10), 10);
    index.begin("t", 0, 1, 4);
    index.begin("t", 0, 2, 2);
    index.begin("t", 0, 2, 8); // a later batch of the same txn does not move its start
    index.begin("t", 1, 3, 0);
    assertEquals(index.lastStableOffset("t", 0, 10), 2);
    assertEquals(index.openFirstOffset("t", 0, 2), 2);
    await index.complete("t", 0, 2, 9, false);
    assertEquals(index.lastStableOffset("t", 0, 10), 4);
    await index.complete("t", 0, 1, 10, true);
    assertEquals(index.lastStableOffset("t", 0, 11), 11);
    assertEquals(index.lastStableOffset("t", 1, 11), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("txn log index: aborted transactions overlap queries, persist, prune and drop", async () => {
  const dir = await Deno.makeTempDir({ prefix: "txn-index-" });
  try {
    let store = await MetadataStore.open(dir, { fsync: false });
    let index = new TxnLogIndex(store);
    index.begin("t", 0, 1, 0);
    await index.complete("t", 0, 1, 5, true);
    index.begin("t", 0, 2, 10);
    await index.complete("t", 0, 2, 20, true);
    index.begin("u", 0, 2, 0);
    await index.complete("u", 0, 2, 1, true);
    await store.close();

    store = await MetadataStore.open(dir, { fsync: false });
    index = new TxnLogIndex(store);
    const a = { producerId: 1, firstOffset: 0, lastOffset: 5 };
    const b = { producerId: 2, firstOffset: 10, lastOffset: 20 };
    assertEquals(index.abortedTransactions("t", 0, 0, 100), [a, b]);
    assertEquals(index.abortedTransactions("t", 0, 6, 10), [], "between the two");
    assertEquals(index.abortedTransactions("t", 0, 5, 6), [a]);
    assertEquals(index.abortedTransactions("t", 0, 15, 16), [b]);
    await index.prune("t", 0, 6);
    assertEquals(index.abortedTransactions("t", 0, 0, 100), [b]);
    await index.dropTopic("t");
    assertEquals(index.abortedTransactions("t", 0, 0, 100), []);
    assertEquals(index.abortedTransactions("u", 0, 0, 100).length, 1);
    await store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
