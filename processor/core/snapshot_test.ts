import { assert, assertEquals } from "@std/assert";
import { clonePlain } from "./snapshot.ts";

Deno.test("clonePlain: a deep copy of plain data that shares nothing with the original", () => {
  const original = { panes: [[60_000, { t: { count: 1, min: -0, max: null } }]], timer: 5, s: "x" };
  const copy = clonePlain(original);
  assertEquals(copy, original);
  assert(copy.panes !== original.panes);
  assert(copy.panes[0][1] !== original.panes[0][1]);
  (copy.panes[0][1] as { t: { count: number } }).t.count = 2;
  assertEquals((original.panes[0][1] as { t: { count: number } }).t.count, 1);
  assertEquals(Object.is((copy.panes[0][1] as { t: { min: number } }).t.min, -0), true);
  // Not plain data: copied the structured-clone way.
  const map = new Map([["k", { v: 1 }]]);
  const mapCopy = clonePlain(map);
  assertEquals(mapCopy, map);
  assert(mapCopy.get("k") !== map.get("k"));
  assertEquals([clonePlain(3), clonePlain(null), clonePlain("s")], [3, null, "s"]);
});
