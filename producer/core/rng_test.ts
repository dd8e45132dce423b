import { assert, assertAlmostEquals, assertEquals, assertNotEquals } from "@std/assert";
import { hashSeed, Rng } from "./rng.ts";

Deno.test("Rng: the same seed gives the same sequence, another seed another", () => {
  const draw = (seed: string) => {
    const rng = Rng.fromSeed(seed);
    return Array.from({ length: 5 }, () => rng.uint32());
  };
  assertEquals(draw("42"), draw("42"));
  assertNotEquals(draw("42"), draw("43"));
  assertNotEquals(hashSeed("42/climate-0001"), hashSeed("42/climate-0002"));
});

Deno.test("Rng: known first outputs pin the algorithm", () => {
  const rng = Rng.fromSeed("42");
  // Changing these changes every dataset generated from a seed; do so only deliberately.
  assertEquals([rng.uint32(), rng.uint32(), rng.uint32()], [4107294664, 364735645, 1294772019]);
});

Deno.test("Rng: float, range and int stay in bounds; normal has mean 0 and sd 1", () => {
  const rng = Rng.fromSeed("bounds");
  let sum = 0, squares = 0;
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const f = rng.float();
    assert(f >= 0 && f < 1);
    const r = rng.range(-3, 5);
    assert(r >= -3 && r < 5);
    const k = rng.int(7);
    assert(Number.isInteger(k) && k >= 0 && k < 7);
    const x = rng.normal();
    sum += x;
    squares += x * x;
  }
  assertAlmostEquals(sum / n, 0, 0.02);
  assertAlmostEquals(Math.sqrt(squares / n), 1, 0.02);
});
