/**
 * Rewrites events from older stacks into the canonical shape: snake_case field names become
 * camelCase, `timestamp` becomes `ts`, and timestamp fields in any accepted form become canonical.
 *
 * Parsers call this only after the canonical schema has rejected an input, so canonical traffic
 * never pays for it.
 *
 * @module
 */
import { normalizeTimestamp } from "./time.ts";

/** How one event kind's legacy field names and timestamp fields map to the canonical ones. */
export interface LegacyFieldMap {
  /** Legacy field name to canonical field name, e.g. `device_id` to `deviceId`. */
  readonly aliases: ReadonlyMap<string, string>;
  /** Canonical names of the fields that hold timestamps. */
  readonly timestampFields: readonly string[];
}

/**
 * Converts a camelCase name to snake_case, e.g. `pressureMax` to `pressure_max`.
 *
 * @example
 * ```ts
 * import { snakeCase } from "./legacy.ts";
 * snakeCase("windowStart"); // "window_start"
 * ```
 */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Builds the legacy map for a kind from its canonical field names: each field's snake_case
 * spelling is an alias, and `timestamp` is an alias of `ts` when the kind has a `ts` field.
 */
export function legacyFieldMap(
  fields: readonly string[],
  timestampFields: readonly string[],
): LegacyFieldMap {
  const aliases = new Map<string, string>();
  for (const field of fields) {
    const snake = snakeCase(field);
    if (snake !== field) aliases.set(snake, field);
  }
  if (fields.includes("ts")) aliases.set("timestamp", "ts");
  return { aliases, timestampFields: [...timestampFields] };
}

/**
 * Returns a canonical-shaped copy of `input`, or `undefined` when `input` is not a plain object or
 * nothing in it needed rewriting (so re-validating it would find the same problems).
 *
 * A canonical field wins over its legacy alias when both are present. Values that cannot be
 * normalised are kept as they are, so the schema reports them at their field path.
 */
export function normalizeLegacyFields(
  map: LegacyFieldMap,
  input: unknown,
): Record<string, unknown> | undefined {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return undefined;
  const source = input as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let changed = false;
  for (const key of Object.keys(source)) {
    // Assigning "__proto__" would replace the copy's prototype; no event has such a field.
    if (key === "__proto__") continue;
    const canonical = map.aliases.get(key);
    if (canonical === undefined) {
      out[key] = source[key];
    } else if (!Object.hasOwn(source, canonical)) {
      out[canonical] = source[key];
      changed = true;
    }
  }
  for (const field of map.timestampFields) {
    const value = out[field];
    if (value === undefined) continue;
    const normalized = normalizeTimestamp(value);
    if (normalized !== undefined && normalized !== value) {
      out[field] = normalized;
      changed = true;
    }
  }
  return changed ? out : undefined;
}
