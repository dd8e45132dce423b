/**
 * Append and read throughput of FileLog and MemoryLog with batches of 100-byte records.
 * Run: `deno bench -A broker/storage/file_log_bench.ts`.
 *
 * @module
 */
import { buildRecordBatch, readBatchHeader } from "../records/mod.ts";
import { FileLog, type FsyncPolicy } from "./file_log.ts";
import { MemoryLog } from "./memory_log.ts";
import type { PartitionLog } from "./partition_log.ts";

const value = new Uint8Array(100).fill(0x61);
const batchOf = (n: number) =>
  buildRecordBatch(
    Array.from({ length: n }, (_, i) => ({ timestamp: 1_700_000_000_000 + i, value })),
  );
const batch1 = batchOf(1); // ~170 bytes
const batch100 = batchOf(100); // ~10.7 KB

async function withFileLog(fsync: FsyncPolicy, run: (log: PartitionLog) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "filelog-bench-" });
  const log = await FileLog.open(dir, { fsync });
  try {
    await run(log);
  } finally {
    await log.close();
    await Deno.remove(dir, { recursive: true });
  }
}

for (const [name, batch] of [["1x100B", batch1], ["100x100B", batch100]] as const) {
  Deno.bench(`MemoryLog append 1000 batches of ${name}`, { group: `append ${name}` }, async () => {
    const log = new MemoryLog();
    for (let i = 0; i < 1000; i++) await log.append(batch.slice());
  });
  for (const fsync of ["none", "always"] as const) {
    Deno.bench(
      `FileLog(fsync=${fsync}) append 1000 batches of ${name} (awaited one by one)`,
      { group: `append ${name}`, baseline: fsync === "none" },
      async () => {
        await withFileLog(fsync, async (log) => {
          for (let i = 0; i < 1000; i++) await log.append(batch.slice());
        });
      },
    );
  }
  Deno.bench(
    `FileLog(fsync=always) append 1000 batches of ${name} (100 in flight, group commit)`,
    { group: `append ${name}` },
    async () => {
      await withFileLog("always", async (log) => {
        for (let i = 0; i < 10; i++) {
          await Promise.all(Array.from({ length: 100 }, () => log.append(batch.slice())));
        }
      });
    },
  );
}

Deno.bench("FileLog read 100k records (10.7 MB) in 1 MiB fetches", { group: "read" }, async (b) => {
  await withFileLog("none", async (log) => {
    for (let i = 0; i < 1000; i++) await log.append(batch100.slice());
    b.start();
    let offset = 0;
    while (offset < log.highWatermark) {
      const batches = await log.read(offset, 1 << 20);
      const h = readBatchHeader(batches[batches.length - 1]);
      offset = h.baseOffset + h.lastOffsetDelta + 1;
    }
    b.end();
  });
});
