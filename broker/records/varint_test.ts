import { assertEquals, assertThrows } from "@std/assert";
import { readVarint, varintSize, writeVarint } from "./varint.ts";
import { CorruptBatchError } from "./errors.ts";

Deno.test("varint: known zigzag encodings", () => {
  const cases: [number, number[]][] = [
    [0, [0]],
    [-1, [1]],
    [1, [2]],
    [-2, [3]],
    [63, [0x7e]],
    [-64, [0x7f]],
    [64, [0x80, 0x01]],
    [2147483647, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
    [-2147483648, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ];
  for (const [value, bytes] of cases) {
    const out = new Uint8Array(10);
    const end = writeVarint(out, 0, value);
    assertEquals([...out.subarray(0, end)], bytes, `encode ${value}`);
    assertEquals(varintSize(value), bytes.length);
    assertEquals(readVarint({ bytes: Uint8Array.from(bytes), pos: 0, end: bytes.length }), value);
  }
});

Deno.test("varint: round trip of large 64-bit values", () => {
  for (const v of [1_700_000_000_000, -1_700_000_000_000, 2 ** 52, -(2 ** 52)]) {
    const out = new Uint8Array(10);
    const end = writeVarint(out, 0, v);
    assertEquals(readVarint({ bytes: out, pos: 0, end }), v);
  }
});

Deno.test("varint: truncated input is a CorruptBatchError", () => {
  assertThrows(() => readVarint({ bytes: Uint8Array.of(0x80), pos: 0, end: 1 }), CorruptBatchError);
});
