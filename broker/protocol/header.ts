/**
 * Request and response header codecs (RequestHeader v0–v2, ResponseHeader v0–v1) and the
 * per-API rule for which header version applies.
 *
 * - Request header v2 (with a tagged-field section) iff the request version is flexible,
 *   else v1. `ClientId` is always a classic int16-length nullable string.
 * - Response header v1 (correlation id + tagged fields) iff the response version is flexible,
 *   else v0, except ApiVersions, whose response always uses v0 (KIP-511) so that a client can
 *   parse it before it knows what the broker supports.
 *
 * @module
 */

import { isFlexible } from "./api_info.ts";
import { skipTaggedFields } from "./codec.ts";
import { API_BY_KEY } from "./advertised.ts";
import { ApiKey } from "./generated/apis.ts";
import type { Reader, Writer } from "./wire.ts";

/** A decoded request header. */
export interface RequestHeader {
  /** The API key of the request. */
  apiKey: number;
  /** The API version of the request. */
  apiVersion: number;
  /** Echoed in the response header. */
  correlationId: number;
  /** The client's id (null if the client sent none; always null for header v0). */
  clientId: string | null;
}

/** Request header version for `apiVersion` of `apiKey`: 2 if flexible, else 1 (unknown keys: 1). */
export function requestHeaderVersion(apiKey: number, apiVersion: number): 1 | 2 {
  const api = API_BY_KEY.get(apiKey);
  return api !== undefined && isFlexible(api, apiVersion) ? 2 : 1;
}

/** Response header version for `apiVersion` of `apiKey`: 1 if flexible, else 0; ApiVersions: 0. */
export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  if (apiKey === ApiKey.ApiVersions) return 0;
  const api = API_BY_KEY.get(apiKey);
  return api !== undefined && isFlexible(api, apiVersion) ? 1 : 0;
}

/**
 * Reads a request header. Without `headerVersion`, the version follows from the api key and
 * version just read ({@link requestHeaderVersion}); tagged header fields are skipped.
 */
export function readRequestHeader(r: Reader, headerVersion?: 0 | 1 | 2): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const hv = headerVersion ?? requestHeaderVersion(apiKey, apiVersion);
  const clientId = hv >= 1 ? r.string(false) : null;
  if (hv >= 2) skipTaggedFields(r);
  return { apiKey, apiVersion, correlationId, clientId };
}

/** Writes a request header (for clients and tests); the version defaults as in {@link readRequestHeader}. */
export function writeRequestHeader(w: Writer, h: RequestHeader, headerVersion?: 0 | 1 | 2): void {
  const hv = headerVersion ?? requestHeaderVersion(h.apiKey, h.apiVersion);
  w.int16(h.apiKey);
  w.int16(h.apiVersion);
  w.int32(h.correlationId);
  if (hv >= 1) w.string(h.clientId, false);
  if (hv >= 2) w.uvarint(0);
}

/** Writes a response header: the correlation id, plus an empty tagged-field section for v1. */
export function writeResponseHeader(w: Writer, correlationId: number, headerVersion: 0 | 1): void {
  w.int32(correlationId);
  if (headerVersion === 1) w.uvarint(0);
}

/** Reads a response header and returns its correlation id (for clients and tests). */
export function readResponseHeader(r: Reader, headerVersion: 0 | 1): number {
  const correlationId = r.int32();
  if (headerVersion === 1) skipTaggedFields(r);
  return correlationId;
}
