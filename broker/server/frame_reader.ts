/**
 * Reads size-prefixed Kafka frames from a socket with one bounded, reused read buffer per
 * connection. A frame that fits in what was read is copied out once; a larger one gets a buffer
 * of exactly its size and the rest of it is read straight into that buffer. So a request costs
 * one allocation of its own size, instead of a copy of every read plus a concatenation.
 *
 * @module
 */
import { FrameSplitter, FrameTooLargeError, ProtocolError } from "../protocol/mod.ts";

/** Bytes of the reused read buffer of each connection. */
export const READ_BUFFER_SIZE = 64 * 1024;

/**
 * Frames up to this size get their whole buffer at once; a larger announced size only gets
 * memory as its bytes arrive, so a peer cannot make the broker allocate what it never sends.
 */
export const EAGER_FRAME_SIZE = 16 * 1024 * 1024;

/** What the reader reads from (a `Deno.Conn`). */
export interface ByteSource {
  /** Reads into `p`; resolves with the bytes read, or null at the end of the stream. */
  read(p: Uint8Array): Promise<number | null>;
}

/** Frames of one connection, in order. */
export class FrameReader {
  readonly #source: ByteSource;
  readonly #max: number;
  readonly #buffer: Uint8Array;
  #start = 0;
  #end = 0;

  /** Reads from `source`; frames above `maxFrameSize` bytes are refused. */
  constructor(source: ByteSource, maxFrameSize: number, bufferSize = READ_BUFFER_SIZE) {
    this.#source = source;
    this.#max = maxFrameSize;
    this.#buffer = new Uint8Array(bufferSize);
  }

  /**
   * The next frame's payload (a buffer of its own), or null when the stream ends (also in the
   * middle of a frame). Throws {@linkcode FrameTooLargeError} or {@linkcode ProtocolError}
   * (`negative_length`) for a bad size prefix; the connection should then be closed.
   */
  async next(): Promise<Uint8Array | null> {
    while (this.#end - this.#start < 4) if (!await this.#fill()) return null;
    const b = this.#buffer, at = this.#start;
    const size = (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
    if (size < 0) throw new ProtocolError("negative_length", `frame size ${size}`, 0);
    if (size > this.#max) throw new FrameTooLargeError(size, this.#max);
    const have = this.#end - at - 4;
    if (have >= size) {
      this.#start = at + 4 + size;
      return b.slice(at + 4, at + 4 + size);
    }
    if (size > EAGER_FRAME_SIZE) return await this.#readGiant(size, have);
    const frame = new Uint8Array(size);
    frame.set(b.subarray(at + 4, this.#end));
    this.#start = this.#end = 0;
    for (let filled = have; filled < size;) {
      const n = await this.#source.read(frame.subarray(filled));
      if (n === null) return null;
      filled += n;
    }
    return frame;
  }

  /** A frame above the eager size: collected by a splitter in pieces as they arrive. */
  async #readGiant(size: number, have: number): Promise<Uint8Array | null> {
    const splitter = new FrameSplitter({ maxFrameSize: this.#max });
    splitter.push(this.#buffer.slice(this.#start, this.#end));
    this.#start = this.#end = 0;
    for (let filled = have; filled < size;) {
      const piece = new Uint8Array(Math.min(EAGER_FRAME_SIZE, size - filled));
      const n = await this.#source.read(piece);
      if (n === null) return null;
      filled += n;
      const [frame] = splitter.push(piece.subarray(0, n));
      if (frame) return frame;
    }
    return null;
  }

  /** Reads more into the buffer (moving what is left to its start); false at the end. */
  async #fill(): Promise<boolean> {
    if (this.#start > 0) {
      this.#buffer.copyWithin(0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
    }
    const n = await this.#source.read(this.#buffer.subarray(this.#end));
    if (n === null) return false;
    this.#end += n;
    return true;
  }
}
