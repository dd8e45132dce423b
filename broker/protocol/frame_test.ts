import { assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import { frameChunks, FrameSplitter, FrameTooLargeError } from "./frame.ts";
import { concatChunks, ProtocolError } from "./wire.ts";

function frames(...payloads: number[][]): Uint8Array {
  return concatChunks(payloads.flatMap((p) => frameChunks([Uint8Array.from(p)])));
}

Deno.test("splits several frames in one chunk and keeps a partial tail", () => {
  const s = new FrameSplitter();
  const bytes = frames([1, 2], [], [3]);
  const out = s.push(bytes.subarray(0, bytes.length - 1));
  assertEquals(out, [Uint8Array.of(1, 2), new Uint8Array(0)]);
  assertEquals(s.buffered, 4);
  assertEquals(s.push(bytes.subarray(bytes.length - 1)), [Uint8Array.of(3)]);
  assertEquals(s.buffered, 0);
});

Deno.test("reassembles a frame delivered one byte at a time", () => {
  const s = new FrameSplitter();
  const payload = Array.from({ length: 300 }, (_, i) => i & 255);
  const bytes = frames(payload, [9]);
  const out: Uint8Array[] = [];
  for (const b of bytes) out.push(...s.push(Uint8Array.of(b)));
  assertEquals(out, [Uint8Array.from(payload), Uint8Array.of(9)]);
});

Deno.test("frames inside one chunk are views, not copies", () => {
  const bytes = frames([5, 6, 7]);
  const [f] = new FrameSplitter().push(bytes);
  assertEquals(f.buffer, bytes.buffer);
});

Deno.test("a size above the maximum or negative is a typed error", () => {
  const s = new FrameSplitter({ maxFrameSize: 10 });
  const e = assertThrows(() => s.push(Uint8Array.of(0, 0, 0, 11)), FrameTooLargeError);
  assertEquals([e.size, e.maxFrameSize], [11, 10]);
  const n = assertThrows(() => new FrameSplitter().push(Uint8Array.of(0xff, 0, 0, 0)));
  assertInstanceOf(n, ProtocolError);
  assertEquals(n.code, "negative_length");
});

Deno.test("frameChunks prefixes the total size", () => {
  const out = concatChunks(frameChunks([Uint8Array.of(1), Uint8Array.of(2, 3)]));
  assertEquals(out, Uint8Array.of(0, 0, 0, 3, 1, 2, 3));
});
