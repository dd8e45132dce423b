/**
 * A minimal Kafka client for broker tests: encodes requests with the protocol codecs, reads
 * responses frame by frame, and can send arbitrary bytes.
 *
 * @module
 */
import {
  type ApiKey,
  decodeResponse,
  encodeRequest,
  FrameSplitter,
  type RequestInputs,
  type ResponseBodies,
} from "../protocol/mod.ts";

/** One raw connection to a broker. */
export class RawClient implements AsyncDisposable {
  #conn: Deno.TcpConn;
  #splitter = new FrameSplitter();
  #frames: Uint8Array[] = [];
  #nextCorrelation = 1;
  #closed = false;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Connects to `host:port`. */
  static async connect(bootstrap: string): Promise<RawClient> {
    const [hostname, port] = bootstrap.split(":");
    return new RawClient(await Deno.connect({ hostname, port: Number(port) }));
  }

  /** Writes raw bytes. */
  async sendBytes(bytes: Uint8Array): Promise<void> {
    let off = 0;
    while (off < bytes.length) off += await this.#conn.write(bytes.subarray(off));
  }

  /** Encodes and writes a request; returns its correlation id. */
  async send<K extends ApiKey>(
    apiKey: K,
    apiVersion: number,
    body: RequestInputs[K],
    correlationId = this.#nextCorrelation++,
  ): Promise<number> {
    const chunks = encodeRequest({ apiKey, apiVersion, correlationId, clientId: "raw" }, body);
    await this.sendBytes(concat(chunks));
    return correlationId;
  }

  /** Reads the next response frame, or null if the broker closed the connection. */
  async readFrame(): Promise<Uint8Array | null> {
    while (this.#frames.length === 0) {
      const buf = new Uint8Array(65536);
      let n: number | null;
      try {
        n = await this.#conn.read(buf);
      } catch (e) {
        if (e instanceof Deno.errors.ConnectionReset) return null;
        throw e;
      }
      if (n === null) return null;
      this.#frames.push(...this.#splitter.push(buf.subarray(0, n)));
    }
    return this.#frames.shift()!;
  }

  /** Reads and decodes the next response as `apiKey` v`apiVersion`. */
  async receive<K extends ApiKey>(
    apiKey: K,
    apiVersion: number,
  ): Promise<{ correlationId: number; body: ResponseBodies[K] }> {
    const frame = await this.readFrame();
    if (!frame) throw new Error("connection closed by broker");
    return decodeResponse(apiKey, apiVersion, frame);
  }

  /** Sends a request and decodes its response. */
  async request<K extends ApiKey>(
    apiKey: K,
    apiVersion: number,
    body: RequestInputs[K],
  ): Promise<ResponseBodies[K]> {
    const id = await this.send(apiKey, apiVersion, body);
    const res = await this.receive(apiKey, apiVersion);
    if (res.correlationId !== id) {
      throw new Error(`correlation id ${res.correlationId}, expected ${id}`);
    }
    return res.body;
  }

  /**
   * Resolves true once the broker closes the connection (draining any frames), or false if it
   * is still open after `timeoutMs` (the socket is then closed).
   */
  async isClosedByBroker(timeoutMs = 5000): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const drain = (async () => {
      while (await this.readFrame() !== null) { /* discard */ }
      return true as const;
    })();
    const closed = await Promise.race([drain, timeout]);
    clearTimeout(timer);
    if (!closed) {
      this.close();
      await drain.catch(() => {});
    }
    return closed;
  }

  /** Closes the socket; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }

  /** Same as {@linkcode close}. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

/** Concatenates chunks. */
export function concat(chunks: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}
