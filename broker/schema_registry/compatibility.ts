/**
 * Compatibility levels and the check a registration must pass: BACKWARD (the new schema reads
 * what the previous one wrote), FORWARD (the previous reads what the new writes), FULL (both),
 * each against the latest version or, `_TRANSITIVE`, against every version; NONE checks nothing.
 *
 * @module
 */
import { compareSchemas } from "./diff.ts";
import { compatibleChanges, DiffContext, type Difference } from "./differences.ts";
import type { SchemaNode } from "./schema_model.ts";

/** The compatibility levels, as the REST API spells them. */
export const compatibilityLevels = [
  "NONE",
  "BACKWARD",
  "BACKWARD_TRANSITIVE",
  "FORWARD",
  "FORWARD_TRANSITIVE",
  "FULL",
  "FULL_TRANSITIVE",
] as const;

/** One compatibility level. */
export type CompatibilityLevel = typeof compatibilityLevels[number];

/** Whether `value` names a level. */
export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return compatibilityLevels.includes(value as CompatibilityLevel);
}

/**
 * The differences from `original` to `update` that break a reader using `update` for data
 * written with `original` (empty: compatible).
 *
 * @example
 * ```ts
 * import { parseJsonSchema } from "./json_schema.ts";
 * import { incompatibleChanges } from "./compatibility.ts";
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
 * Checks `candidate` against the versions of a subject (oldest first) at `level`; returns the
 * messages of what breaks, empty when compatible.
 */
export function checkCompatibility(
  level: CompatibilityLevel,
  candidate: SchemaNode,
  previous: readonly SchemaNode[],
): string[] {
  if (level === "NONE" || previous.length === 0) return [];
  const against = level.endsWith("_TRANSITIVE") ? previous : previous.slice(-1);
  const backward = level.startsWith("BACKWARD") || level.startsWith("FULL");
  const forward = level.startsWith("FORWARD") || level.startsWith("FULL");
  const messages: string[] = [];
  for (const old of [...against].reverse()) {
    const found = [
      ...(backward ? incompatibleChanges(old, candidate) : []),
      ...(forward ? incompatibleChanges(candidate, old) : []),
    ];
    for (const d of found) {
      messages.push(`Found incompatible change: Difference{jsonPath='${d.path}', type=${d.type}}`);
    }
    if (messages.length > 0) break;
  }
  if (messages.length > 0) messages.push(`{compatibility: '${level}'}`);
  return messages;
}
