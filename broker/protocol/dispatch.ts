/**
 * Request decoding and response encoding by API key: the seam between framing and handlers.
 *
 * @module
 */

import { ADVERTISED_VERSIONS, type VersionRange } from "./advertised.ts";
import { frameChunks } from "./frame.ts";
import {
  type ApiKey,
  type RequestBodies,
  type RequestInputs,
  requestReaders,
  requestWriters,
  type ResponseBodies,
  type ResponseInputs,
  responseReaders,
  responseWriters,
} from "./generated/apis.ts";
import {
  readRequestHeader,
  readResponseHeader,
  type RequestHeader,
  responseHeaderVersion,
  writeRequestHeader,
  writeResponseHeader,
} from "./header.ts";
import { ProtocolError, Reader, Writer } from "./wire.ts";

/** A request whose body decoded; narrow on `apiKey` to get the typed body. */
export type DecodedRequest = {
  [K in ApiKey]: {
    /** The API key (same as `header.apiKey`). */
    apiKey: K;
    /** The request header. */
    header: RequestHeader;
    /** The decoded body. */
    body: RequestBodies[K];
  };
}[ApiKey];

/** Why a request with a readable header was not decoded. */
export type RequestErrorKind =
  /** The API key is not one we advertise: close the connection. */
  | "unknown_api_key"
  /** The version is outside the advertised range: for ApiVersions answer UNSUPPORTED_VERSION (35)
   * with a v0 body, otherwise close the connection. */
  | "unsupported_version"
  /** The body is corrupt (`cause` says how): close the connection. */
  | "corrupt_body";

/** A request whose header was read but whose body was not decoded. */
export interface RejectedRequest {
  /** The request header (use its correlation id to answer). */
  header: RequestHeader;
  /** What went wrong. */
  error: RequestErrorKind;
  /** The decode error, for `corrupt_body`. */
  cause?: ProtocolError;
}

/** Options for {@link decodeRequest}. */
export interface DecodeRequestOptions {
  /** Versions accepted per API key. Default {@link ADVERTISED_VERSIONS}. */
  versions?: ReadonlyMap<number, VersionRange>;
}

/**
 * Decodes one request frame (without its size prefix) into header and body.
 *
 * Throws {@link ProtocolError} only when even the header cannot be read (no correlation id to
 * answer); every other failure is returned as a {@link RejectedRequest}.
 *
 * @example
 * ```ts
 * import { decodeRequest } from "./dispatch.ts";
 * export function topicsOf(frame: Uint8Array): string[] {
 *   const req = decodeRequest(frame);
 *   if ("error" in req) return []; // answer UNSUPPORTED_VERSION for ApiVersions, else close
 *   if (req.apiKey !== 3) return [];
 *   return (req.body.topics ?? []).map((t) => t.name); // req.body: MetadataRequest
 * }
 * ```
 */
export function decodeRequest(
  frame: Uint8Array,
  options: DecodeRequestOptions = {},
): DecodedRequest | RejectedRequest {
  const r = new Reader(frame);
  const header = readRequestHeader(r);
  const range = (options.versions ?? ADVERTISED_VERSIONS).get(header.apiKey);
  if (range === undefined || !(header.apiKey in requestReaders)) {
    return { header, error: "unknown_api_key" };
  }
  if (header.apiVersion < range.min || header.apiVersion > range.max) {
    return { header, error: "unsupported_version" };
  }
  try {
    const read = requestReaders[header.apiKey as ApiKey];
    const body = read(r, header.apiVersion);
    r.expectEnd(`request body of API key ${header.apiKey} v${header.apiVersion}`);
    return { apiKey: header.apiKey, header, body } as DecodedRequest;
  } catch (e) {
    if (e instanceof ProtocolError) return { header, error: "corrupt_body", cause: e };
    throw e;
  }
}

/**
 * Encodes a whole response frame: size prefix, response header (version per
 * {@link responseHeaderVersion}) and body. Returns chunks for a vectored write; large byte
 * fields (record batches) are referenced, not copied. Throws `RangeError`/`TypeError` if the
 * body cannot be expressed in `apiVersion`.
 *
 * For the ApiVersions fallback, pass `apiVersion` 0 and `errorCode` 35.
 */
export function encodeResponse<K extends ApiKey>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  body: ResponseInputs[K],
): Uint8Array[] {
  const w = new Writer(512);
  writeResponseHeader(w, correlationId, responseHeaderVersion(apiKey, apiVersion));
  const write = responseWriters[apiKey] as (w: Writer, v: ResponseInputs[K], v2: number) => void;
  write(w, body, apiVersion);
  return frameChunks(w.chunks());
}

/**
 * Encodes a whole request frame (size prefix, header, body): the client side, for tests and
 * tools. Throws `RangeError`/`TypeError` if the body cannot be expressed in `header.apiVersion`.
 */
export function encodeRequest<K extends ApiKey>(
  header: RequestHeader & { apiKey: K },
  body: RequestInputs[K],
): Uint8Array[] {
  const w = new Writer(256);
  writeRequestHeader(w, header);
  const write = requestWriters[header.apiKey] as (
    w: Writer,
    v: RequestInputs[K],
    v2: number,
  ) => void;
  write(w, body, header.apiVersion);
  return frameChunks(w.chunks());
}

/**
 * Decodes one response frame (without its size prefix) for `apiKey` at `apiVersion`: the client
 * side, for tests and tools. Throws {@link ProtocolError} on bad input.
 */
export function decodeResponse<K extends ApiKey>(
  apiKey: K,
  apiVersion: number,
  frame: Uint8Array,
): { correlationId: number; body: ResponseBodies[K] } {
  const r = new Reader(frame);
  const correlationId = readResponseHeader(r, responseHeaderVersion(apiKey, apiVersion));
  const read = responseReaders[apiKey] as (r: Reader, version: number) => ResponseBodies[K];
  const body = read(r, apiVersion);
  r.expectEnd(`response body of API key ${apiKey} v${apiVersion}`);
  return { correlationId, body };
}
