/**
 * The API versions the broker advertises in ApiVersions, and lookup of generated API info.
 *
 * @module
 */

import type { ApiInfo } from "./api_info.ts";
import { APIS } from "./generated/apis.ts";

/** An inclusive version range. */
export interface VersionRange {
  /** Lowest version, inclusive. */
  readonly min: number;
  /** Highest version, inclusive. */
  readonly max: number;
}

/** Generated API info by API key. */
export const API_BY_KEY: ReadonlyMap<number, ApiInfo> = new Map(APIS.map((a) => [a.apiKey, a]));

/**
 * API keys whose top version the schema snapshot marks unreleased but Kafka 4.0 released
 * unchanged: ConsumerGroupHeartbeat v1 (KIP-848 with SubscribedTopicRegex; clients such as
 * franz-go use KIP-848 only from v1).
 */
const RELEASED_SINCE_SNAPSHOT: ReadonlySet<number> = new Set([68]);

/**
 * Versions we advertise, by API key: every generated API's full schema range, except a top
 * version the schema marks unreleased (`latestVersionUnstable`, e.g. EndTxn v5). Clients use
 * the highest version both sides support, so narrow this to what the handlers implement
 * (see NOTES.md §2.3 for minimums old librdkafka probes for).
 */
export const ADVERTISED_VERSIONS: ReadonlyMap<number, VersionRange> = new Map(
  APIS.map((a) => [a.apiKey, {
    min: a.minVersion,
    max: a.latestVersionUnstable && !RELEASED_SINCE_SNAPSHOT.has(a.apiKey)
      ? a.maxVersion - 1
      : a.maxVersion,
  }]),
);

/** Entries for ApiVersionsResponse.apiKeys from a version table, ordered by key. */
export function apiVersionsEntries(
  table: ReadonlyMap<number, VersionRange> = ADVERTISED_VERSIONS,
): { apiKey: number; minVersion: number; maxVersion: number }[] {
  return [...table].sort((a, b) => a[0] - b[0]).map(([apiKey, r]) => ({
    apiKey,
    minVersion: r.min,
    maxVersion: r.max,
  }));
}
