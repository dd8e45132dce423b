/**
 * The Kafka socket loop: accepts TCP connections on 127.0.0.1 (by default) and serves each with
 * a {@linkcode Connection}; closes idle connections; shuts down gracefully.
 *
 * @module
 */
import { DEFAULT_MAX_FRAME_SIZE } from "../protocol/mod.ts";
import { Connection } from "./connection.ts";
import type { ApiRegistry } from "../api/mod.ts";
import { errorField, type Logger, silentLogger } from "@iot/service";
import { BrokerMetrics } from "./metrics.ts";

/** Options for {@linkcode KafkaServer.listen}; every field but `apis` has a default. */
export interface KafkaServerOptions {
  /** The APIs served: only these are accepted and advertised, at the registered versions. */
  apis: ApiRegistry;
  /** An already bound listener to serve (then `hostname`/`port` are ignored). Default: none. */
  listener?: Deno.Listener;
  /** Interface to bind. Default: "127.0.0.1". */
  hostname?: string;
  /** TCP port; 0 picks a free one. Default: 9092. */
  port?: number;
  /** Largest request frame (`socket.request.max.bytes`). Default: 100 MiB. */
  maxFrameSize?: number;
  /** Close connections idle this long (`connections.max.idle.ms`). Default: 600000 (10 min). */
  idleTimeoutMs?: number;
  /** Log sink. Default: silent. */
  logger?: Logger;
  /** Counters. Default: a new {@linkcode BrokerMetrics}. */
  metrics?: BrokerMetrics;
  /** Require SASL authentication before any API but ApiVersions and SASL. Default: false. */
  requireSasl?: boolean;
}

/**
 * A listening Kafka-protocol server. Answers requests in order per connection, closes a
 * connection on any request it cannot decode, and never lets one connection's error reach
 * another.
 *
 * @example
 * ```ts
 * import { ApiRegistry } from "../api/mod.ts";
 * import { KafkaServer } from "./server.ts";
 * await using server = KafkaServer.listen({ apis: new ApiRegistry(), port: 0 });
 * console.log(server.port);
 * ```
 */
export class KafkaServer implements AsyncDisposable {
  /** Bound interface. */
  readonly hostname: string;
  /** Bound port. */
  readonly port: number;
  /** The server's counters. */
  readonly metrics: BrokerMetrics;
  #listener: Deno.Listener;
  #connections = new Set<Connection>();
  #served = new Set<Promise<void>>();
  #accepting: Promise<void>;
  #sweeper: ReturnType<typeof setInterval>;
  #logger: Logger;
  #closing: Promise<void> | undefined;
  #nextId = 1;

  private constructor(options: KafkaServerOptions) {
    this.#logger = options.logger ?? silentLogger;
    this.metrics = options.metrics ?? new BrokerMetrics();
    this.#listener = options.listener ?? Deno.listen({
      hostname: options.hostname ?? "127.0.0.1",
      port: options.port ?? 9092,
    });
    const addr = this.#listener.addr as Deno.NetAddr;
    this.hostname = addr.hostname;
    this.port = addr.port;
    const idleMs = options.idleTimeoutMs ?? 600_000;
    this.#sweeper = setInterval(
      () => this.#closeIdle(idleMs),
      Math.max(10, Math.min(idleMs / 4, 30_000)),
    );
    this.#accepting = this.#accept({
      handlers: options.apis.handlers,
      versions: options.apis.versions,
      maxFrameSize: options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE,
      logger: this.#logger,
      metrics: this.metrics,
      requireSasl: options.requireSasl ?? false,
    });
  }

  /** Binds and starts accepting. Throws `Deno.errors.AddrInUse` if the port is taken. */
  static listen(options: KafkaServerOptions): KafkaServer {
    return new KafkaServer(options);
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /**
   * Stops accepting, ends long polls, lets each connection finish the request it is handling,
   * then closes every connection. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#sweeper);
      try {
        this.#listener.close();
      } catch {
        // already closed
      }
      await this.#accepting;
      for (const c of this.#connections) c.shutdown();
      await Promise.all(this.#served);
    })();
    return this.#closing;
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #accept(deps: ConstructorParameters<typeof Connection>[2]): Promise<void> {
    while (true) {
      let conn: Deno.Conn;
      try {
        conn = await this.#listener.accept();
      } catch (e) {
        if (this.#closing) return;
        if (e instanceof Deno.errors.BadResource) return;
        this.#logger.error("accept failed", { error: errorField(e) });
        continue;
      }
      if (this.#closing) {
        conn.close();
        continue;
      }
      try {
        (conn as Deno.TcpConn).setNoDelay?.(true);
      } catch {
        // not fatal
      }
      const c = new Connection(conn, this.#nextId++, deps);
      this.#connections.add(c);
      this.metrics.connectionOpened();
      this.#logger.debug("connection opened", { connection: c.id, remote: c.remoteAddress });
      const served: Promise<void> = c.serve().finally(() => {
        this.#connections.delete(c);
        this.#served.delete(served);
        this.metrics.connectionClosed();
        this.#logger.debug("connection closed", { connection: c.id, remote: c.remoteAddress });
      });
      this.#served.add(served);
    }
  }

  #closeIdle(idleMs: number): void {
    const now = performance.now();
    for (const c of this.#connections) {
      if (!c.busy && now - c.lastActivity > idleMs) {
        this.#logger.info("closing idle connection", {
          connection: c.id,
          remote: c.remoteAddress,
          idleMs: Math.round(now - c.lastActivity),
        });
        c.close();
      }
    }
  }
}

/** PEM certificate chain and private key of a TLS listener. */
export interface TlsFiles {
  /** Certificate chain (PEM text). */
  cert: string;
  /** Private key (PEM text). */
  key: string;
}

/**
 * Binds a TCP listener, or a TLS one when `tls` is given, for
 * {@linkcode KafkaServerOptions.listener}: the composition root binds first because with port 0
 * the advertised port is only known afterwards. Throws `Deno.errors.AddrInUse` if the port is
 * taken.
 */
export function bindKafkaListener(
  hostname: string,
  port: number,
  tls?: TlsFiles,
): Deno.Listener & { addr: Deno.NetAddr } {
  return tls ? Deno.listenTls({ hostname, port, ...tls }) : Deno.listen({ hostname, port });
}
