/**
 * CRC-32C and batch validation/decoding throughput. Run: `deno bench broker/records/`.
 *
 * @module
 */
import { crc32c } from "./crc32c.ts";
import { buildRecordBatch } from "./batch_builder.ts";
import { validateBatch } from "./record_batch.ts";
import { iterateRecords } from "./record.ts";

const megabyte = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 31) & 0xff);
const value = new Uint8Array(100).fill(0x61);
const batch = buildRecordBatch(
  Array.from({ length: 100 }, (_, i) => ({ timestamp: 1_700_000_000_000 + i, value })),
);

Deno.bench("crc32c over 1 MiB", () => {
  crc32c(megabyte);
});

Deno.bench("validateBatch (CRC) of a 100 x 100-byte batch", () => {
  validateBatch(batch);
});

Deno.bench("iterateRecords of a 100 x 100-byte batch", () => {
  let n = 0;
  for (const _ of iterateRecords(batch)) n++;
  if (n !== 100) throw new Error("bad count");
});
