/**
 * The one seeded pseudo-random generator of the tests and benches, so a failing randomized test
 * can be replayed from its seed. Not for product code: the producer's simulator has its own
 * generator whose output is part of its contract (`producer/core/rng.ts`).
 *
 * @example
 * ```ts
 * import { seededRandom } from "@iot/testing";
 * const random = seededRandom("session-windows");
 * const delayMs = random.int(0, 100); // the same sequence on every run
 * ```
 *
 * @module
 */

/** A seeded generator: call it for a float in `[0, 1)`, or use one of its helpers. */
export interface SeededRandom {
  /** The next float in `[0, 1)`. */
  (): number;
  /** An integer in `[min, max)`; throws a `RangeError` unless `min < max` are safe integers. */
  int(min: number, max: number): number;
  /** One element of `items`, uniformly; throws a `RangeError` when `items` is empty. */
  pick<T>(items: readonly T[]): T;
  /** `length` pseudo-random bytes (e.g. a fuzzer's frame body). */
  bytes(length: number): Uint8Array;
}

/**
 * Returns a mulberry32 generator (32 bits of state, fast, good enough for test data). A number
 * seed must be a safe integer and is taken modulo 2^32; a string seed is hashed (FNV-1a), so a
 * test can be seeded by its name.
 *
 * @example
 * ```ts
 * import { seededRandom } from "@iot/testing";
 * const a = seededRandom(42);
 * const b = seededRandom(42);
 * a() === b(); // true
 * ```
 */
export function seededRandom(seed: number | string): SeededRandom {
  let state = seedToUint32(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Object.assign(next, {
    int(min: number, max: number): number {
      if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min >= max) {
        throw new RangeError(
          `int(min, max) needs safe integers with min < max, got ${min}, ${max}`,
        );
      }
      return min + Math.floor(next() * (max - min));
    },
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError("pick() needs at least one item");
      return items[Math.floor(next() * items.length)];
    },
    bytes(length: number): Uint8Array {
      if (!Number.isSafeInteger(length) || length < 0) {
        throw new RangeError(`bytes(length) needs a non-negative integer, got ${length}`);
      }
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i] = Math.floor(next() * 256);
      return out;
    },
  });
}

function seedToUint32(seed: number | string): number {
  if (typeof seed === "string") {
    // FNV-1a over the UTF-16 code units: stable across runs and platforms.
    let hash = 0x811c9dc5;
    for (let i = 0; i < seed.length; i++) {
      hash = Math.imul(hash ^ seed.charCodeAt(i), 0x01000193);
    }
    return hash >>> 0;
  }
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be a safe integer or a string, got ${seed}`);
  }
  return seed >>> 0;
}
