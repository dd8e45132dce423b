/**
 * The behaviour every {@linkcode PartitionLog} backend must show, written once and run against
 * each backend from its `*_test.ts` (like hono's `common.case.test.ts`).
 *
 * @module
 */
import { assert, assertEquals, assertRejects } from "@std/assert";
import {
  buildControlBatch,
  buildRecordBatch,
  CorruptBatchError,
  iterateRecords,
  readBatchHeader,
  splitBatches,
  validateBatch,
} from "../records/mod.ts";
import { DEFAULT_LOG_CONFIG, type LogConfig } from "./log_config.ts";
import { OffsetOutOfRangeError, RecordTooLargeError, StorageClosedError } from "./errors.ts";
import type { PartitionLog } from "./partition_log.ts";

/** What a backend factory receives. */
export interface LogFactoryOptions {
  /** Log settings. */
  config: LogConfig;
  /** The clock to use. */
  now: () => number;
}

/** Creates a fresh, empty log; disposing the result removes its resources. */
export type LogFactory = (options: LogFactoryOptions) => Promise<PartitionLog & AsyncDisposable>;

const enc = new TextEncoder();

/** A batch of `n` records with values `v0..`, timestamps `ts, ts+1, ...`. */
export function batchOf(n: number, ts = 1000, key?: string): Uint8Array {
  return buildRecordBatch(
    Array.from({ length: n }, (_, i) => ({
      timestamp: ts + i,
      key: key === undefined ? null : enc.encode(key),
      value: enc.encode(`v${i}`),
    })),
  );
}

const offsetsOf = (batches: Uint8Array[]) =>
  batches.map((b) => {
    const h = readBatchHeader(b);
    return [h.baseOffset, h.baseOffset + h.lastOffsetDelta];
  });

/** Registers the contract tests for `name` with Deno.test. */
export function partitionLogContract(name: string, factory: LogFactory): void {
  const open = (overrides: Partial<LogConfig> = {}, now = () => 5000) =>
    factory({ config: { ...DEFAULT_LOG_CONFIG, ...overrides }, now });

  Deno.test(`${name}: empty log reads nothing and rejects offsets past the end`, async () => {
    await using log = await open();
    assertEquals([log.logStartOffset, log.highWatermark, log.sizeBytes], [0, 0, 0]);
    assertEquals(await log.read(0, 1000), []);
    await assertRejects(() => log.read(1, 1000), OffsetOutOfRangeError);
    assertEquals(await log.offsetForTimestamp(0), null);
  });

  Deno.test(`${name}: append assigns consecutive offsets and stamps the batch`, async () => {
    await using log = await open();
    assertEquals(await log.append(batchOf(3)), {
      baseOffset: 0,
      lastOffset: 2,
      logAppendTime: -1,
      logStartOffset: 0,
    });
    const r = await log.append(batchOf(2), { leaderEpoch: 4 });
    assertEquals([r.baseOffset, r.lastOffset, log.highWatermark], [3, 4, 5]);
    const [first, second] = await log.read(0, 1 << 20);
    const h = validateBatch(second);
    assertEquals([h.baseOffset, h.partitionLeaderEpoch], [3, 4]);
    assertEquals(validateBatch(first).partitionLeaderEpoch, 0);
    assertEquals([...iterateRecords(second)].map((x) => x.offset), [3, 4]);
    assertEquals(log.sizeBytes, first.length + second.length);
  });

  Deno.test(`${name}: stores real client batches byte for byte`, async () => {
    await using log = await open();
    const file = new URL("../records/testdata/kcat_segment.log.bin", import.meta.url);
    const originals = splitBatches(Deno.readFileSync(file)).batches;
    for (const b of originals) await log.append(b.slice());
    const stored = await log.read(0, 1 << 20);
    assertEquals(stored, originals); // the captured offsets 0,1,3,5 are the ones assigned again
  });

  Deno.test(`${name}: read returns whole batches from the one containing the offset`, async () => {
    await using log = await open();
    for (let i = 0; i < 5; i++) await log.append(batchOf(10));
    const size = (await log.read(0, 1 << 20))[0].length;
    assertEquals(offsetsOf(await log.read(15, 1 << 20)), [[10, 19], [20, 29], [30, 39], [40, 49]]);
    assertEquals(offsetsOf(await log.read(15, 2 * size)), [[10, 19], [20, 29]]);
    assertEquals(offsetsOf(await log.read(15, 2 * size - 1)), [[10, 19]]);
    assertEquals(offsetsOf(await log.read(49, 1)), [[40, 49]], "at least one batch (KIP-74)");
    assertEquals(await log.read(50, 1000), []);
  });

  Deno.test(`${name}: corrupt and oversized batches are rejected and leave the log unchanged`, async () => {
    await using log = await open({ maxMessageBytes: 200 });
    await log.append(batchOf(1));
    const bad = batchOf(2);
    bad[bad.length - 1] ^= 0xff;
    await assertRejects(() => log.append(bad), CorruptBatchError);
    await assertRejects(() => log.append(bad.subarray(0, 30)), CorruptBatchError);
    await assertRejects(() => log.append(batchOf(30)), RecordTooLargeError);
    assertEquals(log.highWatermark, 1);
    assertEquals((await log.read(0, 1000)).length, 1);
  });

  Deno.test(`${name}: only the coordinator may append control batches`, async () => {
    await using log = await open();
    await log.append(buildRecordBatch([{ timestamp: 1, value: null }], { transactional: true }));
    const marker = () =>
      buildControlBatch({ type: "commit", producerId: 3, producerEpoch: 0, timestamp: 2 });
    const e = await assertRejects(() => log.append(marker()), CorruptBatchError);
    assertEquals([e.reason, e.kafkaErrorCode], ["control-batch", 87]);
    assertEquals((await log.append(marker(), { origin: "coordinator" })).baseOffset, 1);
    assertEquals(readBatchHeader((await log.read(1, 100))[0]).isControl, true);
  });

  Deno.test(`${name}: offsetForTimestamp finds the first record at or after a time`, async () => {
    await using log = await open();
    await log.append(batchOf(5, 1000)); // offsets 0-4, ts 1000-1004
    await log.append(batchOf(5, 2000)); // offsets 5-9, ts 2000-2004
    assertEquals(await log.offsetForTimestamp(0), { offset: 0, timestamp: 1000 });
    assertEquals(await log.offsetForTimestamp(1003), { offset: 3, timestamp: 1003 });
    assertEquals(await log.offsetForTimestamp(1005), { offset: 5, timestamp: 2000 });
    assertEquals(await log.offsetForTimestamp(2004), { offset: 9, timestamp: 2004 });
    assertEquals(await log.offsetForTimestamp(2005), null);
  });

  Deno.test(`${name}: LogAppendTime topics stamp the broker clock`, async () => {
    await using log = await open({ timestampType: "logAppend" }, () => 77_000);
    const r = await log.append(batchOf(2, 5));
    assertEquals(r.logAppendTime, 77_000);
    const h = validateBatch((await log.read(0, 1000))[0]);
    assertEquals([h.timestampType, h.maxTimestamp], ["logAppend", 77_000]);
    assertEquals(await log.offsetForTimestamp(76_000), { offset: 0, timestamp: 77_000 });
  });

  Deno.test(`${name}: deleteRecordsBefore advances the start offset`, async () => {
    await using log = await open();
    for (let i = 0; i < 3; i++) await log.append(batchOf(10));
    assertEquals(await log.deleteRecordsBefore(15), 15);
    assertEquals(log.logStartOffset, 15);
    await assertRejects(() => log.read(14, 1000), OffsetOutOfRangeError);
    assertEquals(offsetsOf(await log.read(15, 1 << 20)), [[10, 19], [20, 29]]);
    assertEquals(await log.deleteRecordsBefore(3), 15, "never moves backwards");
    await assertRejects(() => log.deleteRecordsBefore(31), OffsetOutOfRangeError);
    assertEquals((await log.append(batchOf(1))).logStartOffset, 15);
  });

  Deno.test(`${name}: truncateTo drops whole batches from the one containing the offset`, async () => {
    await using log = await open();
    for (let i = 0; i < 3; i++) await log.append(batchOf(10));
    await log.truncateTo(15);
    assertEquals(log.highWatermark, 10);
    assertEquals((await log.append(batchOf(1))).baseOffset, 10);
    assertEquals(offsetsOf(await log.read(0, 1 << 20)), [[0, 9], [10, 10]]);
    await log.truncateTo(3);
    assertEquals([log.highWatermark, log.sizeBytes], [0, 0]);
    await log.truncateTo(7); // past the end: nothing to do
    assertEquals((await log.append(batchOf(1))).baseOffset, 0);
  });

  Deno.test(`${name}: concurrent appends get distinct consecutive offsets`, async () => {
    await using log = await open();
    const results = await Promise.all(Array.from({ length: 50 }, () => log.append(batchOf(2))));
    assertEquals(results.map((r) => r.baseOffset), Array.from({ length: 50 }, (_, i) => i * 2));
    assertEquals(log.highWatermark, 100);
  });

  Deno.test(`${name}: close is idempotent and later appends fail`, async () => {
    const log = await open();
    await log.append(batchOf(1));
    await log.close();
    await log.close();
    await assertRejects(() => log.append(batchOf(1)), StorageClosedError);
    await log[Symbol.asyncDispose]();
    assert(true);
  });
}
