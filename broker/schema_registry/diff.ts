/**
 * Compares an original JSON Schema with an update and records every difference (Confluent's
 * JSON Schema rules): the update is compatible when each difference is one that still accepts
 * every value the original accepted. Objects and arrays are in `diff_containers.ts`.
 *
 * @module
 */
import { compareArrays, compareObjects } from "./diff_containers.ts";
import { compareLimit, compatibleChanges, DiffContext, type Difference } from "./differences.ts";
import type { SchemaNode } from "./schema_model.ts";

type Node<K extends SchemaNode["kind"]> = Extract<SchemaNode, { kind: K }>;

/**
 * The differences from `original` to `update` that break a reader using `update` for data
 * written with `original` (empty: compatible).
 *
 * @example
 * ```ts
 * import { parseJsonSchema } from "./json_schema.ts";
 * import { incompatibleChanges } from "./diff.ts";
 * const v1 = parseJsonSchema('{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}');
 * const v2 = parseJsonSchema('{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"number"}},"additionalProperties":false}');
 * incompatibleChanges(v1, v2); // [] (an optional property added to a closed object)
 * ```
 */
export function incompatibleChanges(original: SchemaNode, update: SchemaNode): Difference[] {
  const ctx = new DiffContext();
  compareSchemas(ctx, original, update);
  return ctx.differences.filter((d) => !compatibleChanges.has(d.type));
}

/**
 * Records in `ctx` how `update` differs from `original` (either may be absent: a schema added
 * or removed).
 */
export function compareSchemas(
  ctx: DiffContext,
  original: SchemaNode | undefined,
  update: SchemaNode | undefined,
): void {
  if (!original && !update) return;
  if (!original) return ctx.add("SCHEMA_ADDED");
  if (!update) return ctx.add("SCHEMA_REMOVED");
  original = deref(original);
  update = deref(update);
  if (original.kind !== "combined" && update.kind === "combined") {
    if (sumExtends(ctx, original, update)) return;
  } else if (original.kind === "combined" && update.kind !== "combined") {
    // A one-member combination is its member.
    if (original.subschemas.length === 1 && tryCompare(ctx, original.subschemas[0], update)) return;
  }
  if (original.kind !== update.kind) {
    // Nothing was valid before (false), or anything is valid now (true): nothing breaks.
    if (original.kind !== "false" && update.kind !== "true") ctx.add("TYPE_CHANGED");
    return;
  }
  if (!ctx.enter(original, update)) return;
  if (original.id !== update.id) ctx.add("ID_CHANGED");
  if (original.title !== update.title) ctx.add("TITLE_CHANGED");
  if (original.description !== update.description) ctx.add("DESCRIPTION_CHANGED");
  if (original.default !== update.default) ctx.add("DEFAULT_CHANGED");
  compareSameKind(ctx, original, update);
}

function compareSameKind(ctx: DiffContext, original: SchemaNode, update: SchemaNode): void {
  switch (original.kind) {
    case "string":
      return compareStrings(ctx, original, update as Node<"string">);
    case "number":
      return compareNumbers(ctx, original, update as Node<"number">);
    case "enum":
      return compareEnums(ctx, original, update as Node<"enum">);
    case "const":
      if (original.value !== (update as Node<"const">).value) ctx.add("CONST_CHANGED", "const");
      return;
    case "combined":
      return compareCombined(ctx, original, update as Node<"combined">);
    case "not":
      return ctx.at("not", () => {
        // `not` reverses the direction: the update may exclude less, not more.
        const sub = ctx.sub();
        compareSchemas(sub, (update as Node<"not">).schema, original.schema);
        ctx.add(sub.compatible ? "NOT_TYPE_NARROWED" : "NOT_TYPE_EXTENDED");
      });
    case "object":
      return compareObjects(ctx, original, update as Node<"object">, compareSchemas);
    case "array":
      return compareArrays(ctx, original, update as Node<"array">, compareSchemas);
  }
}

function deref(node: SchemaNode): SchemaNode {
  for (let i = 0; node.kind === "ref" && i < 100; i++) node = node.resolve() ?? { kind: "true" };
  return node;
}

function tryCompare(ctx: DiffContext, original: SchemaNode, update: SchemaNode): boolean {
  const sub = ctx.sub();
  compareSchemas(sub, original, update);
  if (sub.compatible) ctx.addAll(sub.differences);
  return sub.compatible;
}

/** A plain schema turned into a combination: compatible if one member reads it. */
function sumExtends(ctx: DiffContext, original: SchemaNode, update: Node<"combined">): boolean {
  if (update.subschemas.length === 1) return tryCompare(ctx, original, update.subschemas[0]);
  if (update.criterion === "allOf") return false;
  for (const s of update.subschemas) {
    if (tryCompare(ctx, original, s)) {
      ctx.add("SUM_TYPE_EXTENDED");
      return true;
    }
  }
  return false;
}

function compareStrings(ctx: DiffContext, o: Node<"string">, u: Node<"string">): void {
  compareLimit(ctx, "maxLength", "MAX_LENGTH", o.maxLength, u.maxLength);
  compareLimit(ctx, "minLength", "MIN_LENGTH", o.minLength, u.minLength);
  if (o.pattern === u.pattern) return;
  if (o.pattern === undefined) ctx.add("PATTERN_ADDED", "pattern");
  else if (u.pattern === undefined) ctx.add("PATTERN_REMOVED", "pattern");
  else ctx.add("PATTERN_CHANGED", "pattern");
}

function compareNumbers(ctx: DiffContext, o: Node<"number">, u: Node<"number">): void {
  compareLimit(ctx, "maximum", "MAXIMUM", o.maximum, u.maximum);
  compareLimit(ctx, "minimum", "MINIMUM", o.minimum, u.minimum);
  compareLimit(
    ctx,
    "exclusiveMaximum",
    "EXCLUSIVE_MAXIMUM",
    o.exclusiveMaximum,
    u.exclusiveMaximum,
  );
  compareLimit(
    ctx,
    "exclusiveMinimum",
    "EXCLUSIVE_MINIMUM",
    o.exclusiveMinimum,
    u.exclusiveMinimum,
  );
  if (o.multipleOf !== u.multipleOf) {
    if (o.multipleOf === undefined) ctx.add("MULTIPLE_OF_ADDED", "multipleOf");
    else if (u.multipleOf === undefined) ctx.add("MULTIPLE_OF_REMOVED", "multipleOf");
    else if (divides(o.multipleOf, u.multipleOf)) ctx.add("MULTIPLE_OF_EXPANDED", "multipleOf");
    else if (divides(u.multipleOf, o.multipleOf)) ctx.add("MULTIPLE_OF_REDUCED", "multipleOf");
    else ctx.add("MULTIPLE_OF_CHANGED", "multipleOf");
  }
  // integer -> number widens what is accepted; number -> integer narrows it.
  if (o.integer !== u.integer) ctx.add(o.integer ? "TYPE_EXTENDED" : "TYPE_NARROWED");
}

/** Whether `b` is a whole multiple of `a`, tolerating binary fractions (0.1 and 0.3). */
function divides(a: number, b: number): boolean {
  const q = b / a;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

function compareEnums(ctx: DiffContext, o: Node<"enum">, u: Node<"enum">): void {
  const before = new Set(o.values);
  const after = new Set(u.values);
  if (before.size === after.size && o.values.every((v) => after.has(v))) return;
  if (o.values.every((v) => after.has(v))) ctx.add("ENUM_ARRAY_EXTENDED", "enum");
  else if (u.values.every((v) => before.has(v))) ctx.add("ENUM_ARRAY_NARROWED", "enum");
  else ctx.add("ENUM_ARRAY_CHANGED", "enum");
}

function compareCombined(ctx: DiffContext, o: Node<"combined">, u: Node<"combined">): void {
  if (o.criterion !== u.criterion) {
    const single = (n: Node<"combined">) => n.subschemas.length === 1;
    // Any combination may become anyOf; a one-member one may become oneOf (or allOf if both are).
    const extended = u.criterion === "anyOf" ||
      (u.criterion === "oneOf" && single(o)) ||
      (u.criterion === "allOf" && single(o) && single(u));
    ctx.add(extended ? "COMBINED_TYPE_EXTENDED" : "COMBINED_TYPE_CHANGED");
    if (!extended) return;
  }
  const product = u.criterion === "allOf";
  if (o.subschemas.length < u.subschemas.length) {
    ctx.add(product ? "PRODUCT_TYPE_EXTENDED" : "SUM_TYPE_EXTENDED");
  } else if (o.subschemas.length > u.subschemas.length) {
    ctx.add(product ? "PRODUCT_TYPE_NARROWED" : "SUM_TYPE_NARROWED");
  }
  // Pair members so that each pair is compatible, as many pairs as possible.
  const edges = o.subschemas.map((os, i) =>
    ctx.at(`${o.criterion}/${i}`, () =>
      u.subschemas.map((us) => {
        const sub = ctx.sub();
        compareSchemas(sub, os, us);
        return sub.compatible ? sub.differences : null;
      }))
  );
  const matched = maximumMatching(edges.map((row) => row.map((d) => d !== null)));
  for (const [i, j] of matched) ctx.addAll(edges[i][j]!);
  if (matched.length < Math.min(o.subschemas.length, u.subschemas.length)) {
    ctx.add("COMBINED_TYPE_SUBSCHEMAS_CHANGED");
  }
}

/** A maximum bipartite matching (augmenting paths) of `allowed[left][right]`. */
export function maximumMatching(allowed: boolean[][]): [number, number][] {
  const owner: (number | undefined)[] = [];
  const augment = (left: number, seen: Set<number>): boolean => {
    for (let r = 0; r < allowed[left].length; r++) {
      if (!allowed[left][r] || seen.has(r)) continue;
      seen.add(r);
      const held = owner[r];
      if (held === undefined || augment(held, seen)) {
        owner[r] = left;
        return true;
      }
    }
    return false;
  };
  for (let l = 0; l < allowed.length; l++) augment(l, new Set());
  return owner.flatMap((l, r) => (l === undefined ? [] : [[l, r] as [number, number]]));
}
