/**
 * Kafka framing: every request and response is an int32 byte count followed by that many bytes.
 * {@link FrameSplitter} cuts a stream of chunks into frames; {@link frameChunks} prefixes an
 * encoded message with its size. Pure: no sockets.
 *
 * @module
 */

import { ProtocolError } from "./wire.ts";

/** Kafka's default `socket.request.max.bytes` (100 MiB). */
export const DEFAULT_MAX_FRAME_SIZE = 104_857_600;

/** A frame announced a size above the configured maximum; the connection should be closed. */
export class FrameTooLargeError extends Error {
  /** The announced size. */
  readonly size: number;
  /** The configured maximum. */
  readonly maxFrameSize: number;

  /** Creates the error for a frame of `size` bytes over `maxFrameSize`. */
  constructor(size: number, maxFrameSize: number) {
    super(`frame of ${size} bytes exceeds the maximum of ${maxFrameSize}`);
    this.name = "FrameTooLargeError";
    this.size = size;
    this.maxFrameSize = maxFrameSize;
  }
}

/** Options for {@link FrameSplitter}. */
export interface FrameSplitterOptions {
  /** Largest accepted frame payload in bytes. Default {@link DEFAULT_MAX_FRAME_SIZE}. */
  maxFrameSize?: number;
}

/**
 * Splits incoming byte chunks into frame payloads (without the size prefix).
 *
 * `push` takes ownership of each chunk: a frame lying inside one chunk is returned as a view of
 * it (no copy), so the caller must not reuse the chunk's memory (chunks from a
 * `ReadableStream` such as `conn.readable` are fresh arrays, which is fine).
 *
 * @example
 * ```ts
 * import { FrameSplitter } from "./frame.ts";
 * const splitter = new FrameSplitter({ maxFrameSize: 1024 });
 * const frames = splitter.push(new Uint8Array([0, 0, 0, 2, 7, 8, 0]));
 * console.log(frames); // [Uint8Array [7, 8]]; one byte of the next size prefix stays buffered
 * ```
 */
export class FrameSplitter {
  readonly #max: number;
  #pending: Uint8Array[] = [];
  #pendingLength = 0;
  /** Bytes the pending data must reach before a frame can complete (avoids re-concatenating). */
  #needed = 4;

  /** Creates a splitter. */
  constructor(options: FrameSplitterOptions = {}) {
    this.#max = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  }

  /** Bytes received but not yet returned as part of a frame. */
  get buffered(): number {
    return this.#pendingLength;
  }

  /**
   * Adds a chunk and returns every frame it completes, in order. Throws
   * {@link FrameTooLargeError} or {@link ProtocolError} (`negative_length`) for a bad size
   * prefix; the splitter is then unusable and the connection should be closed.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    let buf = chunk;
    if (this.#pendingLength > 0) {
      this.#pending.push(chunk);
      this.#pendingLength += chunk.length;
      if (this.#pendingLength < this.#needed) return [];
      buf = concat(this.#pending, this.#pendingLength);
      this.#pending = [];
      this.#pendingLength = 0;
    }
    const frames: Uint8Array[] = [];
    let at = 0;
    this.#needed = 4;
    while (buf.length - at >= 4) {
      const size = (buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3];
      if (size < 0) throw new ProtocolError("negative_length", `frame size ${size}`, at);
      if (size > this.#max) throw new FrameTooLargeError(size, this.#max);
      if (buf.length - at - 4 < size) {
        this.#needed = 4 + size;
        break;
      }
      frames.push(buf.subarray(at + 4, at + 4 + size));
      at += 4 + size;
    }
    if (at < buf.length) {
      this.#pending.push(buf.subarray(at));
      this.#pendingLength = buf.length - at;
    }
    return frames;
  }
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Prefixes `chunks` (one encoded message) with their int32 total size, for a vectored write. */
export function frameChunks(chunks: readonly Uint8Array[]): Uint8Array[] {
  let size = 0;
  for (const c of chunks) size += c.length;
  const prefix = new Uint8Array(4);
  new DataView(prefix.buffer).setInt32(0, size);
  return [prefix, ...chunks];
}
