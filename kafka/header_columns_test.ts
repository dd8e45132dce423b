import { assertEquals, assertStrictEquals } from "@std/assert";
import { HeaderColumns, NameInterner } from "./header_columns.ts";

const te = new TextEncoder();

Deno.test("HeaderColumns gives each record its headers in order, -1 as null", () => {
  const c = new HeaderColumns(3);
  c.bytes = te.encode("abjson");
  c.firsts.set([0, 2, 2, 4]);
  c.names.push("a", "a", "t", "ct");
  c.valueStarts = Int32Array.from([0, 1, 0, 2]);
  c.valueLengths = Int32Array.from([1, 1, -1, 4]);
  const text = (v: Uint8Array | null) => v === null ? null : new TextDecoder().decode(v);
  const read = (j: number) => c.headersOf(j).map(([name, value]) => [name, text(value)]);
  assertEquals([read(0), read(1), read(2)], [[["a", "a"], ["a", "b"]], [], [["t", null], [
    "ct",
    "json",
  ]]]);
  assertEquals([c.count(0), c.count(1), c.count(2)], [2, 0, 2]);
  assertEquals(c.value(3)!.buffer, c.bytes.buffer);
});

Deno.test("NameInterner decodes a repeated name once and UTF-8 names exactly", () => {
  const interner = new NameInterner();
  const bytes = te.encode("xx température 🔥 température");
  const first = interner.intern(bytes, 3, te.encode("température").length);
  const again = interner.intern(bytes, bytes.length - te.encode("température").length, 12);
  assertEquals(first, "température");
  assertStrictEquals(again, first);
  assertEquals(interner.intern(bytes, 16, 4), "🔥");
  assertEquals(interner.intern(bytes, 0, 0), "");
});
