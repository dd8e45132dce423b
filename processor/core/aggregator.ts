/**
 * Incremental aggregation (Flink's `AggregateFunction`): an {@linkcode Aggregator} folds values into
 * a plain-data accumulator one at a time, merges accumulators (panes, sessions) and turns one into
 * a result. Built-ins: {@linkcode count}, {@linkcode sum}, {@linkcode avg}, {@linkcode min},
 * {@linkcode max}, {@linkcode stats} (count/avg/min/max in one pass) and {@linkcode fields}.
 *
 * @module
 */

/**
 * Folds values of type `In` into an accumulator `Acc` and produces `Out`.
 *
 * Accumulators must be plain JSON-able data (numbers, strings, booleans, null, arrays, plain
 * objects) so they can be snapshotted. `add` and `merge` may mutate and return their first argument
 * but never change the second; `getResult` must not mutate its argument.
 *
 * @example
 * ```ts
 * import { type Aggregator } from "@iot/processor";
 * const last: Aggregator<number, number | null, number | null> = {
 *   createAccumulator: () => null,
 *   add: (_acc, value) => value,
 *   merge: (a, b) => b ?? a,
 *   getResult: (acc) => acc,
 * };
 * ```
 */
export interface Aggregator<In, Acc, Out> {
  /** Returns a new, empty accumulator. */
  createAccumulator(): Acc;
  /** Adds `value` to `acc`, returning the updated accumulator. */
  add(acc: Acc, value: In): Acc;
  /** Merges `b` into `a`, returning the combined accumulator. */
  merge(a: Acc, b: Acc): Acc;
  /** Returns the result for `acc`. */
  getResult(acc: Acc): Out;
}

/** Counts values. */
export function count(): Aggregator<unknown, number, number> {
  return {
    createAccumulator: () => 0,
    add: (acc) => acc + 1,
    merge: (a, b) => a + b,
    getResult: (acc) => acc,
  };
}

/** Sums values. */
export function sum(): Aggregator<number, number, number> {
  return {
    createAccumulator: () => 0,
    add: (acc, value) => acc + value,
    merge: (a, b) => a + b,
    getResult: (acc) => acc,
  };
}

/** Accumulator of {@linkcode avg}: the running sum and count. */
export interface AvgAccumulator {
  /** Sum of the values. */
  sum: number;
  /** Number of values. */
  count: number;
}

/** Averages values; the result is `null` for an empty accumulator. */
export function avg(): Aggregator<number, AvgAccumulator, number | null> {
  return {
    createAccumulator: () => ({ sum: 0, count: 0 }),
    add: (acc, value) => {
      acc.sum += value;
      acc.count++;
      return acc;
    },
    merge: (a, b) => {
      a.sum += b.sum;
      a.count += b.count;
      return a;
    },
    getResult: (acc) => acc.count === 0 ? null : acc.sum / acc.count,
  };
}

function extreme(
  pick: (a: number, b: number) => number,
): Aggregator<number, number | null, number | null> {
  return {
    createAccumulator: () => null,
    add: (acc, value) => acc === null ? value : pick(acc, value),
    merge: (a, b) => a === null ? b : b === null ? a : pick(a, b),
    getResult: (acc) => acc,
  };
}

/** The smallest value; `null` for an empty accumulator (JSON has no `Infinity`). */
export function min(): Aggregator<number, number | null, number | null> {
  return extreme(Math.min);
}

/** The largest value; `null` for an empty accumulator (JSON has no `Infinity`). */
export function max(): Aggregator<number, number | null, number | null> {
  return extreme(Math.max);
}

/** Accumulator of {@linkcode stats}. `min`/`max` are meaningless while `count` is 0. */
export interface StatsAccumulator {
  /** Number of values. */
  count: number;
  /** Sum of the values. */
  sum: number;
  /** Smallest value (0 while empty). */
  min: number;
  /** Largest value (0 while empty). */
  max: number;
}

/** Result of {@linkcode stats}: the shape of `AggregateStats` in `@iot/events`, plus `count`. */
export interface Stats {
  /** Number of values. */
  count: number;
  /** Mean value. */
  avg: number;
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
}

/**
 * Count, average, minimum and maximum in one accumulator; the result is `null` when empty.
 *
 * @example
 * ```ts
 * import { stats } from "@iot/processor";
 * const agg = stats();
 * const acc = agg.add(agg.add(agg.createAccumulator(), 20), 22);
 * agg.getResult(acc); // { count: 2, avg: 21, min: 20, max: 22 }
 * ```
 */
export function stats(): Aggregator<number, StatsAccumulator, Stats | null> {
  return {
    createAccumulator: () => ({ count: 0, sum: 0, min: 0, max: 0 }),
    add: (acc, value) => {
      if (acc.count === 0) {
        acc.min = value;
        acc.max = value;
      } else if (value < acc.min) acc.min = value;
      else if (value > acc.max) acc.max = value;
      acc.count++;
      acc.sum += value;
      return acc;
    },
    merge: (a, b) => {
      if (b.count === 0) return a;
      if (a.count === 0) return Object.assign(a, b);
      a.min = Math.min(a.min, b.min);
      a.max = Math.max(a.max, b.max);
      a.count += b.count;
      a.sum += b.sum;
      return a;
    },
    getResult: (acc) =>
      acc.count === 0
        ? null
        : { count: acc.count, avg: acc.sum / acc.count, min: acc.min, max: acc.max },
  };
}

// deno-lint-ignore no-explicit-any
type AnyAggregator = Aggregator<any, any, any>;

/** The input of {@linkcode fields}: one value per field. */
export type FieldsInput<A extends Record<string, AnyAggregator>> = {
  [F in keyof A]: A[F] extends Aggregator<infer In, infer _Acc, infer _Out> ? In : never;
};

/** The accumulator of {@linkcode fields}: one accumulator per field. */
export type FieldsAccumulator<A extends Record<string, AnyAggregator>> = {
  [F in keyof A]: A[F] extends Aggregator<infer _In, infer Acc, infer _Out> ? Acc : never;
};

/** The result of {@linkcode fields}: one result per field. */
export type FieldsResult<A extends Record<string, AnyAggregator>> = {
  [F in keyof A]: A[F] extends Aggregator<infer _In, infer _Acc, infer Out> ? Out : never;
};

/**
 * Aggregates each field of an object input with its own aggregator.
 *
 * @example
 * ```ts
 * import { count, fields, stats } from "@iot/processor";
 * const climate = fields({ readings: count(), temperature: stats(), humidity: stats() });
 * const acc = climate.add(climate.createAccumulator(), { readings: 1, temperature: 21, humidity: 40 });
 * climate.getResult(acc).temperature; // { count: 1, avg: 21, min: 21, max: 21 }
 * ```
 */
export function fields<A extends Record<string, AnyAggregator>>(
  aggregators: A,
): Aggregator<FieldsInput<A>, FieldsAccumulator<A>, FieldsResult<A>> {
  const names = Object.keys(aggregators) as (keyof A & string)[];
  type Obj = Record<string, unknown>;
  return {
    createAccumulator: () => {
      const acc: Obj = {};
      for (const name of names) acc[name] = aggregators[name].createAccumulator();
      return acc as FieldsAccumulator<A>;
    },
    add: (acc, value) => {
      const a = acc as Obj, v = value as Obj;
      for (const name of names) a[name] = aggregators[name].add(a[name], v[name]);
      return acc;
    },
    merge: (acc, other) => {
      const a = acc as Obj, b = other as Obj;
      for (const name of names) a[name] = aggregators[name].merge(a[name], b[name]);
      return acc;
    },
    getResult: (acc) => {
      const out: Obj = {};
      for (const name of names) out[name] = aggregators[name].getResult((acc as Obj)[name]);
      return out as FieldsResult<A>;
    },
  };
}
