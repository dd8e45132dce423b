import { assert, assertEquals, assertNotEquals, assertThrows } from "@std/assert";
import { seededRandom } from "./random.ts";

Deno.test("seededRandom() is mulberry32: known first values for seed 42", () => {
  const random = seededRandom(42);
  // Recorded from the three copies this generator replaced; changing them changes test data.
  assertEquals([random(), random(), random()], [
    0.6011037519201636,
    0.44829055899754167,
    0.8524657934904099,
  ]);
});

Deno.test("seededRandom() replays the same sequence for the same seed, another for another", () => {
  const take = (seed: number | string) => {
    const random = seededRandom(seed);
    return Array.from({ length: 50 }, () => random());
  };
  assertEquals(take(7), take(7));
  assertEquals(take("a name"), take("a name"));
  assertNotEquals(take(7), take(8));
  assertNotEquals(take("a name"), take("b name"));
  assertEquals(take(2 ** 32 + 7), take(7)); // taken modulo 2^32, like `seed >>> 0`
  assertEquals(take(-1), take(2 ** 32 - 1));
});

Deno.test("seededRandom() floats stay in [0, 1) and spread evenly", () => {
  const random = seededRandom("spread");
  const buckets = new Array(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const x = random();
    assert(x >= 0 && x < 1, `${x} out of [0, 1)`);
    buckets[Math.floor(x * 10)]++;
  }
  for (const count of buckets) assert(Math.abs(count - 10_000) < 500, `bucket of ${count}`);
});

Deno.test("seededRandom() helpers: int in [min, max), pick, bytes", () => {
  const random = seededRandom(3);
  const ints = new Set(Array.from({ length: 1000 }, () => random.int(-2, 3)));
  assertEquals([...ints].sort((a, b) => a - b), [-2, -1, 0, 1, 2]);
  const picked = new Set(Array.from({ length: 200 }, () => random.pick(["a", "b", "c"])));
  assertEquals([...picked].sort(), ["a", "b", "c"]);
  assertEquals(seededRandom(9).bytes(16), seededRandom(9).bytes(16));
  assertEquals(random.bytes(0).length, 0);
  assert(new Set(random.bytes(4096)).size > 250, "bytes cover most values");
});

Deno.test("seededRandom() rejects seeds and arguments it cannot honour", () => {
  assertThrows(() => seededRandom(1.5), RangeError, "seed must be a safe integer or a string");
  assertThrows(() => seededRandom(Number.NaN), RangeError, "got NaN");
  const random = seededRandom(1);
  assertThrows(() => random.int(3, 3), RangeError, "min < max");
  assertThrows(() => random.int(0, 1.5), RangeError, "safe integers");
  assertThrows(() => random.pick([]), RangeError, "at least one item");
  assertThrows(() => random.bytes(-1), RangeError, "non-negative integer");
});
