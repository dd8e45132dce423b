/**
 * One client connection: reads frames, answers each request in order (Kafka's model: one request
 * in flight per connection, so pipelined requests queue in the socket), and closes on bad input.
 *
 * @module
 */
import {
  API_BY_KEY,
  ApiKey,
  apiVersionsEntries,
  decodeRequest,
  encodeResponse,
  ErrorCode,
  FrameTooLargeError,
  ProtocolError,
  type VersionRange,
} from "../protocol/mod.ts";
import type { ConnectionAuth, Handler, HandlerTable, RequestContext } from "../api/mod.ts";
import { errorField, type Logger } from "@iot/service";
import type { BrokerMetrics } from "./metrics.ts";
import { FrameReader } from "./frame_reader.ts";

const COALESCE_LIMIT = 64 * 1024;

/** What a connection needs from the server. */
export interface ConnectionDeps {
  /** Handlers by API key. */
  handlers: HandlerTable;
  /** Accepted versions (also the ApiVersions fallback's list). */
  versions: ReadonlyMap<number, VersionRange>;
  /** Largest accepted frame. */
  maxFrameSize: number;
  /** Log sink. */
  logger: Logger;
  /** Counters. */
  metrics: BrokerMetrics;
  /** Only ApiVersions and SASL requests are served until the connection authenticates. */
  requireSasl?: boolean;
}

/** APIs a connection may use before it has authenticated. */
const BEFORE_AUTH: ReadonlySet<number> = new Set([
  ApiKey.ApiVersions,
  ApiKey.SaslHandshake,
  ApiKey.SaslAuthenticate,
]);

/** A served connection; the server keeps these to time out idle ones and to shut down. */
export class Connection {
  /** Process-unique id. */
  readonly id: number;
  /** Client address `host:port`. */
  readonly remoteAddress: string;
  /** `performance.now()` of the last completed request (or the accept). */
  lastActivity = performance.now();
  /** True while a request is being handled or answered. */
  busy = false;
  #conn: Deno.Conn;
  #deps: ConnectionDeps;
  #abort = new AbortController();
  #auth: ConnectionAuth;
  #closing = false;
  #closed = false;
  /** `performance.now()` until which the connection is muted (quota throttling). */
  #mutedUntil = 0;

  /** Wraps an accepted socket. */
  constructor(conn: Deno.Conn, id: number, deps: ConnectionDeps) {
    this.#conn = conn;
    this.id = id;
    this.#deps = deps;
    this.#auth = {
      principal: deps.requireSasl ? null : "User:ANONYMOUS",
      mechanism: null,
      exchange: null,
      failed: false,
    };
    const a = conn.remoteAddr as Deno.NetAddr;
    this.remoteAddress = `${a.hostname}:${a.port}`;
  }

  /** Reads and answers requests until the client disconnects or the connection is closed. */
  async serve(): Promise<void> {
    const reader = new FrameReader(this.#conn, this.#deps.maxFrameSize);
    try {
      while (!this.#closing) {
        let frame: Uint8Array | null;
        try {
          frame = await reader.next();
        } catch (e) {
          if (!(e instanceof FrameTooLargeError || e instanceof ProtocolError)) throw e;
          this.#reject(e instanceof FrameTooLargeError ? "frame too large" : "bad frame size", e);
          break;
        }
        if (frame === null) break;
        if (!await this.#handle(frame)) return;
        await this.#unmuted();
      }
    } catch (e) {
      if (!this.#closing && !isDisconnect(e)) {
        this.#deps.logger.warn("connection error", this.#fields({ error: errorField(e) }));
      }
    } finally {
      this.close();
    }
  }

  /**
   * Ends the connection: at once if idle, otherwise after the request in progress is answered.
   * Aborts long polls so that happens promptly.
   */
  shutdown(): void {
    this.#closing = true;
    this.#abort.abort();
    if (!this.busy) this.close();
  }

  /** Closes the socket now; idempotent. */
  close(): void {
    this.#closing = true;
    this.#abort.abort();
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // already closed by the peer
    }
  }

  /** Handles one frame; false means the connection must close. */
  async #handle(frame: Uint8Array): Promise<boolean> {
    const start = performance.now();
    this.busy = true;
    try {
      let req;
      try {
        req = decodeRequest(frame, { versions: this.#deps.versions });
      } catch (e) {
        this.#reject("unreadable request header", e);
        return false;
      }
      const { header } = req;
      const api = API_BY_KEY.get(header.apiKey)?.name ?? `key${header.apiKey}`;
      if ("error" in req) {
        if (req.error === "unsupported_version" && header.apiKey === ApiKey.ApiVersions) {
          const out = encodeResponse(ApiKey.ApiVersions, 0, header.correlationId, {
            errorCode: ErrorCode.UNSUPPORTED_VERSION,
            apiKeys: apiVersionsEntries(this.#deps.versions),
          });
          await this.#write(out);
          this.#observe(api, frame, out, start);
          return true;
        }
        this.#reject(`${req.error.replaceAll("_", " ")} (${api} v${header.apiVersion})`, req.cause);
        return false;
      }
      if (this.#auth.principal === null && !BEFORE_AUTH.has(req.apiKey)) {
        this.#reject(`${api} before SASL authentication`);
        return false;
      }
      const handler = this.#deps.handlers[req.apiKey] as Handler<typeof req.apiKey> | undefined;
      if (!handler) {
        this.#reject(`no handler for ${api}`);
        return false;
      }
      const context: RequestContext = {
        header,
        connectionId: this.id,
        remoteAddress: this.remoteAddress,
        signal: this.#abort.signal,
        auth: this.#auth,
        throttle: (ms) => {
          this.#mutedUntil = Math.max(this.#mutedUntil, performance.now() + ms);
        },
      };
      let out: Uint8Array[] = [];
      try {
        const body = await handler(req.body as never, context);
        if (body !== null) {
          out = encodeResponse(req.apiKey, header.apiVersion, header.correlationId, body as never);
        }
      } catch (e) {
        this.#deps.metrics.observeRequest(api, frame.length, 0, elapsed(start), true);
        this.#deps.logger.error(
          "request failed; closing connection",
          this.#fields({ api, version: header.apiVersion, error: errorField(e) }),
        );
        this.#deps.metrics.connectionRejected();
        return false;
      }
      if (out.length > 0) await this.#write(out);
      this.#observe(api, frame, out, start);
      // Kafka closes the connection after answering a failed authentication.
      return !this.#auth.failed;
    } finally {
      this.busy = false;
      this.lastActivity = performance.now();
    }
  }

  /** Waits out a quota throttle (reading nothing meanwhile); ends early on close. */
  async #unmuted(): Promise<void> {
    const ms = this.#mutedUntil - performance.now();
    if (ms <= 0 || this.#closing) return;
    // `over` drops the abort listener once the throttle has passed.
    const over = new AbortController();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => over.abort(), ms);
      over.signal.addEventListener("abort", () => resolve());
      this.#abort.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        over.abort();
      }, { signal: over.signal });
    });
  }

  #observe(api: string, frame: Uint8Array, out: Uint8Array[], start: number): void {
    let bytes = 0;
    for (const c of out) bytes += c.length;
    this.#deps.metrics.observeRequest(api, frame.length + 4, bytes, elapsed(start));
  }

  async #write(chunks: Uint8Array[]): Promise<void> {
    for (const chunk of coalesce(chunks)) {
      let off = 0;
      while (off < chunk.length) off += await this.#conn.write(chunk.subarray(off));
    }
  }

  #reject(reason: string, cause?: unknown): void {
    this.#deps.metrics.connectionRejected();
    this.#deps.logger.warn(
      `closing connection: ${reason}`,
      this.#fields(cause === undefined ? {} : { error: errorField(cause) }),
    );
  }

  #fields(extra: Record<string, unknown>): Record<string, unknown> {
    return { connection: this.id, remote: this.remoteAddress, ...extra };
  }
}

function elapsed(start: number): number {
  return (performance.now() - start) / 1000;
}

/** Merges runs of small chunks so a response takes few write calls. */
function coalesce(chunks: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let run: Uint8Array[] = [];
  let runLength = 0;
  const flush = () => {
    if (run.length === 1) out.push(run[0]);
    else if (run.length > 1) {
      const merged = new Uint8Array(runLength);
      let pos = 0;
      for (const c of run) {
        merged.set(c, pos);
        pos += c.length;
      }
      out.push(merged);
    }
    run = [];
    runLength = 0;
  };
  for (const c of chunks) {
    if (c.length >= COALESCE_LIMIT) {
      flush();
      out.push(c);
    } else {
      if (runLength + c.length > COALESCE_LIMIT) flush();
      run.push(c);
      runLength += c.length;
    }
  }
  flush();
  return out;
}

function isDisconnect(e: unknown): boolean {
  return e instanceof Deno.errors.ConnectionReset || e instanceof Deno.errors.BrokenPipe ||
    e instanceof Deno.errors.BadResource || e instanceof Deno.errors.Interrupted ||
    e instanceof Deno.errors.ConnectionAborted;
}
