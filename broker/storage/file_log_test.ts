import { assert, assertEquals, assertGreater, assertLess } from "@std/assert";
import { buildRecordBatch, iterateRecords, readBatchHeader } from "../records/mod.ts";
import { FileLog, type FileLogOptions } from "./file_log.ts";
import { DEFAULT_LOG_CONFIG, type LogConfig } from "./log_config.ts";
import { batchOf } from "./partition_log_contract_test_util.ts";
import { segmentName } from "./segment.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "filelog-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

function options(config: Partial<LogConfig>, extra: FileLogOptions = {}): FileLogOptions {
  return { config: { ...DEFAULT_LOG_CONFIG, ...config }, fsync: "none", ...extra };
}

const logFile = (dir: string, base: number, ext = "log") => `${dir}/${segmentName(base)}.${ext}`;

async function allOffsets(log: FileLog): Promise<number[]> {
  const out: number[] = [];
  for (const b of await log.read(log.logStartOffset, 1 << 24)) {
    for (const r of iterateRecords(b)) out.push(r.offset);
  }
  return out;
}

Deno.test("FileLog: data, offsets and segments survive a reopen", async () => {
  await using dir = await tempDir();
  const opts = options({ segmentBytes: 400 });
  const log = await FileLog.open(dir.path, opts);
  for (let i = 0; i < 10; i++) await log.append(batchOf(5, 1000 * i));
  const segments = log.segmentBaseOffsets;
  assertGreater(segments.length, 2);
  const before = await log.read(0, 1 << 20);
  await log.close();
  await using again = await FileLog.open(dir.path, opts);
  assertEquals(again.recovery, { truncatedBytes: 0, removedFiles: [] });
  assertEquals([again.segmentBaseOffsets, again.highWatermark], [segments, 50]);
  assertEquals(await again.read(0, 1 << 20), before);
  assertEquals(await again.offsetForTimestamp(7002), { offset: 37, timestamp: 7002 });
  assertEquals((await again.append(batchOf(1))).baseOffset, 50);
  assert((await Deno.stat(logFile(dir.path, segments[1], "index"))).size > 0);
});

Deno.test("FileLog: rolls the active segment by segment.ms on the injected clock", async () => {
  await using dir = await tempDir();
  let now = 0;
  await using log = await FileLog.open(dir.path, options({ segmentMs: 100 }, { now: () => now }));
  await log.append(batchOf(1));
  now = 50;
  await log.append(batchOf(1));
  assertEquals(log.segmentBaseOffsets, [0]);
  now = 100;
  await log.append(batchOf(1));
  assertEquals(log.segmentBaseOffsets, [0, 2]);
});

Deno.test("FileLog: recovery truncates a torn tail and keeps earlier batches", async () => {
  await using dir = await tempDir();
  const log = await FileLog.open(dir.path, options({}));
  for (let i = 0; i < 3; i++) await log.append(batchOf(4));
  const size = log.sizeBytes;
  await log.close();
  await Deno.truncate(logFile(dir.path, 0), size - 10); // crash mid-write of the third batch
  await using again = await FileLog.open(dir.path, options({}));
  assertEquals(again.highWatermark, 8);
  assertEquals(again.recovery.truncatedBytes, size - 10 - (size / 3) * 2);
  assertEquals(await allOffsets(again), [0, 1, 2, 3, 4, 5, 6, 7]);
  assertEquals((await again.append(batchOf(1))).baseOffset, 8);
});

Deno.test("FileLog: recovery drops a tail batch with a corrupt byte", async () => {
  await using dir = await tempDir();
  const log = await FileLog.open(dir.path, options({}));
  for (let i = 0; i < 3; i++) await log.append(batchOf(4));
  const size = log.sizeBytes;
  await log.close();
  const bytes = await Deno.readFile(logFile(dir.path, 0));
  bytes[size - 3] ^= 0x20;
  await Deno.writeFile(logFile(dir.path, 0), bytes);
  await using again = await FileLog.open(dir.path, options({}));
  assertEquals([again.highWatermark, again.sizeBytes], [8, (size / 3) * 2]);
  assertEquals(again.recovery.truncatedBytes, size / 3);
});

Deno.test("FileLog: missing or garbage indexes of closed segments are rebuilt", async () => {
  await using dir = await tempDir();
  const opts = options({ segmentBytes: 1000, indexIntervalBytes: 100 });
  const log = await FileLog.open(dir.path, opts);
  for (let i = 0; i < 20; i++) await log.append(batchOf(3, 100 * i));
  const [first, second] = log.segmentBaseOffsets;
  await log.close();
  const index = await Deno.readFile(logFile(dir.path, first, "index"));
  const timeIndex = await Deno.readFile(logFile(dir.path, first, "timeindex"));
  assertGreater(index.length, 8);
  await Deno.remove(logFile(dir.path, first, "index"));
  await Deno.writeFile(logFile(dir.path, second, "index"), Uint8Array.of(0, 0, 0, 9, 0, 0, 0, 0));
  await Deno.writeFile(logFile(dir.path, second, "timeindex"), new Uint8Array(5));
  await using again = await FileLog.open(dir.path, opts);
  assertEquals(await Deno.readFile(logFile(dir.path, first, "index")), index);
  assertEquals(await Deno.readFile(logFile(dir.path, first, "timeindex")), timeIndex);
  assertEquals(await allOffsets(again), Array.from({ length: 60 }, (_, i) => i));
  assertEquals(await again.offsetForTimestamp(1301), { offset: 40, timestamp: 1301 });
  assertEquals(await again.offsetForTimestamp(1303), { offset: 42, timestamp: 1400 });
});

Deno.test("FileLog: retention by time deletes whole old segments and persists the start", async () => {
  await using dir = await tempDir();
  let now = 0;
  const opts = options({ segmentBytes: 150, retentionMs: 1000 }, { now: () => now });
  const log = await FileLog.open(dir.path, opts);
  for (let i = 0; i < 6; i++) await log.append(batchOf(5, 1000 * i)); // ~110 bytes: one per segment
  assertEquals(log.segmentBaseOffsets, [0, 5, 10, 15, 20, 25]);
  now = 3500; // segments with max timestamp < 2500 go: ts 1004 and 2004 (and 4)
  assertEquals(await log.applyRetention(), 3);
  assertEquals([log.logStartOffset, log.segmentBaseOffsets], [15, [15, 20, 25]]);
  now = 1e9;
  assertEquals(await log.applyRetention(), 2, "the active segment is never deleted");
  await log.close();
  await using again = await FileLog.open(dir.path, opts);
  assertEquals([again.logStartOffset, again.highWatermark], [25, 30]);
});

Deno.test("FileLog: retention by bytes keeps the newest segments under the limit", async () => {
  await using dir = await tempDir();
  await using log = await FileLog.open(dir.path, options({ segmentBytes: 150, retentionMs: -1 }));
  for (let i = 0; i < 6; i++) await log.append(batchOf(5));
  const segment = log.sizeBytes / 6;
  log.config = { ...log.config, retentionBytes: segment * 2 };
  assertEquals(await log.applyRetention(), 4);
  assertEquals([log.segmentBaseOffsets, log.logStartOffset], [[20, 25], 20]);
  log.config = { ...log.config, cleanupPolicy: { delete: false, compact: true } };
  assertEquals(await log.applyRetention(), 0, "compact-only topics keep everything");
});

function keyed(records: [string, string | null, number?][]): Uint8Array {
  return buildRecordBatch(records.map(([k, v, ts]) => ({
    timestamp: ts ?? 1000,
    key: enc.encode(k),
    value: v === null ? null : enc.encode(v),
  })));
}

async function contents(log: FileLog): Promise<string[]> {
  const out: string[] = [];
  for (const b of await log.read(log.logStartOffset, 1 << 24)) {
    for (const r of iterateRecords(b)) {
      out.push(`${r.offset}:${dec.decode(r.key!)}=${r.value === null ? "∅" : dec.decode(r.value)}`);
    }
  }
  return out;
}

Deno.test("FileLog: compaction keeps the latest value per key and leaves the active segment", async () => {
  await using dir = await tempDir();
  let now = 10_000;
  const config = {
    segmentBytes: 120, // one batch per segment
    cleanupPolicy: { delete: false, compact: true },
    deleteRetentionMs: 5_000,
  };
  const opts = options(config, { now: () => now });
  const log = await FileLog.open(dir.path, opts);
  await log.append(keyed([["a", "1"], ["b", "1"]])); // 0-1
  await log.append(keyed([["a", "2"], ["c", "1"]])); // 2-3
  await log.append(keyed([["b", null, 9_000], ["c", "2"]])); // 4-5, b deleted
  await log.append(keyed([["a", "3"]])); // 6, in the active segment
  assertEquals(log.segmentBaseOffsets, [0, 2, 4, 6]);
  const result = await log.compact();
  assertEquals(result.recordsRemoved, 3); // a=1, b=1, c=1 (a=2 stays: a=3 is in the active segment)
  assertEquals(result.segmentsRewritten, 2); // segment 4 (tombstone b, c=2) is unchanged
  assertEquals(await contents(log), ["2:a=2", "4:b=∅", "5:c=2", "6:a=3"]);
  assertEquals(log.highWatermark, 7);
  now = 14_001; // the tombstone (ts 9000) is now older than delete.retention.ms
  assertEquals((await log.compact()).recordsRemoved, 1);
  assertEquals(await contents(log), ["2:a=2", "5:c=2", "6:a=3"]);
  const batch = (await log.read(4, 1000))[0];
  assertEquals([readBatchHeader(batch).baseOffset, readBatchHeader(batch).lastOffsetDelta], [4, 1]);
  await log.close();
  await using again = await FileLog.open(dir.path, opts);
  assertEquals(await contents(again), ["2:a=2", "5:c=2", "6:a=3"]);
  assertEquals((await again.append(keyed([["d", "1"]]))).baseOffset, 7);
});

Deno.test("FileLog: compaction rewrites a gzip batch from kcat without superseded keys", async () => {
  await using dir = await tempDir();
  const config = { segmentBytes: 120, cleanupPolicy: { delete: false, compact: true } };
  await using log = await FileLog.open(dir.path, options(config));
  const gzip = await Deno.readFile(
    new URL("../records/testdata/kcat_gzip_segment.log.bin", import.meta.url),
  ); // one gzip batch, keys k1..k20 at offsets 0-19
  await log.append(gzip);
  await log.append(keyed([["k1", "new"], ["k20", null, Date.now()]])); // 20-21
  await log.append(keyed([["z", "active"]])); // 22, rolls: the first two segments are closed
  assertEquals(log.segmentBaseOffsets, [0, 20, 22]);
  assertEquals((await log.compact()).recordsRemoved, 2);
  const stored = await contents(log);
  assertEquals(stored.length, 21);
  assertEquals(stored.slice(0, 2), [
    "1:k2=value value value value 2",
    "2:k3=value value value value 3",
  ]);
  assertEquals(stored.slice(-3), ["20:k1=new", "21:k20=∅", "22:z=active"]);
  const h = readBatchHeader((await log.read(0, 1))[0]);
  assertEquals([h.compression, h.baseOffset, h.lastOffsetDelta, h.recordsCount], [0, 0, 19, 18]);
});

Deno.test("FileLog: reads and appends keep working while compaction runs", async () => {
  await using dir = await tempDir();
  const config = { segmentBytes: 120, cleanupPolicy: { delete: false, compact: true } };
  await using log = await FileLog.open(dir.path, options(config));
  for (let i = 0; i < 20; i++) await log.append(keyed([[`k${i % 3}`, `v${i}`]]));
  let done = false;
  const compaction = log.compact().finally(() => done = true);
  let reads = 0;
  while (!done) {
    const seen = await contents(log); // old or new segments, never a closed handle
    assert(seen.includes("19:k1=v19") && seen.includes("18:k0=v18"));
    await log.append(keyed([["x", "y"]]));
    await new Promise((resolve) => setTimeout(resolve, 0)); // yield to the compaction's I/O
    reads++;
  }
  assertGreater((await compaction).recordsRemoved, 10);
  assertGreater(reads, 0);
  const keyed20 = (await contents(log)).filter((r) => /^\d+:k/.test(r));
  assertEquals(keyed20, ["16:k1=v16", "17:k2=v17", "18:k0=v18", "19:k1=v19"]); // 19 was active
});

Deno.test("FileLog: a crash during compaction leaves the old segment; leftovers are removed", async () => {
  await using dir = await tempDir();
  const opts = options({ segmentBytes: 150 });
  const log = await FileLog.open(dir.path, opts);
  await log.append(keyed([["a", "1"], ["a", "2"]]));
  await log.append(keyed([["a", "3"]]));
  await log.close();
  const cleaned = `${logFile(dir.path, 0)}.cleaned`;
  await Deno.writeFile(cleaned, new Uint8Array(30)); // half-written compaction output
  await Deno.writeFile(`${dir.path}/log-start-offset.tmp`, enc.encode("9"));
  await using again = await FileLog.open(dir.path, opts);
  assertEquals(again.recovery.removedFiles.sort(), [
    `${segmentName(0)}.log.cleaned`,
    "log-start-offset.tmp",
  ]);
  assertEquals(await contents(again), ["0:a=1", "1:a=2", "2:a=3"]);
  assertEquals(again.logStartOffset, 0);
});

Deno.test("FileLog: fsync=always shares fsync rounds between concurrent appends", async () => {
  await using dir = await tempDir();
  await using log = await FileLog.open(dir.path, options({}, { fsync: "always" }));
  await Promise.all(Array.from({ length: 100 }, () => log.append(batchOf(1))));
  assertGreater(log.fsyncRounds, 0);
  assertLess(log.fsyncRounds, 100);
  const rounds = log.fsyncRounds;
  await log.flush();
  assertEquals(log.fsyncRounds, rounds, "nothing new to sync");
});

Deno.test("FileLog: fsync=interval acknowledges before fsync; flush and close sync", async () => {
  await using dir = await tempDir();
  const log = await FileLog.open(
    dir.path,
    options({}, { fsync: "interval", fsyncIntervalMs: 60_000 }),
  );
  await log.append(batchOf(1));
  assertEquals(log.fsyncRounds, 0);
  await log.flush();
  assertEquals(log.fsyncRounds, 1);
  await log.append(batchOf(1));
  await log.close(); // also clears the interval timer (the op sanitizer checks it)
  assertEquals(log.fsyncRounds, 2);
});
