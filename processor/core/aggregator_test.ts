import { assertEquals } from "@std/assert";
import { type Aggregator, avg, count, fields, max, min, stats, sum } from "./aggregator.ts";

function fold<In, Acc, Out>(agg: Aggregator<In, Acc, Out>, values: In[]): Acc {
  return values.reduce((acc, v) => agg.add(acc, v), agg.createAccumulator());
}

function splitMerge<In, Acc, Out>(agg: Aggregator<In, Acc, Out>, values: In[], at: number): Out {
  const left = fold(agg, values.slice(0, at)), right = fold(agg, values.slice(at));
  return agg.getResult(agg.merge(left, right));
}

Deno.test("built-in aggregators: add, and merge at every split point equals one fold", () => {
  const values = [3, -1, 7, 7, 0];
  const cases: [string, Aggregator<number, unknown, unknown>, unknown][] = [
    ["count", count(), 5],
    ["sum", sum(), 16],
    ["avg", avg(), 3.2],
    ["min", min(), -1],
    ["max", max(), 7],
    ["stats", stats(), { count: 5, avg: 3.2, min: -1, max: 7 }],
  ];
  for (const [name, agg, expected] of cases) {
    assertEquals(agg.getResult(fold(agg, values)), expected, name);
    for (let at = 0; at <= values.length; at++) {
      assertEquals(splitMerge(agg, values, at), expected, `${name} split at ${at}`);
    }
  }
});

Deno.test("empty accumulators give null results and stay JSON-able", () => {
  assertEquals(avg().getResult(avg().createAccumulator()), null);
  assertEquals(min().getResult(min().createAccumulator()), null);
  assertEquals(stats().getResult(stats().createAccumulator()), null);
  const acc = fold(stats(), [1, 2]);
  assertEquals(JSON.parse(JSON.stringify(acc)), acc);
});

Deno.test("merge never changes its second argument", () => {
  const agg = stats();
  const b = fold(agg, [5, 9]);
  const before = structuredClone(b);
  agg.merge(fold(agg, [1]), b);
  agg.merge(agg.createAccumulator(), b);
  assertEquals(b, before);
});

Deno.test("fields aggregates each field with its own aggregator", () => {
  const agg = fields({ n: count(), temperature: stats(), humidity: max() });
  const acc = fold(agg, [
    { n: 1, temperature: 20, humidity: 40 },
    { n: 1, temperature: 22, humidity: 45 },
  ]);
  assertEquals(agg.getResult(acc), {
    n: 2,
    temperature: { count: 2, avg: 21, min: 20, max: 22 },
    humidity: 45,
  });
  assertEquals(agg.getResult(agg.merge(agg.createAccumulator(), acc)), agg.getResult(acc));
});
