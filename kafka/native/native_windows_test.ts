import { assert, assertEquals, assertStrictEquals, assertThrows } from "@std/assert";
import { NativeWindows, WINDOW_BYTES } from "./native_windows.ts";

/** A buffer with a known pattern and its native address. */
function patterned(size: number): { bytes: Uint8Array; address: number } {
  const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) % 251);
  return { bytes, address: Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(bytes)!)) };
}

Deno.test("NativeWindows.at() reads native memory in place, as words at their address", () => {
  const { bytes, address } = patterned(4096);
  const windows = new NativeWindows();
  const expected = new DataView(bytes.buffer);
  for (const at of [0, 8, 1000, 4088]) {
    const window = windows.at(address + at);
    assert(address + at >= window.base && address + at < window.limit);
    const word = (address + at - window.base) / 4;
    assertEquals(window.u32[word], expected.getUint32(at, true));
    assertEquals(window.i32[word + 1], expected.getInt32(at + 4, true));
  }
  // Written after the window was made: the view is the memory, not a copy.
  bytes[16] = 0xab;
  const window = windows.at(address + 16);
  assertEquals(window.u32[(address + 16 - window.base) / 4] & 0xff, 0xab);
});

Deno.test("NativeWindows caches a window per aligned range of the address space", () => {
  const { address } = patterned(64);
  const windows = new NativeWindows();
  const window = windows.at(address);
  assertStrictEquals(windows.at(address + 32), window);
  assertEquals(window.base % WINDOW_BYTES, 0);
  assertEquals(window.limit - window.base, WINDOW_BYTES);
  assertThrows(() => windows.at(100), RangeError, "not readable");
});

Deno.test("NativeWindows.slice() copies bytes into a buffer of their own", () => {
  const { bytes, address } = patterned(4096);
  const windows = new NativeWindows();
  const slice = windows.slice(address + 3, 1000)!;
  assertEquals(slice, bytes.subarray(3, 1003));
  assertEquals(slice.byteOffset, 0);
  assertEquals(slice.buffer.byteLength, 1000);
  assert(slice.buffer !== bytes.buffer);
  bytes[3] ^= 0xff;
  assertEquals(slice[0], bytes[3] ^ 0xff, "the slice is a copy");
  // Past the views' end (a window covers MAX_READ bytes beyond its limit): no slice.
  const window = windows.at(address);
  assertEquals(windows.slice(address, window.limit + 8192 - address), null);
});
