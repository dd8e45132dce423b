/**
 * The differences between two JSON Schemas that the compatibility rules name (Confluent's
 * vocabulary, so messages read as users know them), which of them keep a reader of the updated
 * schema able to read what the original allowed, and the {@linkcode DiffContext} a comparison
 * collects them in.
 *
 * @module
 */
import type { SchemaNode } from "./schema_model.ts";

/** Differences that keep the update able to read every value the original accepts. */
export const compatibleChanges: ReadonlySet<string> = new Set([
  "ID_CHANGED",
  "DESCRIPTION_CHANGED",
  "TITLE_CHANGED",
  "DEFAULT_CHANGED",
  "SCHEMA_REMOVED",
  "TYPE_EXTENDED",
  "MAX_LENGTH_INCREASED",
  "MAX_LENGTH_REMOVED",
  "MIN_LENGTH_DECREASED",
  "MIN_LENGTH_REMOVED",
  "PATTERN_REMOVED",
  "MAXIMUM_INCREASED",
  "MAXIMUM_REMOVED",
  "MINIMUM_DECREASED",
  "MINIMUM_REMOVED",
  "EXCLUSIVE_MAXIMUM_INCREASED",
  "EXCLUSIVE_MAXIMUM_REMOVED",
  "EXCLUSIVE_MINIMUM_DECREASED",
  "EXCLUSIVE_MINIMUM_REMOVED",
  "MULTIPLE_OF_REDUCED",
  "MULTIPLE_OF_REMOVED",
  "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED",
  "REQUIRED_ATTRIBUTE_REMOVED",
  "DEPENDENCY_ARRAY_NARROWED",
  "DEPENDENCY_ARRAY_REMOVED",
  "DEPENDENCY_SCHEMA_REMOVED",
  "MAX_PROPERTIES_INCREASED",
  "MAX_PROPERTIES_REMOVED",
  "MIN_PROPERTIES_DECREASED",
  "MIN_PROPERTIES_REMOVED",
  "ADDITIONAL_PROPERTIES_ADDED",
  "ADDITIONAL_PROPERTIES_EXTENDED",
  "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
  "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
  "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
  "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
  "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
  "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
  "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
  "MAX_ITEMS_INCREASED",
  "MAX_ITEMS_REMOVED",
  "MIN_ITEMS_DECREASED",
  "MIN_ITEMS_REMOVED",
  "UNIQUE_ITEMS_REMOVED",
  "ADDITIONAL_ITEMS_ADDED",
  "ADDITIONAL_ITEMS_EXTENDED",
  "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
  "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL",
  "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
  "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
  "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
  "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
  "ENUM_ARRAY_EXTENDED",
  "COMBINED_TYPE_EXTENDED",
  "PRODUCT_TYPE_NARROWED",
  "SUM_TYPE_EXTENDED",
  "NOT_TYPE_NARROWED",
]);

/** One difference: its type (e.g. `PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL`) and JSON path. */
export interface Difference {
  /** The kind of change. */
  type: string;
  /** Where, as a JSON pointer into the schema (`#/properties/humidity`). */
  path: string;
}

/** Collects the differences of one comparison; sub-contexts try a branch without committing. */
export class DiffContext {
  /** What was found so far. */
  readonly differences: Difference[] = [];
  #path: string[];
  #visited: Map<SchemaNode, Set<SchemaNode>>;

  constructor(path: string[] = ["#"], visited = new Map<SchemaNode, Set<SchemaNode>>()) {
    this.#path = path;
    this.#visited = visited;
  }

  /** Records a difference at the current path (plus `sub`, e.g. "maximum"). */
  add(type: string, sub?: string): void {
    this.differences.push({ type, path: [...this.#path, ...(sub ? [sub] : [])].join("/") });
  }

  /** Records differences found in a sub-context. */
  addAll(differences: readonly Difference[]): void {
    this.differences.push(...differences);
  }

  /** A context at the same path whose findings are kept only if the caller adds them. */
  sub(): DiffContext {
    return new DiffContext([...this.#path], this.#visited);
  }

  /** Whether every difference so far is a compatible one. */
  get compatible(): boolean {
    return this.differences.every((d) => compatibleChanges.has(d.type));
  }

  /** Runs `f` one path segment deeper (`properties/humidity`). */
  at<T>(segment: string, f: () => T): T {
    this.#path.push(segment);
    try {
      return f();
    } finally {
      this.#path.pop();
    }
  }

  /**
   * Marks the pair as being compared; false when it already is (a recursive `$ref` came
   * back to it), so the comparison stops there instead of looping.
   */
  enter(original: SchemaNode, update: SchemaNode): boolean {
    const seen = this.#visited.get(original) ?? new Set();
    if (seen.has(update)) return false;
    seen.add(update);
    this.#visited.set(original, seen);
    return true;
  }
}

/** Records `<NAME>_ADDED/_REMOVED/_INCREASED/_DECREASED` for a numeric limit. */
export function compareLimit(
  ctx: DiffContext,
  keyword: string,
  name: string,
  original: number | undefined,
  update: number | undefined,
): void {
  if (original === update) return;
  if (original === undefined) ctx.add(`${name}_ADDED`, keyword);
  else if (update === undefined) ctx.add(`${name}_REMOVED`, keyword);
  else ctx.add(`${name}_${original < update ? "INCREASED" : "DECREASED"}`, keyword);
}
