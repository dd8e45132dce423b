import { assertEquals } from "@std/assert";
import { buildRecordBatch } from "../records/mod.ts";
import { cutBatchesAt } from "./stable_read.ts";

function batch(baseOffset: number, n: number): Uint8Array {
  return buildRecordBatch(
    Array.from({ length: n }, () => ({ timestamp: 1, value: new Uint8Array([7]) })),
    { baseOffset },
  );
}

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

Deno.test("cutBatchesAt keeps whole batches starting below the limit", () => {
  const [a, b, c] = [batch(0, 2), batch(2, 3), batch(5, 1)];
  const adjacent = join(a, b, c);
  assertEquals(cutBatchesAt([adjacent], 100).lastOffset, 5);
  const cut = cutBatchesAt([adjacent], 5);
  assertEquals(cut.chunks, [adjacent.subarray(0, a.length + b.length)]);
  assertEquals(cut.lastOffset, 4);
  // A limit inside a batch keeps that batch (clients skip what they do not need).
  assertEquals(cutBatchesAt([a, b, c], 3), { chunks: [a, b], lastOffset: 4 });
  assertEquals(cutBatchesAt([a, b, c], 0), { chunks: [], lastOffset: -1 });
  // A trailing partial batch is dropped.
  const partial = join(a, b.subarray(0, 70));
  assertEquals(cutBatchesAt([partial], 100).chunks, [partial.subarray(0, a.length)]);
});
