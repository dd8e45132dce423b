import { assertEquals, assertThrows } from "@std/assert";
import { byteSum, childCpuSeconds, referenceChecksum, viewsOf } from "./kafka_consume.ts";
import { median } from "./kafka_report.ts";

Deno.test("byteSum() adds every byte of a range, wherever it starts and however long", () => {
  const bytes = Uint8Array.from({ length: 2000 }, (_, i) => (i * 37 + 11) % 256);
  const views = viewsOf(bytes.buffer);
  const plain = (start: number, end: number, sum = 0) => {
    for (let i = start; i < end; i++) sum = (sum + bytes[i]) | 0;
    return sum;
  };
  for (const [start, end] of [[0, 0], [0, 3], [1, 8], [3, 103], [5, 1999], [0, 2000], [2, 6]]) {
    assertEquals(byteSum(views, start, end, 7), plain(start, end, 7), `${start}..${end}`);
  }
  // All-0xff words over more than one fold (lanes emptied before they overflow), wrapping sum.
  const ff = new Uint8Array(4096).fill(255);
  assertEquals(byteSum(viewsOf(ff.buffer), 0, 4096, 0x7fffffff), (0x7fffffff + 4096 * 255) | 0);
});

Deno.test("referenceChecksum() equals byteSum() over the payloads written as one buffer", () => {
  const n = 1234;
  const all = new Uint8Array(n * 100 + 1).fill(0x78);
  const encoder = new TextEncoder();
  for (let i = 0; i < n; i++) encoder.encodeInto(String(i), all.subarray(1 + i * 100));
  const views = viewsOf(all.buffer);
  let sum = 0;
  // Payloads start at odd positions, as in a consumed batch's buffer.
  for (let i = 0; i < n; i++) sum = byteSum(views, 1 + i * 100, 1 + i * 100 + 100, sum);
  assertEquals(referenceChecksum(n), sum);
});

Deno.test("childCpuSeconds() reads the children's line of the shell's times", () => {
  assertEquals(childCpuSeconds("0m0.010000s 0m0.000000s\n0m1.250000s 0m0.180000s\n"), 1.43);
  assertEquals(childCpuSeconds("0m0.00s 0m0.00s\n1m2.50s 0m0.50s"), 63);
  assertThrows(() => childCpuSeconds("garbage"), Error, "cannot read CPU times");
});

Deno.test("median() takes the middle value, or the mean of the middle two", () => {
  assertEquals(median([3, 1, 2]), 2);
  assertEquals(median([4, 1, 3, 2]), 2.5);
  assertThrows(() => median([]), RangeError);
});
