/**
 * The object and array rules of the JSON Schema comparison. The content model decides what
 * adding or removing a property means: an original that is open (no `additionalProperties`,
 * no `patternProperties`) may have carried any property with any value, so a reader cannot add
 * a typed property to it; a closed or partially open original can gain an optional one.
 *
 * @module
 */
import { compareLimit, type DiffContext } from "./differences.ts";
import type { ArrayNode, ObjectNode, Open, SchemaNode } from "./schema_model.ts";

/** The recursive comparison, passed in so this file does not import it back. */
export type Compare = (
  ctx: DiffContext,
  original: SchemaNode | undefined,
  update: SchemaNode | undefined,
) => void;

/** Records the differences of two object schemas. */
export function compareObjects(
  ctx: DiffContext,
  o: ObjectNode,
  u: ObjectNode,
  compare: Compare,
): void {
  ctx.at("required", () => {
    for (const name of o.properties.keys()) {
      if (!u.properties.has(name)) continue;
      const [before, after] = [o.required.has(name), u.required.has(name)];
      if (before && !after) ctx.add("REQUIRED_ATTRIBUTE_REMOVED", name);
      else if (!before && after) {
        const withDefault = u.properties.get(name)!.default !== undefined;
        ctx.add(
          withDefault ? "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED" : "REQUIRED_ATTRIBUTE_ADDED",
          name,
        );
      }
    }
  });
  ctx.at("properties", () => {
    for (const name of new Set([...o.properties.keys(), ...u.properties.keys()])) {
      ctx.at(name, () => compareProperty(ctx, o, u, name, compare));
    }
  });
  compareDependencies(ctx, o, u, compare);
  ctx.at(
    "additionalProperties",
    () => compareOpen(ctx, o.additional, u.additional, "PROPERTIES", compare),
  );
  compareLimit(ctx, "maxProperties", "MAX_PROPERTIES", o.maxProperties, u.maxProperties);
  compareLimit(ctx, "minProperties", "MIN_PROPERTIES", o.minProperties, u.minProperties);
}

function compareProperty(
  ctx: DiffContext,
  o: ObjectNode,
  u: ObjectNode,
  name: string,
  compare: Compare,
): void {
  const [before, after] = [o.properties.get(name), u.properties.get(name)];
  if (before && after) return compare(ctx, before, after);
  if (before) {
    // Removed: whatever the update says of unknown properties must still read the old values.
    if (isOpen(u)) return ctx.add("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL");
    const partial = partialSchema(u, name);
    if (partial) {
      const ok = covered(ctx, before, partial, compare);
      return ctx.add(
        `PROPERTY_REMOVED_${ok ? "IS" : "NOT"}_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL`,
      );
    }
    return ctx.add(
      before.kind === "false"
        ? "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
        : "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    );
  }
  if (isOpen(o)) {
    return ctx.add(
      after!.kind === "true"
        ? "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
        : "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    );
  }
  const partial = partialSchema(o, name);
  if (partial) {
    const ok = covered(ctx, partial, after!, compare);
    ctx.add(`PROPERTY_ADDED_${ok ? "IS" : "NOT"}_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL`);
  }
  if (!u.required.has(name)) return ctx.add("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL");
  ctx.add(
    after!.default !== undefined
      ? "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL"
      : "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
  );
}

function covered(ctx: DiffContext, o: SchemaNode, u: SchemaNode, compare: Compare): boolean {
  const sub = ctx.sub();
  compare(sub, o, u);
  ctx.addAll(sub.differences);
  return sub.compatible;
}

function isOpen(n: ObjectNode): boolean {
  return n.patterns.length === 0 && n.additional === true;
}

/** The schema a partially open object gives a property it does not list. */
function partialSchema(n: ObjectNode, name: string): SchemaNode | undefined {
  for (const [re, schema] of n.patterns) if (re.test(name)) return schema;
  return typeof n.additional === "object" ? n.additional : undefined;
}

function compareDependencies(ctx: DiffContext, o: ObjectNode, u: ObjectNode, compare: Compare) {
  ctx.at("dependencies", () => {
    for (const name of new Set([...o.dependentRequired.keys(), ...u.dependentRequired.keys()])) {
      const [before, after] = [o.dependentRequired.get(name), u.dependentRequired.get(name)];
      if (!after) ctx.add("DEPENDENCY_ARRAY_REMOVED", name);
      else if (!before) ctx.add("DEPENDENCY_ARRAY_ADDED", name);
      else if (before.size !== after.size || [...before].some((d) => !after.has(d))) {
        const within = (a: Set<string>, b: Set<string>) => [...a].every((d) => b.has(d));
        const type = within(before, after)
          ? "DEPENDENCY_ARRAY_EXTENDED"
          : within(after, before)
          ? "DEPENDENCY_ARRAY_NARROWED"
          : "DEPENDENCY_ARRAY_CHANGED";
        ctx.add(type, name);
      }
    }
    for (const name of new Set([...o.dependentSchemas.keys(), ...u.dependentSchemas.keys()])) {
      const [before, after] = [o.dependentSchemas.get(name), u.dependentSchemas.get(name)];
      if (!after) ctx.add("DEPENDENCY_SCHEMA_REMOVED", name);
      else if (!before) ctx.add("DEPENDENCY_SCHEMA_ADDED", name);
      else ctx.at(name, () => compare(ctx, before, after));
    }
  });
}

/** `additionalProperties`/`additionalItems`: allowed or not, and with which schema. */
function compareOpen(ctx: DiffContext, o: Open, u: Open, what: string, compare: Compare): void {
  const permits = (x: Open) => x !== false;
  if (permits(o) !== permits(u)) {
    return ctx.add(`ADDITIONAL_${what}_${permits(u) ? "ADDED" : "REMOVED"}`);
  }
  if (o === true && typeof u === "object") return ctx.add(`ADDITIONAL_${what}_NARROWED`);
  if (typeof o === "object" && u === true) return ctx.add(`ADDITIONAL_${what}_EXTENDED`);
  if (typeof o === "object" && typeof u === "object") compare(ctx, o, u);
}

/** Records the differences of two array schemas. */
export function compareArrays(
  ctx: DiffContext,
  o: ArrayNode,
  u: ArrayNode,
  compare: Compare,
): void {
  ctx.at("items", () => compare(ctx, o.items, u.items));
  const shared = Math.min(o.tuple.length, u.tuple.length);
  for (let i = 0; i < shared; i++) ctx.at(`items/${i}`, () => compare(ctx, o.tuple[i], u.tuple[i]));
  for (let i = shared; i < o.tuple.length; i++) {
    ctx.at(`items/${i}`, () => {
      const before = o.tuple[i];
      if (u.additional === true) return ctx.add("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL");
      if (typeof u.additional === "object") {
        const ok = covered(ctx, before, u.additional, compare);
        return ctx.add(`ITEM_REMOVED_${ok ? "IS" : "NOT"}_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL`);
      }
      ctx.add(
        before.kind === "false"
          ? "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
          : "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL",
      );
    });
  }
  for (let i = shared; i < u.tuple.length; i++) {
    ctx.at(`items/${i}`, () => {
      const after = u.tuple[i];
      if (o.additional === true) {
        return ctx.add(
          after.kind === "true"
            ? "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
            : "ITEM_ADDED_TO_OPEN_CONTENT_MODEL",
        );
      }
      if (typeof o.additional === "object") {
        const ok = covered(ctx, o.additional, after, compare);
        return ctx.add(`ITEM_ADDED_${ok ? "IS" : "NOT"}_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL`);
      }
      ctx.add("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL");
    });
  }
  ctx.at("additionalItems", () => compareOpen(ctx, o.additional, u.additional, "ITEMS", compare));
  compareLimit(ctx, "maxItems", "MAX_ITEMS", o.maxItems, u.maxItems);
  compareLimit(ctx, "minItems", "MIN_ITEMS", o.minItems, u.minItems);
  if (o.uniqueItems !== u.uniqueItems) {
    ctx.add(o.uniqueItems ? "UNIQUE_ITEMS_REMOVED" : "UNIQUE_ITEMS_ADDED", "uniqueItems");
  }
}
