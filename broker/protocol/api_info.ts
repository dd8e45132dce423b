/**
 * Static description of one Kafka API as generated from its schema.
 *
 * @module
 */

/** The versions and encodings of one API (request and response share them). */
export interface ApiInfo {
  /** The API key, e.g. 18 for ApiVersions. */
  readonly apiKey: number;
  /** The Kafka name without the Request/Response suffix, e.g. `ApiVersions`. */
  readonly name: string;
  /** Lowest version the schema defines. */
  readonly minVersion: number;
  /** Highest version the schema defines. */
  readonly maxVersion: number;
  /** First flexible (KIP-482) version, or −1 if none. */
  readonly firstFlexibleVersion: number;
  /** The schema marks `maxVersion` as unreleased; do not advertise it. */
  readonly latestVersionUnstable: boolean;
}

/** `true` if `version` of `api` uses the flexible encoding (compact types, tagged fields). */
export function isFlexible(api: ApiInfo, version: number): boolean {
  return api.firstFlexibleVersion >= 0 && version >= api.firstFlexibleVersion;
}
