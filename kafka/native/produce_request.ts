/**
 * The producer's request builder: lays out the `rd_kafka_vu_t` array of one
 * `rd_kafka_produceva()` call, for a {@linkcode ProducerRecord} or for one record of a
 * {@linkcode RecordBlock} (records already laid out in byte buffers), and makes the call.
 *
 * For a block, every entry that is the same for all its records (partitioner, flags, headers)
 * is written once; per record only the topic, value, key, opaque and timestamp change, as plain
 * 32-bit word stores. librdkafka copies the bytes during the call (`RD_KAFKA_MSG_F_COPY`).
 *
 * @module
 */
import { ErrorCode } from "../errors.ts";
import type { Librdkafka } from "./library.ts";
import { addressOf } from "./message.ts";

/** A header value; strings are sent as UTF-8. */
export type HeaderValue = string | Uint8Array | null;

/** Record headers, as an object or as ordered pairs (which allows repeated names). */
export type Headers =
  | Readonly<Record<string, HeaderValue>>
  | ReadonlyArray<readonly [string, HeaderValue]>;

/** A record to produce. */
export interface ProducerRecord {
  /** Target topic. */
  topic: string;
  /** Value bytes (strings are sent as UTF-8); `null` produces a tombstone. */
  value: Uint8Array | string | null;
  /** Key bytes; `null`/absent for no key. */
  key?: Uint8Array | string | null;
  /** Target partition; absent lets the configured partitioner choose (by key hash). */
  partition?: number;
  /** Record timestamp (milliseconds since the epoch or a Date); absent means now. */
  timestamp?: number | Date;
  /** Record headers. */
  headers?: Headers;
}

/**
 * Records laid out in byte buffers, for `Producer.sendBlock`: record `i` goes to
 * `topics[topicIndex[i]]` (partitioned by key), its value is
 * `values[valueStart[i] .. valueStart[i] + valueLength[i])`, its key likewise in `keys` (a
 * negative `keyLength` means no key), its timestamp `timestamps[i]`, and every record carries
 * `headers`. The buffers must not be resizable.
 */
export interface RecordBlock {
  /** Records in the block (the arrays may be longer). */
  readonly count: number;
  /** Topic names, indexed by `topicIndex`. */
  readonly topics: readonly string[];
  /** Per record: its topic's index in `topics`. */
  readonly topicIndex: Uint8Array;
  /** Value bytes of all records. */
  readonly values: Uint8Array;
  /** Per record: where its value starts in `values`. */
  readonly valueStart: Int32Array;
  /** Per record: its value's length. */
  readonly valueLength: Int32Array;
  /** Key bytes of all records. */
  readonly keys: Uint8Array;
  /** Per record: where its key starts in `keys`. */
  readonly keyStart: Int32Array;
  /** Per record: its key's length; negative for no key. */
  readonly keyLength: Int32Array;
  /** Per record: its timestamp, epoch ms. */
  readonly timestamps: Float64Array;
  /** Headers of every record. */
  readonly headers: ReadonlyArray<readonly [string, Uint8Array]>;
}

const VTYPE = {
  RKT: 2,
  PARTITION: 3,
  VALUE: 4,
  KEY: 5,
  OPAQUE: 6,
  MSGFLAGS: 7,
  TIMESTAMP: 8,
  HEADER: 9,
};
/** `sizeof(rd_kafka_vu_t)`: the type (4 bytes and padding), then a union of up to 3 words. */
const VU_SIZE = 72;
const VU_WORDS = VU_SIZE / 4;
const MSG_F_COPY = 0x2;
const PARTITION_UA = -1;
const TWO_32 = 2 ** 32;
const encoder = new TextEncoder();
const NUL = new Uint8Array(1);
const SHARED_BUFFER_BYTES = 4096;
/** The reference of a null value or header value (addresses are far below -1). */
const NULL_REF = -1;
const MAX_CACHED_HEADER_NAMES = 1024;
const NAME_CHUNK_SIZE = 16 * 1024;
const smallBigInts = Array.from({ length: 64 }, (_, i) => BigInt(i));
/** Entries of a block record: RKT, PARTITION, VALUE, KEY, OPAQUE, MSGFLAGS, TIMESTAMP. */
const BLOCK_FIXED = 7;

/**
 * Builds and makes `rd_kafka_produceva()` calls for one producer. `topicAddress` returns the
 * `rd_kafka_topic_t *` of a topic name as a number.
 */
export class ProduceRequestBuilder {
  readonly #lib: Librdkafka;
  readonly #rk: Deno.PointerObject;
  readonly #topicAddress: (name: string) => number;
  #vus = new Uint8Array(new ArrayBuffer(VU_SIZE * 16));
  #vuView = new DataView(this.#vus.buffer);
  #arena = new Uint8Array(new ArrayBuffer(64 * 1024));
  #arenaAddress = addressOf(this.#arena);
  #used = 0;
  #putLength = 0;
  readonly #headerSpans: number[] = [];
  readonly #headerNames = new Map<string, number>();
  /** Addresses of the (non-moving, off-heap) memory of buffers that values were sent from. */
  readonly #bufferAddresses = new WeakMap<ArrayBuffer, number>();
  #nameChunk = new Uint8Array(new ArrayBuffer(NAME_CHUNK_SIZE));
  /** Keeps every chunk alive: the addresses in `#headerNames` point into them. */
  readonly #nameChunks: Uint8Array[] = [this.#nameChunk];
  #nameChunkUsed = 0;
  // The block being sent: its entries, their words, and its buffers' addresses.
  #blockVus = new Uint8Array(new ArrayBuffer(VU_SIZE * 16));
  #blockHeaders = new Uint8Array(new ArrayBuffer(256));
  #blockWords = new Uint32Array(this.#blockVus.buffer);
  #blockCount = 0n;
  #block: RecordBlock | null = null;
  #blockValues = 0;
  #blockKeys = 0;
  #blockTopics: number[] = [];
  #blockTopic = -1;

  constructor(lib: Librdkafka, rk: Deno.PointerObject, topicAddress: (name: string) => number) {
    this.#lib = lib;
    this.#rk = rk;
    this.#topicAddress = topicAddress;
  }

  /** Produces `record` with `opaque`; returns librdkafka's error code (0 when queued). */
  produce(record: ProducerRecord, opaque: number): number {
    const count = this.#layOut(record, opaque);
    return this.#call(this.#vus, smallBigInts[count] ?? BigInt(count));
  }

  /** Prepares the entries shared by every record of `block`; then call {@linkcode produceAt}. */
  beginBlock(block: RecordBlock): void {
    const headers = block.headers;
    const entries = BLOCK_FIXED + headers.length;
    if (entries * VU_SIZE > this.#blockVus.length) {
      this.#blockVus = new Uint8Array(new ArrayBuffer(entries * VU_SIZE * 2));
      this.#blockWords = new Uint32Array(this.#blockVus.buffer);
    }
    const vu = new DataView(this.#blockVus.buffer);
    for (const [i, type] of [VTYPE.RKT, VTYPE.PARTITION, VTYPE.VALUE, VTYPE.KEY].entries()) {
      vu.setInt32(i * VU_SIZE, type, true);
    }
    vu.setInt32(VU_SIZE + 8, PARTITION_UA, true);
    vu.setInt32(4 * VU_SIZE, VTYPE.OPAQUE, true);
    vu.setInt32(5 * VU_SIZE, VTYPE.MSGFLAGS, true);
    vu.setInt32(5 * VU_SIZE + 8, MSG_F_COPY, true);
    vu.setInt32(6 * VU_SIZE, VTYPE.TIMESTAMP, true);
    // Header values (and uncached names) are copied once per block into memory the builder
    // owns; librdkafka copies them again during each call.
    let size = 0;
    for (const [name, value] of headers) size += name.length * 3 + 1 + value.length;
    if (size > this.#blockHeaders.length) {
      this.#blockHeaders = new Uint8Array(new ArrayBuffer(size * 2));
    }
    const scratch = this.#blockHeaders;
    const scratchAddress = addressOf(scratch);
    let used = 0;
    for (let h = 0; h < headers.length; h++) {
      const at = (BLOCK_FIXED + h) * VU_SIZE;
      const [name, value] = headers[h];
      vu.setInt32(at, VTYPE.HEADER, true);
      let nameAddress = this.#headerName(name);
      if (nameAddress === 0) {
        nameAddress = scratchAddress + used;
        used += encoder.encodeInto(name, scratch.subarray(used)).written;
        scratch[used++] = 0;
      }
      writeAddress(vu, at + 8, nameAddress);
      scratch.set(value, used);
      writeAddress(vu, at + 16, value.length > 0 ? scratchAddress + used : 0);
      writeAddress(vu, at + 24, value.length);
      used += value.length;
    }
    this.#blockCount = smallBigInts[entries] ?? BigInt(entries);
    this.#block = block;
    this.#blockValues = block.values.length > 0 ? addressOf(block.values) : 0;
    this.#blockKeys = block.keys.length > 0 ? addressOf(block.keys) : 0;
    this.#blockTopics = block.topics.map((name) => this.#topicAddress(name));
    this.#blockTopic = -1;
  }

  /** Produces record `i` of the block begun last, with `opaque`; returns the error code. */
  produceAt(i: number, opaque: number): number {
    const block = this.#block!;
    const w = this.#blockWords;
    const topic = block.topicIndex[i];
    if (topic !== this.#blockTopic) {
      setWords(w, 2, this.#blockTopics[topic]);
      this.#blockTopic = topic;
    }
    setWords(w, 2 * VU_WORDS + 2, this.#blockValues + block.valueStart[i]);
    w[2 * VU_WORDS + 4] = block.valueLength[i];
    const keyLength = block.keyLength[i];
    if (keyLength >= 0) {
      setWords(w, 3 * VU_WORDS + 2, this.#blockKeys + block.keyStart[i]);
      w[3 * VU_WORDS + 4] = keyLength;
    } else {
      setWords(w, 3 * VU_WORDS + 2, 0);
      w[3 * VU_WORDS + 4] = 0;
    }
    setWords(w, 4 * VU_WORDS + 2, opaque);
    setWords(w, 6 * VU_WORDS + 2, block.timestamps[i]);
    return this.#call(this.#blockVus, this.#blockCount);
  }

  /** Forgets the block (its buffers may be reused by the caller). */
  endBlock(): void {
    this.#block = null;
  }

  #call(vus: Uint8Array, count: bigint): number {
    const error = this.#lib.rd_kafka_produceva(this.#rk, vus, count);
    if (error === null) return ErrorCode.NO_ERROR;
    const code = this.#lib.rd_kafka_error_code(error);
    this.#lib.rd_kafka_error_destroy(error);
    return code;
  }

  /**
   * Where the bytes of `data` are for the next call, as a reference for `resolve()`: minus the
   * address of a Uint8Array's own memory (no copy; librdkafka copies it during the call), or an
   * offset in the arena for strings and buffers whose memory may move. Sets `#putLength`.
   */
  #locate(data: Uint8Array | string): number {
    if (typeof data !== "string" && data.length > 0) {
      const buffer = data.buffer;
      // Small buffers of their own are cheaper to copy than to look up; buffers shared by many
      // values (a batch encoded at once) are looked up once and then sent from in place.
      if (
        buffer.byteLength >= SHARED_BUFFER_BYTES && buffer instanceof ArrayBuffer &&
        !buffer.resizable
      ) {
        let base = this.#bufferAddresses.get(buffer);
        if (base === undefined) {
          base = addressOf(new Uint8Array(buffer));
          this.#bufferAddresses.set(buffer, base);
        }
        this.#putLength = data.length;
        return -(base + data.byteOffset);
      }
    }
    return this.#put(data);
  }

  /** Copies `data` into the arena after what is already there; returns its start. */
  #put(data: Uint8Array | string): number {
    const start = this.#used;
    if (typeof data === "string") {
      const room = start + data.length * 3 + 1;
      if (room > this.#arena.length) this.#growArena(room);
      const target = start === 0 ? this.#arena : this.#arena.subarray(start);
      this.#used += encoder.encodeInto(data, target).written;
    } else {
      if (start + data.length > this.#arena.length) this.#growArena(start + data.length);
      this.#arena.set(data, start);
      this.#used += data.length;
    }
    this.#putLength = this.#used - start;
    return start;
  }

  /**
   * The address of `name` as a NUL-terminated string in memory kept for the producer's life, or
   * 0 when it is not cached (long names, or once many distinct names were seen).
   */
  #headerName(name: string): number {
    const cached = this.#headerNames.get(name);
    if (cached !== undefined) return cached;
    if (this.#headerNames.size >= MAX_CACHED_HEADER_NAMES || name.length > 255) return 0;
    if (this.#nameChunkUsed + name.length * 3 + 1 > this.#nameChunk.length) {
      this.#nameChunk = new Uint8Array(new ArrayBuffer(NAME_CHUNK_SIZE));
      this.#nameChunks.push(this.#nameChunk);
      this.#nameChunkUsed = 0;
    }
    const target = this.#nameChunk.subarray(this.#nameChunkUsed);
    const { written } = encoder.encodeInto(name, target);
    target[written] = 0;
    const address = addressOf(this.#nameChunk) + this.#nameChunkUsed;
    this.#nameChunkUsed += written + 1;
    this.#headerNames.set(name, address);
    return address;
  }

  /** Starts the next `rd_kafka_vu_t` entry of `type`; returns the offset of its value union. */
  #entry(index: number, type: number): number {
    const at = index * VU_SIZE;
    this.#vuView.setInt32(at, type, true);
    return at + 8;
  }

  /** Writes the entries of `record` into `#vus`; returns how many. */
  #layOut(record: ProducerRecord, opaque: number): number {
    this.#used = 0;
    // Lay out the bytes first (the arena may grow and move), then write the entries.
    const hasValue = record.value !== null;
    const valueRef = hasValue ? this.#locate(record.value!) : NULL_REF;
    const valueLength = hasValue ? this.#putLength : 0;
    const hasKey = record.key !== undefined && record.key !== null;
    const keyRef = hasKey ? this.#locate(record.key!) : NULL_REF;
    const keyLength = this.#putLength;
    const headers = record.headers === undefined
      ? null
      : Array.isArray(record.headers)
      ? record.headers as ReadonlyArray<readonly [string, HeaderValue]>
      : Object.entries(record.headers);
    const spans = this.#headerSpans;
    if (headers) {
      if ((7 + headers.length) * VU_SIZE > this.#vus.length) {
        this.#vus = new Uint8Array(new ArrayBuffer((7 + headers.length) * VU_SIZE * 2));
        this.#vuView = new DataView(this.#vus.buffer);
      }
      spans.length = 0;
      for (let h = 0; h < headers.length; h++) {
        const name = headers[h][0];
        const value = headers[h][1];
        const cached = this.#headerName(name); // an address, or 0
        if (cached > 0) spans.push(-cached);
        else {
          spans.push(this.#put(name));
          this.#put(NUL);
        }
        if (value === null) spans.push(NULL_REF, -1);
        else spans.push(this.#locate(value), this.#putLength);
      }
    }
    const base = this.#arenaAddress;
    const vu = this.#vuView;
    let count = 0;
    writeAddress(vu, this.#entry(count++, VTYPE.RKT), this.#topicAddress(record.topic));
    vu.setInt32(this.#entry(count++, VTYPE.PARTITION), record.partition ?? PARTITION_UA, true);
    let at = this.#entry(count++, VTYPE.VALUE);
    writeAddress(vu, at, hasValue ? resolve(valueRef, base) : 0);
    writeAddress(vu, at + 8, valueLength);
    if (hasKey) {
      at = this.#entry(count++, VTYPE.KEY);
      writeAddress(vu, at, resolve(keyRef, base));
      writeAddress(vu, at + 8, keyLength);
    }
    writeAddress(vu, this.#entry(count++, VTYPE.OPAQUE), opaque);
    vu.setInt32(this.#entry(count++, VTYPE.MSGFLAGS), MSG_F_COPY, true);
    if (record.timestamp !== undefined) {
      const ts = typeof record.timestamp === "number"
        ? record.timestamp
        : record.timestamp.getTime();
      writeAddress(vu, this.#entry(count++, VTYPE.TIMESTAMP), ts);
    }
    if (headers) {
      for (let h = 0; h < spans.length; h += 3) {
        at = this.#entry(count++, VTYPE.HEADER);
        writeAddress(vu, at, resolve(spans[h], base));
        writeAddress(vu, at + 8, spans[h + 1] === NULL_REF ? 0 : resolve(spans[h + 1], base));
        writeSigned(vu, at + 16, spans[h + 2]);
      }
    }
    return count;
  }

  #growArena(minimum: number): void {
    let size = this.#arena.length * 2;
    while (size < minimum) size *= 2;
    const next = new Uint8Array(new ArrayBuffer(size));
    next.set(this.#arena);
    this.#arena = next;
    this.#arenaAddress = addressOf(next);
  }
}

/** Stores a non-negative integer below 2^53 as a little-endian 64-bit value at word `at`. */
function setWords(words: Uint32Array, at: number, value: number): void {
  words[at] = value >>> 0;
  words[at + 1] = Math.floor(value / TWO_32);
}

function writeAddress(view: DataView, at: number, value: number): void {
  view.setUint32(at, value >>> 0, true);
  view.setUint32(at + 4, Math.floor(value / TWO_32), true);
}

/** A reference from `#locate()`: an arena offset (>= 0) or minus an absolute address. */
function resolve(ref: number, arenaBase: number): number {
  return ref < 0 ? -ref : arenaBase + ref;
}

function writeSigned(view: DataView, at: number, value: number): void {
  view.setUint32(at, value >>> 0, true);
  view.setInt32(at + 4, Math.floor(value / TWO_32), true);
}
