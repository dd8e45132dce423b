import { assertEquals, assertThrows } from "@std/assert";
import { RegionCopier } from "./region_copier.ts";

/** Fake native memory: byte i of "memory" is i % 251. */
function copyFromFake(copies: number[]) {
  return (address: number, target: Uint8Array) => {
    copies.push(address);
    for (let i = 0; i < target.length; i++) target[i] = (address + i) % 251;
  };
}

const expected = (address: number, length: number) =>
  Uint8Array.from({ length }, (_, i) => (address + i) % 251);

Deno.test("RegionCopier copies nearby rising regions as one run", () => {
  const copier = new RegionCopier(16);
  // key 1000..1004, value 1010..1030, key 1040..1042, value 1050..1090 (gaps <= 16)
  const ids = [
    copier.add(1000, 4),
    copier.add(1010, 20),
    copier.add(1040, 2),
    copier.add(1050, 40),
  ];
  const copies: number[] = [];
  copier.copy(copyFromFake(copies));
  assertEquals(copies, [1000]);
  assertEquals(copier.runs, 1);
  assertEquals(copier.view(ids[1]), expected(1010, 20));
  assertEquals(copier.view(ids[3]), expected(1050, 40));
});

Deno.test("RegionCopier starts a new run on a wide gap or a region that goes backwards", () => {
  const copier = new RegionCopier(16);
  const a = copier.add(1000, 10); // run 1
  const b = copier.add(5000, 10); // gap 3990 > 16: run 2
  const c = copier.add(100, 10); //  backwards: run 3
  const d = copier.add(112, 5); //   gap 2: still run 3
  const copies: number[] = [];
  copier.copy(copyFromFake(copies));
  assertEquals(copies, [1000, 5000, 100]);
  for (const [id, address, length] of [[a, 1000, 10], [b, 5000, 10], [c, 100, 10], [d, 112, 5]]) {
    assertEquals(copier.view(id), expected(address, length));
  }
});

Deno.test("RegionCopier reset() forgets the previous batch", () => {
  const copier = new RegionCopier();
  copier.add(1000, 10);
  copier.copy(copyFromFake([]));
  copier.reset();
  const id = copier.add(2000, 3);
  copier.copy(copyFromFake([]));
  assertEquals(copier.runs, 1);
  assertEquals(copier.view(id), expected(2000, 3));
});

Deno.test("RegionCopier refuses gaps that could cross an unmapped page", () => {
  assertThrows(() => new RegionCopier(4096), RangeError);
});

Deno.test("RegionCopier with reuse copies into one buffer kept across batches", () => {
  const copier = new RegionCopier(16, true);
  const a = copier.add(1000, 10);
  copier.copy(copyFromFake([]));
  const first = copier.buffer;
  assertEquals(copier.view(a), expected(1000, 10));
  copier.reset();
  const b = copier.add(2000, 8);
  copier.copy(copyFromFake([]));
  assertEquals(copier.buffer, first);
  assertEquals(copier.view(b), expected(2000, 8));
  assertEquals(copier.lengthOf(b), 8);
  copier.reset();
  const c = copier.add(3000, 400); // larger than the kept buffer: grown
  copier.copy(copyFromFake([]));
  assertEquals(copier.view(c), expected(3000, 400));
});

Deno.test("RegionCopier uses sliceFrom for a single run, and copies when it declines", () => {
  const copier = new RegionCopier(16);
  const a = copier.add(1000, 4);
  const b = copier.add(1010, 20);
  const slices: number[] = [];
  const sliceFrom = (address: number, length: number) => {
    slices.push(address, length);
    return expected(address, length);
  };
  const copies: number[] = [];
  copier.copy(copyFromFake(copies), sliceFrom);
  assertEquals([slices, copies], [[1000, 30], []]);
  assertEquals(copier.view(a), expected(1000, 4));
  assertEquals(copier.view(b), expected(1010, 20));

  copier.reset();
  const c = copier.add(2000, 8);
  copier.copy(copyFromFake(copies), () => null);
  assertEquals(copies, [2000]);
  assertEquals(copier.view(c), expected(2000, 8));

  // Two runs: one buffer filled by copyFrom, sliceFrom not asked.
  copier.reset();
  copier.add(3000, 8);
  const d = copier.add(9000, 8);
  slices.length = 0;
  copier.copy(copyFromFake(copies), sliceFrom);
  assertEquals(slices, []);
  assertEquals(copier.view(d), expected(9000, 8));
});

Deno.test("RegionCopier grows past its initial capacity", () => {
  const copier = new RegionCopier(0);
  const ids = Array.from({ length: 2000 }, (_, i) => copier.add(10 * i, 5)); // 2000 runs
  copier.copy(copyFromFake([]));
  assertEquals(copier.runs, 2000);
  assertEquals(copier.view(ids[1999]), expected(19990, 5));
});
