import { assertEquals, assertThrows } from "@std/assert";
import {
  concatChunks,
  ProtocolError,
  Reader,
  uuidFromString,
  uuidToString,
  Writer,
  ZERO_COPY_THRESHOLD,
  ZERO_UUID_STRING,
} from "./wire.ts";

function code(fn: () => unknown): string {
  return assertThrows(fn, ProtocolError).code;
}

Deno.test("uvarint round-trips edge values and rejects over-long input", () => {
  for (const v of [0, 1, 127, 128, 16383, 16384, 2 ** 31 - 1, 2 ** 32 - 1]) {
    const w = new Writer(1);
    w.uvarint(v);
    assertEquals(new Reader(w.finish()).uvarint(), v);
  }
  assertEquals(
    code(() => new Reader(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0)).uvarint()),
    "bad_varint",
  );
  assertEquals(
    code(() => new Reader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x7f)).uvarint()),
    "bad_varint",
  );
  assertEquals(code(() => new Reader(Uint8Array.of(0x80)).uvarint()), "truncated");
  assertThrows(() => new Writer().uvarint(-1), RangeError);
});

Deno.test("reader reports truncation and negative lengths with typed errors", () => {
  assertEquals(code(() => new Reader(Uint8Array.of(0, 0, 0)).int32()), "truncated");
  assertEquals(code(() => new Reader(Uint8Array.of(0, 5, 65)).string(false)), "truncated");
  assertEquals(code(() => new Reader(Uint8Array.of(0xff, 0xfe)).string(false)), "negative_length");
  assertEquals(
    code(() => new Reader(Uint8Array.of(0xff, 0xff, 0xff, 0xfe)).bytes(false)),
    "negative_length",
  );
  assertEquals(code(() => new Reader(Uint8Array.of(0, 0, 0, 9)).arrayLength(false)), "truncated");
  assertEquals(
    code(() => new Reader(Uint8Array.of(0, 2, 0xc3, 0x28)).string(false)),
    "invalid_utf8",
  );
  const r = new Reader(Uint8Array.of(1, 2));
  r.int8();
  assertEquals(code(() => r.expectEnd("x")), "trailing_bytes");
});

Deno.test("strings: null, ASCII, multi-byte, classic and compact", () => {
  for (const compact of [false, true]) {
    for (const s of [null, "", "abc", "é日𝄞"]) {
      const w = new Writer(2);
      w.string(s, compact);
      assertEquals(new Reader(w.finish()).string(compact), s);
    }
  }
});

Deno.test("bytes are read as views; large ones are written by reference", () => {
  const big = new Uint8Array(ZERO_COPY_THRESHOLD).fill(7);
  const w = new Writer();
  w.int16(1);
  w.bytes(big, false);
  w.int16(2);
  const chunks = w.chunks();
  assertEquals(chunks.length, 3);
  assertEquals(chunks[1], big);
  assertEquals(chunks[1].buffer, big.buffer, "not copied");
  const all = concatChunks(chunks);
  assertEquals(w.length, all.length);
  const r = new Reader(all);
  r.int16();
  const view = r.bytes(false)!;
  assertEquals(view.buffer, all.buffer, "read without copying");
  assertEquals(view, big);
  assertEquals(r.int16(), 2);
});

Deno.test("writer grows across many writes", () => {
  const w = new Writer(1);
  for (let i = 0; i < 1000; i++) w.int64(BigInt(i));
  const r = new Reader(w.finish());
  for (let i = 0; i < 1000; i++) assertEquals(r.int64(), BigInt(i));
});

Deno.test("uuids use Kafka's base64url string form", () => {
  const bytes = Uint8Array.from({ length: 16 }, (_, i) => i);
  const s = uuidToString(bytes);
  assertEquals(s, "AAECAwQFBgcICQoLDA0ODw");
  assertEquals(uuidFromString(s), bytes);
  assertEquals(uuidToString(new Uint8Array(16)), ZERO_UUID_STRING);
  assertThrows(() => uuidFromString("short"), RangeError);
});
