/**
 * Shapes of plain-data state: a value with its numbers taken out. Keyed state of one operator
 * usually has one or a few shapes (every key holds `{ panes: [[start, acc]], timer }` with the
 * same accumulator fields), so a columnar snapshot stores each shape once and the numbers of
 * every key in one `Float64Array` column. Restoring builds each key's live objects straight
 * from that column, with no parsing and no intermediate copy.
 *
 * A shape is JSON-able data (it is stored in the snapshot header):
 * - `["n"]`: a number (any float64, including `-0`, `NaN` and infinities);
 * - `["c", value]`: a constant string, boolean or `null`;
 * - `["a", ...items]`: an array of these items;
 * - `["o", names, ...values]`: a plain object with these own properties in this order.
 *
 * @module
 */

/** The shape of a plain-data value; see the module documentation. */
export type Shape =
  | readonly ["n"]
  | readonly ["c", string | boolean | null]
  | readonly ["a", ...Shape[]]
  | readonly ["o", readonly string[], ...Shape[]];

/** Rebuilds a value of one shape from `numbers`, its first number at `base`. */
export type ShapeBuilder = (numbers: Float64Array, base: number) => unknown;

/**
 * The shape of `value`, or `null` when it is not plain data a shape can describe (a `Map`, a
 * `Date`, `undefined` at the top, a bigint); such values are stored as JSON instead.
 */
export function shapeOf(value: unknown): Shape | null {
  switch (typeof value) {
    case "number":
      return ["n"];
    case "string":
    case "boolean":
      return ["c", value];
    case "object": {
      if (value === null) return ["c", null];
      if (Array.isArray(value)) {
        const items: Shape[] = [];
        for (const item of value) {
          // JSON writes a hole or `undefined` in an array as null.
          const shape = item === undefined ? ["c", null] as const : shapeOf(item);
          if (shape === null) return null;
          items.push(shape);
        }
        return ["a", ...items];
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return null;
      const names: string[] = [], values: Shape[] = [];
      for (const name of Object.keys(value)) {
        const v = (value as Record<string, unknown>)[name];
        if (v === undefined) continue; // as JSON does
        const shape = shapeOf(v);
        if (shape === null) return null;
        names.push(name);
        values.push(shape);
      }
      return ["o", names, ...values];
    }
    default:
      return null;
  }
}

/**
 * Writes the numbers of `value` into `out` from `at` if `value` has `shape`; returns the index
 * after its last number, or -1 when it does not have that shape (`out` may then hold garbage
 * from `at` on). `out` must have room for the shape's {@linkcode slotCount}.
 */
export function fillNumbers(shape: Shape, value: unknown, out: Float64Array, at: number): number {
  switch (shape[0]) {
    case "n":
      if (typeof value !== "number") return -1;
      out[at] = value;
      return at + 1;
    case "c":
      return value === shape[1] || (value === undefined && shape[1] === null) ? at : -1;
    case "a": {
      if (!Array.isArray(value) || value.length !== shape.length - 1) return -1;
      for (let i = 1; i < shape.length && at >= 0; i++) {
        at = fillNumbers(shape[i] as Shape, value[i - 1], out, at);
      }
      return at;
    }
    case "o": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return -1;
      if (Object.getPrototypeOf(value) !== Object.prototype) return -1;
      const names = shape[1] as readonly string[];
      let own = 0;
      for (const name in value) {
        if ((value as Record<string, unknown>)[name] !== undefined) own++;
      }
      if (own !== names.length) return -1;
      for (let i = 0; i < names.length && at >= 0; i++) {
        if (!Object.hasOwn(value, names[i])) return -1;
        at = fillNumbers(
          shape[i + 2] as Shape,
          (value as Record<string, unknown>)[names[i]],
          out,
          at,
        );
      }
      return at;
    }
  }
}

/** How many numbers a value of `shape` holds. */
export function slotCount(shape: Shape): number {
  switch (shape[0]) {
    case "n":
      return 1;
    case "c":
      return 0;
    case "a": {
      let n = 0;
      for (let i = 1; i < shape.length; i++) n += slotCount(shape[i] as Shape);
      return n;
    }
    case "o": {
      let n = 0;
      for (let i = 2; i < shape.length; i++) n += slotCount(shape[i] as Shape);
      return n;
    }
  }
}

/**
 * Checks that `value` (read from a snapshot header) is a well-formed shape, so a damaged header
 * fails here with a clear message rather than as a strange state later.
 *
 * @throws {TypeError} naming what is wrong.
 */
export function checkShape(value: unknown): Shape {
  const fail = (why: string): never => {
    throw new TypeError(`Malformed state shape: ${why}`);
  };
  if (!Array.isArray(value) || value.length === 0) fail("not a non-empty array");
  const v = value as unknown[];
  switch (v[0]) {
    case "n":
      if (v.length !== 1) fail('"n" takes no arguments');
      break;
    case "c":
      if (v.length !== 2 || !(v[1] === null || ["string", "boolean"].includes(typeof v[1]))) {
        fail('"c" takes one string, boolean or null');
      }
      break;
    case "a":
      v.slice(1).forEach(checkShape);
      break;
    case "o": {
      const names = v[1];
      if (!Array.isArray(names) || names.some((n) => typeof n !== "string")) {
        fail('"o" needs a list of property names');
      }
      if ((names as string[]).length !== v.length - 2) fail('"o" names and values differ in count');
      v.slice(2).forEach(checkShape);
      break;
    }
    default:
      fail(`unknown tag ${JSON.stringify(v[0])}`);
  }
  return value as Shape;
}

/**
 * Compiles `shape` into a function that builds a fresh value of that shape from a number
 * column: objects get the same properties in the same order (one hidden class per shape), and
 * nothing is shared between two built values except immutable constants. `firstSlot`: where
 * the value's numbers start relative to the `base` passed in (for a part of a larger shape).
 */
export function compileShape(shape: Shape, firstSlot = 0): ShapeBuilder {
  return compileAt(shape, { slot: firstSlot });
}

function compileAt(shape: Shape, cursor: { slot: number }): ShapeBuilder {
  switch (shape[0]) {
    case "n": {
      const k = cursor.slot++;
      return (numbers, base) => numbers[base + k];
    }
    case "c": {
      const constant = shape[1];
      return () => constant;
    }
    case "a": {
      const items = shape.slice(1).map((s) => compileAt(s as Shape, cursor));
      if (items.length === 1) {
        const [a] = items;
        return (n, b) => [a(n, b)];
      }
      if (items.length === 2) {
        const [a, c] = items;
        return (n, b) => [a(n, b), c(n, b)];
      }
      return (n, b) => {
        const out = new Array(items.length);
        for (let i = 0; i < items.length; i++) out[i] = items[i](n, b);
        return out;
      };
    }
    case "o": {
      const names = shape[1] as readonly string[];
      const values = shape.slice(2).map((s) => compileAt(s as Shape, cursor));
      // Assigning "__proto__" would set the prototype; JSON.parse makes it an own property.
      if (names.includes("__proto__")) {
        return (n, b) => {
          const out = {};
          for (let i = 0; i < names.length; i++) {
            Object.defineProperty(out, names[i], {
              value: values[i](n, b),
              enumerable: true,
              writable: true,
              configurable: true,
            });
          }
          return out;
        };
      }
      return (n, b) => {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) out[names[i]] = values[i](n, b);
        return out;
      };
    }
  }
}
