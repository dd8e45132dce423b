import { assertEquals, assertThrows } from "@std/assert";
import { checksum, childCpuSeconds, referenceChecksum } from "./kafka_consume.ts";
import { median } from "./kafka_report.ts";

Deno.test("checksum() sums little-endian words, then the last bytes one by one", () => {
  const bytes = new Uint8Array([1, 0, 0, 0, 0, 1, 0, 0, 7, 9]);
  const view = new DataView(bytes.buffer);
  // words 1 and 256, then bytes 7 and 9
  assertEquals(checksum(view, bytes, 0, bytes.length, 0), 1 + 256 + 7 + 9);
  // a window at an odd offset, 1..8: the word [0,0,0,0], then the bytes 1, 0, 0
  assertEquals(checksum(view, bytes, 1, 8, 5), 5 + 0 + 1);
  // wraps at 32 bits like the consumer side does
  const ff = new Uint8Array([255, 255, 255, 127]);
  assertEquals(checksum(new DataView(ff.buffer), ff, 0, 4, 1), (0x7fffffff + 1) | 0);
});

Deno.test("referenceChecksum() equals the checksum of the payloads written as one buffer", () => {
  const n = 1234;
  const all = new Uint8Array(n * 100).fill(0x78);
  const encoder = new TextEncoder();
  let sum = 0;
  const view = new DataView(all.buffer);
  for (let i = 0; i < n; i++) {
    encoder.encodeInto(String(i), all.subarray(i * 100));
    sum = checksum(view, all, i * 100, i * 100 + 100, sum);
  }
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
