/**
 * Compatibility levels and the check a registration must pass: BACKWARD (the new schema reads
 * what the previous one wrote), FORWARD (the previous reads what the new writes), FULL (both),
 * each against the latest version or, `_TRANSITIVE`, against every version; NONE checks nothing.
 *
 * @module
 */
import { type ParsedSchema, readProblems } from "./formats.ts";

export { incompatibleChanges } from "./diff.ts";

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
 * Checks `candidate` against the versions of a subject (oldest first) at `level`; returns the
 * messages of what breaks, empty when compatible.
 */
export function checkCompatibility(
  level: CompatibilityLevel,
  candidate: ParsedSchema,
  previous: readonly ParsedSchema[],
): string[] {
  if (level === "NONE" || previous.length === 0) return [];
  const against = level.endsWith("_TRANSITIVE") ? previous : previous.slice(-1);
  const backward = level.startsWith("BACKWARD") || level.startsWith("FULL");
  const forward = level.startsWith("FORWARD") || level.startsWith("FULL");
  const messages: string[] = [];
  for (const old of [...against].reverse()) {
    // BACKWARD: the candidate reads what `old` wrote; FORWARD: `old` reads the candidate's data.
    if (backward) messages.push(...readProblems(candidate, old));
    if (forward) messages.push(...readProblems(old, candidate));
    if (messages.length > 0) break;
  }
  if (messages.length > 0) messages.push(`{compatibility: '${level}'}`);
  return messages;
}
