import { assertEquals, assertRejects } from "@std/assert";
import { FrameTooLargeError, ProtocolError } from "../protocol/mod.ts";
import { EAGER_FRAME_SIZE, FrameReader } from "./frame_reader.ts";

/** A source that hands out `bytes` in reads of at most `step` bytes. */
function source(bytes: Uint8Array, step: number) {
  let at = 0;
  return {
    read(p: Uint8Array): Promise<number | null> {
      if (at >= bytes.length) return Promise.resolve(null);
      const n = Math.min(step, p.length, bytes.length - at);
      p.set(bytes.subarray(at, at + n));
      at += n;
      return Promise.resolve(n);
    },
  };
}

function framed(payloads: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(payloads.reduce((n, p) => n + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of payloads) {
    view.setInt32(at, p.length);
    out.set(p, at + 4);
    at += 4 + p.length;
  }
  return out;
}

Deno.test("FrameReader returns every frame whole, whatever the read sizes", async () => {
  const payloads = [0, 1, 5, 300, 64, 5000, 0, 17, 100_000].map((n, i) =>
    Uint8Array.from({ length: n }, (_, j) => (i * 31 + j) & 0xff)
  );
  for (const step of [1, 3, 64, 1000, 1 << 20]) {
    const reader = new FrameReader(source(framed(payloads), step), 1 << 20, 256);
    const got: Uint8Array[] = [];
    for (let f; (f = await reader.next()) !== null;) got.push(f);
    assertEquals(got, payloads, `reads of ${step}`);
  }
});

Deno.test("FrameReader: frames are copies; a cut stream ends; bad sizes throw", async () => {
  const reader = new FrameReader(source(framed([new Uint8Array([1, 2])]), 100), 10);
  const frame = (await reader.next())!;
  assertEquals(frame.buffer.byteLength, 2);
  assertEquals(await reader.next(), null);
  const cut = framed([new Uint8Array(50)]).subarray(0, 30);
  assertEquals(await new FrameReader(source(cut, 7), 100, 16).next(), null);
  const big = framed([new Uint8Array(11)]);
  await assertRejects(() => new FrameReader(source(big, 100), 10).next(), FrameTooLargeError);
  const negative = new Uint8Array([0xff, 0xff, 0xff, 0xfe]);
  await assertRejects(() => new FrameReader(source(negative, 100), 10).next(), ProtocolError);
});

Deno.test("FrameReader: a frame above the eager size arrives whole too", async () => {
  const payload = new Uint8Array(EAGER_FRAME_SIZE + 1000);
  for (let i = 0; i < payload.length; i += 4093) payload[i] = (i >> 12) & 0xff;
  const reader = new FrameReader(source(framed([payload]), 3 << 20), EAGER_FRAME_SIZE * 2);
  const frame = (await reader.next())!;
  assertEquals(frame.length, payload.length);
  let differing = 0;
  for (let i = 0; i < payload.length; i++) if (frame[i] !== payload[i]) differing++;
  assertEquals(differing, 0);
  assertEquals(await reader.next(), null);
});
