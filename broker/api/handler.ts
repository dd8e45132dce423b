/**
 * The contract between the socket loop and the per-API request handlers.
 *
 * @module
 */
import type { ApiKey, RequestBodies, RequestHeader, ResponseInputs } from "../protocol/mod.ts";

/** What a handler knows about the request besides its body. */
export interface RequestContext {
  /** The decoded request header (api key and version, correlation id, client id). */
  readonly header: RequestHeader;
  /** A number identifying the connection, unique within the process. */
  readonly connectionId: number;
  /** The client's address, e.g. `127.0.0.1:53422`. */
  readonly remoteAddress: string;
  /** Aborts when the connection closes or the broker shuts down (ends long polls early). */
  readonly signal: AbortSignal;
  /** The connection's authentication state (absent where no socket is involved, e.g. tests). */
  readonly auth?: ConnectionAuth;
  /**
   * Mutes the connection for `ms` after this answer: no further request is read until then
   * (quota throttling, KIP-219). Absent where no socket is involved.
   */
  readonly throttle?: (ms: number) => void;
}

/** Per-connection SASL state, updated by the SaslHandshake and SaslAuthenticate handlers. */
export interface ConnectionAuth {
  /** `User:<name>` once authenticated; `User:ANONYMOUS` on a listener without SASL. */
  principal: string | null;
  /** The mechanism chosen by SaslHandshake, or null. */
  mechanism: string | null;
  /** Mechanism state between SaslAuthenticate round trips (SCRAM). */
  exchange: unknown;
  /** Set by a failed authentication: the server closes the connection after answering. */
  failed: boolean;
}

/**
 * Answers one API: receives the decoded request body and returns the response body for the same
 * version. Expected Kafka failures are error codes in the response; a thrown error closes the
 * connection (and is logged), as the real broker does for corrupt requests.
 * Returning `null` sends no response (Produce with `acks=0`).
 */
export type Handler<K extends ApiKey> = (
  request: RequestBodies[K],
  context: RequestContext,
) => ResponseInputs[K] | null | Promise<ResponseInputs[K] | null>;

/** Handlers by API key; the server answers only APIs present here (and advertises only those). */
export type HandlerTable = { [K in ApiKey]?: Handler<K> };
