/**
 * The version table the server accepts and ApiVersions advertises: the generated
 * {@linkcode ADVERTISED_VERSIONS} narrowed to APIs that have a handler and to per-API limits.
 *
 * @module
 */
import { ADVERTISED_VERSIONS, type VersionRange } from "../protocol/mod.ts";
import type { HandlerTable } from "./handler.ts";

/**
 * Intersects {@linkcode ADVERTISED_VERSIONS} with the keys of `handlers` and with `limits`
 * (by API key), dropping APIs whose range becomes empty.
 *
 * @example
 * ```ts
 * import { servedVersions } from "./versions.ts";
 * const table = servedVersions({ 18: () => ({ errorCode: 0, apiKeys: [] }) }, new Map());
 * console.log(table.get(18)); // { min: 0, max: 4 }
 * ```
 */
export function servedVersions(
  handlers: HandlerTable,
  limits: ReadonlyMap<number, VersionRange> = new Map(),
): Map<number, VersionRange> {
  const out = new Map<number, VersionRange>();
  for (const [key, range] of ADVERTISED_VERSIONS) {
    if (!(key in handlers)) continue;
    const limit = limits.get(key);
    const min = Math.max(range.min, limit?.min ?? range.min);
    const max = Math.min(range.max, limit?.max ?? range.max);
    if (min <= max) out.set(key, { min, max });
  }
  return out;
}
