import { assertEquals, assertThrows } from "@std/assert";
import { seededRandom } from "@iot/testing";
import { fromColumns, JSON_STATE, NO_STATE, toColumns } from "./columnar_snapshot.ts";
import { type KeyedSnapshot, SnapshotError } from "./snapshot.ts";

type Random = () => number;

/** Random plain data, the kind accumulators and keyed state hold, from a few templates. */
function plainValue(random: Random, depth = 0): unknown {
  const pick = Math.floor(random() * (depth > 2 ? 4 : 7));
  switch (pick) {
    case 0:
      return [0, -0, 1.5, -3e300, NaN, Infinity, -Infinity, 2 ** 53][Math.floor(random() * 8)];
    case 1:
      return Math.round(random() * 1e6) / 100;
    case 2:
      return ["", "hot", "é€😀", null, true, false][Math.floor(random() * 6)];
    case 3:
      return Math.floor(random() * 1e9);
    case 4:
      return Array.from({ length: Math.floor(random() * 4) }, () => plainValue(random, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (const name of ["count", "sum", "min", "max", "__proto__", "ß"]) {
        if (random() < 0.5) {
          Object.defineProperty(out, name, {
            value: plainValue(random, depth + 1),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
      }
      return out;
    }
  }
}

/** A sorted snapshot of `n` random keys; some states repeat shapes, some are deleted (`null`). */
function randomSnapshot(seed: number, n: number): KeyedSnapshot<unknown, unknown> {
  const random = seededRandom(seed);
  const templates = Array.from({ length: 5 }, () => plainValue(random));
  const keys = new Set<string>();
  while (keys.size < n) keys.add(`k${Math.floor(random() * 1e6)}${random() < 0.1 ? "ü😀" : ""}`);
  const entries = [...keys].sort().map((key): [string, unknown] => {
    const r = random();
    // Same shape as a template with other numbers (the common case), a fresh value, or deleted.
    const state = r < 0.6
      ? JSON.parse(
        JSON.stringify(templates[Math.floor(random() * 5)]) ?? "null",
        (_, v) => typeof v === "number" ? v + Math.floor(random() * 100) : v,
      )
      : r < 0.9
      ? plainValue(random)
      : null;
    return [key, state];
  });
  return {
    version: 1,
    kind: "test",
    full: false,
    meta: { watermarkMs: 5, tag: "x" },
    keys: entries,
  };
}

for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
  Deno.test(`columns: a random snapshot round-trips exactly (seed ${seed})`, () => {
    const snapshot = randomSnapshot(seed, 300);
    const restored = fromColumns(toColumns(snapshot));
    assertEquals(restored.keys, snapshot.keys);
    assertEquals(
      [restored.version, restored.kind, restored.full, restored.meta],
      [1, "test", false, snapshot.meta],
    );
    // Numbers keep their exact bits (JSON would turn -0 into 0 and NaN into null).
    restored.keys.forEach(([, state], i) => assertEquals(state, snapshot.keys[i][1]));
  });
}

Deno.test("columns: states are fresh objects, not shared between keys or with the input", () => {
  const acc = { count: 1, sum: 2 };
  const snapshot: KeyedSnapshot<null, unknown> = {
    version: 1,
    kind: "k",
    full: true,
    meta: null,
    keys: [["a", acc], ["b", acc]],
  };
  const [[, a], [, b]] = fromColumns(toColumns(snapshot)).keys as [string, typeof acc][];
  a.count = 7;
  assertEquals([b.count, acc.count], [1, 1]);
});

Deno.test("columns: one shape per distinct structure; odd values go to the JSON column", () => {
  const keys: [string, unknown][] = [
    ["a", { n: 1 }],
    ["b", { n: 2 }],
    ["c", null],
    ["d", new Map([["x", 1]])],
    ["e", [1, "s"]],
  ];
  const columns = toColumns({ version: 1, kind: "k", full: false, meta: null, keys });
  assertEquals(columns.header.shapes.length, 2);
  assertEquals([...columns.shapeIds], [0, 0, NO_STATE, JSON_STATE, 1]);
  assertEquals([...columns.numbers], [1, 2, 1]);
  // A Map stored as JSON comes back as JSON gives it (as the JSON checkpoint format did).
  assertEquals(fromColumns(columns).keys[3], ["d", {}]);
});

Deno.test("columns: damaged columns fail with a SnapshotError naming the problem", () => {
  const columns = toColumns(randomSnapshot(9, 20));
  assertThrows(
    () => fromColumns({ ...columns, shapeIds: columns.shapeIds.subarray(1) }),
    SnapshotError,
    "20 keys but 21 key offsets and 19 shape ids",
  );
  assertThrows(
    () => fromColumns({ ...columns, header: { ...columns.header, shapes: [["x"]] as never } }),
    SnapshotError,
    "unknown tag",
  );
  const ids = columns.shapeIds.slice();
  ids[0] = 999;
  assertThrows(() => fromColumns({ ...columns, shapeIds: ids }).keys, SnapshotError, "shape 999");
  assertThrows(
    () => fromColumns({ ...columns, numbers: columns.numbers.subarray(1) }).keys,
    SnapshotError,
    "numbers",
  );
});
