import { assertEquals, assertRejects } from "@std/assert";
import { MetadataStore } from "./metadata_store.ts";
import { StorageClosedError } from "./errors.ts";

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "metastore-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

Deno.test("MetadataStore: sets, deletes and atomic changes survive a reopen", async () => {
  await using dir = await tempDir();
  const store = await MetadataStore.open(dir.path);
  await store.set("offsets/g1/t/0", { offset: 5, metadata: "" });
  await store.set("producers/7", { epoch: 1, lastSequence: { "t-0": 4 } });
  await store.apply({
    set: { "txn/a": "Ongoing", "offsets/g1/t/1": { offset: 9, metadata: "m" } },
  });
  await store.delete("txn/a");
  assertEquals(store.entries("offsets/g1/").map(([k]) => k), ["offsets/g1/t/0", "offsets/g1/t/1"]);
  await store.close();
  await store.close();
  await assertRejects(() => store.set("x", 1), StorageClosedError);
  await using again = await MetadataStore.open(dir.path);
  assertEquals(again.get("offsets/g1/t/1"), { offset: 9, metadata: "m" });
  assertEquals(again.get("producers/7"), { epoch: 1, lastSequence: { "t-0": 4 } });
  assertEquals([again.get("txn/a"), again.size, again.truncatedBytes], [undefined, 3, 0]);
});

Deno.test("MetadataStore: a torn or corrupt changelog tail is cut off on open", async () => {
  await using dir = await tempDir();
  const store = await MetadataStore.open(dir.path);
  await store.set("a", 1);
  await store.set("b", 2);
  await store.close();
  const path = `${dir.path}/changelog.log`;
  const bytes = await Deno.readFile(path);
  const corrupt = bytes.slice();
  corrupt[corrupt.length - 2] ^= 0x01; // flips a byte inside the second entry's JSON
  await Deno.writeFile(path, corrupt);
  {
    await using reopened = await MetadataStore.open(dir.path);
    assertEquals([reopened.get("a"), reopened.get("b")], [1, undefined]);
    assertEquals(reopened.truncatedBytes, bytes.length / 2); // both entries are the same size
    await reopened.set("c", 3); // appends after the cut, not after the garbage
  }
  await Deno.writeFile(path, new Uint8Array([0, 0, 0]), { append: true }); // torn length prefix
  await using last = await MetadataStore.open(dir.path);
  assertEquals(last.entries(), [["a", 1], ["c", 3]]);
  assertEquals(last.truncatedBytes, 3);
});

Deno.test("MetadataStore: snapshots replace the changelog; a stale temp snapshot is ignored", async () => {
  await using dir = await tempDir();
  const store = await MetadataStore.open(dir.path, { snapshotEvery: 3 });
  await Promise.all(Array.from({ length: 7 }, (_, i) => store.set(`k${i}`, i)));
  await store.delete("k0");
  await store.close();
  await Deno.writeTextFile(`${dir.path}/snapshot.json.tmp`, "{ half-writ");
  await using again = await MetadataStore.open(dir.path);
  assertEquals(again.entries().map(([k, v]) => `${k}=${v}`), [
    "k1=1",
    "k2=2",
    "k3=3",
    "k4=4",
    "k5=5",
    "k6=6",
  ]);
  assertEquals((await Deno.stat(`${dir.path}/changelog.log`)).size < 200, true);
});
