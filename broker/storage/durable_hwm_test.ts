/**
 * FileLog with fsync "always": the high watermark is the fsynced prefix, and `onAssign` runs
 * before a batch is readable. A held fsync shows the instant between write and durability.
 */
import { assertEquals } from "@std/assert";
import { buildRecordBatch } from "../records/mod.ts";
import { FileLog } from "./file_log.ts";
import { HeldSync } from "./held_sync_test_util.ts";

function batch(n: number): Uint8Array {
  return buildRecordBatch(
    Array.from({ length: n }, () => ({ timestamp: 1, value: new Uint8Array([7]) })),
  );
}

Deno.test("fsync always: a batch becomes readable only once its fsync completes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "durable-hwm-" });
  const held = new HeldSync();
  const log = await FileLog.open(dir, { fsync: "always", sync: held.sync });
  try {
    await log.append(batch(2));
    held.hold();
    const assigned: number[] = [];
    const appending = log.append(batch(3), {
      onAssign: (base, last) => assigned.push(base, last, log.logEndOffset),
    });
    await held.requested();
    // onAssign ran before the write: the log end had not moved yet.
    assertEquals(assigned, [2, 4, 2]);
    assertEquals([log.logEndOffset, log.highWatermark], [5, 2]);
    assertEquals((await log.read(0, 1 << 20)).length, 1, "only the durable batch");
    assertEquals(await log.read(2, 1 << 20), [], "at the high watermark: empty, not an error");
    assertEquals(await log.offsetForTimestamp(0), { offset: 0, timestamp: 1 });
    held.release();
    assertEquals((await appending).baseOffset, 2);
    assertEquals([log.logEndOffset, log.highWatermark], [5, 5]);
    assertEquals((await log.read(0, 1 << 20)).length, 2);
  } finally {
    held.release();
    await log.close();
    await Deno.remove(dir, { recursive: true });
  }
});

async function withLog(fsync: "always" | "none", body: (log: FileLog) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "durable-hwm-" });
  const log = await FileLog.open(dir, { fsync });
  try {
    await body(log);
  } finally {
    await log.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("fsync none: the high watermark is the log end offset", async () => {
  await withLog("none", async (log) => {
    await log.append(batch(3));
    assertEquals([log.logEndOffset, log.highWatermark], [3, 3]);
  });
});

Deno.test("truncateTo lowers the high watermark with the log end", async () => {
  await withLog("always", async (log) => {
    await log.append(batch(3));
    await log.append(batch(3));
    await log.truncateTo(3);
    assertEquals([log.logEndOffset, log.highWatermark], [3, 3]);
  });
});
