import { assertEquals } from "@std/assert";
import { crc32c } from "./crc32c.ts";

const ascii = (s: string) => new TextEncoder().encode(s);

/** Bit-at-a-time reference implementation to cross-check the sliced one. */
function reference(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

Deno.test("crc32c: standard check value", () => {
  assertEquals(crc32c(ascii("123456789")), 0xe3069283);
});

Deno.test("crc32c: RFC 3720 vectors", () => {
  assertEquals(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assertEquals(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assertEquals(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assertEquals(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
  assertEquals(crc32c(new Uint8Array(0)), 0);
});

Deno.test("crc32c: matches bitwise reference at every length and split", () => {
  const data = Uint8Array.from({ length: 100 }, (_, i) => (i * 131 + 7) & 0xff);
  for (let n = 0; n <= data.length; n++) {
    const part = data.subarray(0, n);
    assertEquals(crc32c(part), reference(part), `length ${n}`);
    const split = n >> 1;
    assertEquals(crc32c(part.subarray(split), crc32c(part.subarray(0, split))), reference(part));
  }
});
