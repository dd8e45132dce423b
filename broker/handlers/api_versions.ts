/**
 * ApiVersions (18): advertises the versions the server accepts.
 *
 * @module
 */
import { type ApiKey, apiVersionsEntries, type VersionRange } from "../protocol/mod.ts";
import type { Handler } from "../server/handler.ts";

/**
 * Answers ApiVersions with `versions` (the same table the server decodes with, so clients never
 * pick a version we would reject). No features are finalized (so Kafka 4 clients stay on
 * transactions v1).
 */
export function apiVersionsHandler(
  versions: ReadonlyMap<number, VersionRange>,
): Handler<typeof ApiKey.ApiVersions> {
  const apiKeys = apiVersionsEntries(versions);
  return () => ({ errorCode: 0, apiKeys, throttleTimeMs: 0 });
}
