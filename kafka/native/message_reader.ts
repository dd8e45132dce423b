/**
 * The consumer's message reader: turns a batch of `rd_kafka_message_t *` filled by
 * `rd_kafka_consume_batch_queue()` into {@linkcode RecordColumns} (and those into
 * {@linkcode ConsumerRecord}s) and destroys the messages. The structs are read in place through
 * cached views of native memory ({@linkcode NativeWindows}: no copy, no object per message); keys
 * and values are copied with one copy per run of nearby memory (see {@linkcode RegionCopier}),
 * and a batch whose bytes form one run is sliced without zero-filling its buffer first.
 *
 * @module
 */
import { ErrorCode, KafkaError } from "../errors.ts";
import { RecordColumns, TIMESTAMP_TYPES } from "../record_columns.ts";
import { RegionCopier } from "../region_copier.ts";
import { HeaderReader } from "./header_reader.ts";
import { type Librdkafka, readCString } from "./library.ts";
import { copyBytes, MessageField as F, NativeReader, PrivateField, u64 } from "./message.ts";
import { type NativeWindow, NativeWindows } from "./native_windows.ts";

/** A consumed record. Key, value and header bytes are copies owned by JavaScript. */
export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: number;
  /** `null` when the record has no key. */
  key: Uint8Array | null;
  /** `null` for a tombstone. */
  value: Uint8Array | null;
  /** Milliseconds since the epoch; -1 when the record has none. */
  timestamp: number;
  /** What the timestamp means. */
  timestampType: "create" | "log-append" | "none";
  /** Headers in order; a header value may be `null`. */
  headers: Array<[string, Uint8Array | null]>;
}

/** Largest batch a reader takes. */
export const MAX_BATCH = 4096;
const NULL_REGION = -1;
const EMPTY_REGION = -2;
const decoder = new TextDecoder();
const TWO_32 = 2 ** 32;
const EMPTY_I32 = new Int32Array(0);
const EMPTY_U32 = new Uint32Array(0);
const NO_WINDOW: NativeWindow = {
  base: 0,
  limit: 0,
  buffer: new ArrayBuffer(0),
  i32: EMPTY_I32,
  u32: EMPTY_U32,
};
/** The fields' positions as 32-bit word indexes (every field is 4- or 8-aligned). */
const W = {
  ERR: F.ERR / 4,
  RKT: F.RKT / 4,
  PARTITION: F.PARTITION / 4,
  PAYLOAD: F.PAYLOAD / 4,
  LEN: F.LEN / 4,
  KEY: F.KEY / 4,
  KEY_LEN: F.KEY_LEN / 4,
  OFFSET: F.OFFSET / 4,
  TSTYPE: PrivateField.TSTYPE / 4,
  TIMESTAMP: PrivateField.TIMESTAMP / 4,
} as const;

/** What the reader reports a message error to. */
export interface MessageErrorSink {
  /** The client's fatal error (as librdkafka holds it), if it raised one. */
  fatalError(): KafkaError | null;
  /** Told about each non-fatal message error (end of partition excepted). */
  onError?: (error: KafkaError) => void;
}

/**
 * Reads batches of consumed messages. One per consumer; `pointers` is where librdkafka writes
 * the message pointers ({@linkcode MAX_BATCH} of them).
 */
export class MessageReader {
  /** The pointer array to pass to `rd_kafka_consume_batch_queue()`. */
  readonly pointers = new Uint8Array(new ArrayBuffer(8 * MAX_BATCH));
  readonly #words = new Uint32Array(this.pointers.buffer);
  readonly #native = new NativeReader(this.pointers);
  /** The same pointers as 64-bit integers: FFI arguments without a pointer object each. */
  readonly #addresses = new BigUint64Array(this.pointers.buffer);
  readonly #lib: Librdkafka;
  readonly #errors: MessageErrorSink;
  readonly #windows = new NativeWindows();
  readonly #slice = (address: number, length: number) => this.#windows.slice(address, length);
  /** The window of the struct being read. */
  #window: NativeWindow = NO_WINDOW;
  readonly #regions = new Int32Array(2 * MAX_BATCH);
  readonly #copier = new RegionCopier();
  readonly #out = new Uint8Array(new ArrayBuffer(24));
  readonly #outData = new DataView(this.#out.buffer);
  /** Each record's `rd_kafka_headers_t *` as a number, 0 for none. */
  readonly #headerLists = new Float64Array(MAX_BATCH);
  readonly #headers: HeaderReader;
  readonly #topicNames = new Map<number, string>();
  /** Whether the private timestamp fields are trusted; undefined until checked. */
  #privateTimestamps: boolean | undefined = undefined;
  /** The last timestamp type read, an index into `TIMESTAMP_TYPES`. */
  #timestampType = 0;

  /** Stores message `address` at slot `i` of {@linkcode pointers}. */
  setPointer(i: number, address: number | bigint): void {
    this.#addresses[i] = BigInt(address);
  }

  constructor(lib: Librdkafka, errors: MessageErrorSink) {
    this.#lib = lib;
    this.#errors = errors;
    this.#headers = new HeaderReader(lib, this.#native);
  }

  /**
   * Reads the `n` messages in {@linkcode pointers} as records and destroys them; throws the
   * fatal error if one of them carried it.
   */
  read(n: number, readHeaders: boolean): ConsumerRecord[] {
    if (n <= 0) return [];
    const c = this.readColumns(n, readHeaders);
    const headers = c.headers;
    const records: ConsumerRecord[] = new Array(c.length);
    for (let i = 0; i < c.length; i++) {
      records[i] = {
        topic: c.topicNames[c.topics[i]],
        partition: c.partitions[i],
        offset: c.offsets[i],
        key: c.key(i),
        value: c.value(i),
        timestamp: c.timestamps[i],
        timestampType: TIMESTAMP_TYPES[c.timestampTypes[i]] ?? "none",
        headers: headers ? headers.headersOf(i) : [],
      };
    }
    return records;
  }

  /**
   * Reads the `n` messages in {@linkcode pointers} as columns and destroys them; with
   * `headers`, also reads the records' headers (`RecordColumns.headers`). Messages carrying an
   * error are reported and left out; throws the fatal error if one of them carried it.
   */
  readColumns(n: number, headers = false): RecordColumns {
    const columns = new RecordColumns(n);
    if (n <= 0) return columns;
    let fatal: KafkaError | null = null;
    try {
      fatal = this.#fillColumns(n, columns, headers);
      this.#copier.copy(this.#native.copyFrom, this.#slice);
      this.#placeRegions(columns);
      if (headers) columns.headers = this.#headers.read(this.#headerLists, columns.length);
    } finally {
      // After the copy: a payload lives in a fetch buffer its message holds a reference to.
      const destroy = this.#lib.rd_kafka_message_destroy_at;
      const addresses = this.#addresses;
      for (let i = 0; i < n; i++) destroy(addresses[i]);
    }
    if (fatal) throw fatal;
    return columns;
  }

  /**
   * Fills every column but the byte positions, reading each message struct in place through
   * its window's word views (fields at fixed word indexes); returns a fatal error met on the way.
   */
  #fillColumns(n: number, c: RecordColumns, headers: boolean): KafkaError | null {
    const words = this.#words;
    const regions = this.#regions;
    const copier = this.#copier;
    const { topics, partitions, offsets, timestamps, timestampTypes } = c;
    let fatal: KafkaError | null = null;
    // The topic handle's two 32-bit halves: compared without building a 64-bit number.
    let rktLow = -1;
    let rktHigh = -1;
    let topic = 0;
    let j = 0;
    let base = 0;
    let limit = 0;
    let i32: Int32Array = EMPTY_I32;
    let u32: Uint32Array = EMPTY_U32;
    // Whether the private timestamp fields are trusted (settled on the first record).
    let trusted = this.#privateTimestamps === true;
    copier.reset();
    for (let i = 0; i < n; i++) {
      const low = words[2 * i];
      const address = low + words[2 * i + 1] * TWO_32;
      if (address >= limit || address < base) {
        const window = this.#windows.at(address);
        base = window.base;
        limit = window.limit;
        i32 = window.i32;
        u32 = window.u32;
        this.#window = window;
      }
      // malloc()ed, so 8-aligned (base is): a word index.
      if ((low & 7) !== 0) throw new Error(`message struct at ${address} is not aligned`);
      const at = (address - base) / 4;
      const err = i32[at + W.ERR];
      if (err !== 0) {
        const error = this.#messageError(at, err);
        if (error?.fatal) fatal = error;
        continue;
      }
      // Keys come before values in a record batch, so add them in that order.
      const key = u32[at + W.KEY] + u32[at + W.KEY + 1] * TWO_32;
      const keyLength = u32[at + W.KEY_LEN];
      regions[2 * j] = key === 0
        ? NULL_REGION
        : keyLength === 0
        ? EMPTY_REGION
        : copier.add(key, keyLength);
      const value = u32[at + W.PAYLOAD] + u32[at + W.PAYLOAD + 1] * TWO_32;
      const valueLength = u32[at + W.LEN];
      regions[2 * j + 1] = value === 0
        ? NULL_REGION
        : valueLength === 0
        ? EMPTY_REGION
        : copier.add(value, valueLength);
      const rktLowNow = u32[at + W.RKT];
      const rktHighNow = u32[at + W.RKT + 1];
      if (rktLowNow !== rktLow || rktHighNow !== rktHigh) {
        rktLow = rktLowNow;
        rktHigh = rktHighNow;
        topic = c.topicIndex(this.#topicName(rktLow + rktHigh * TWO_32));
      }
      topics[j] = topic;
      partitions[j] = i32[at + W.PARTITION];
      offsets[j] = u32[at + W.OFFSET] + i32[at + W.OFFSET + 1] * TWO_32;
      if (trusted) {
        timestamps[j] = u32[at + W.TIMESTAMP] + i32[at + W.TIMESTAMP + 1] * TWO_32;
        timestampTypes[j] = i32[at + W.TSTYPE];
      } else {
        timestamps[j] = this.#timestampOf(i, at);
        timestampTypes[j] = this.#timestampType;
        trusted = this.#privateTimestamps === true;
      }
      if (headers) {
        // librdkafka parses a message's headers on this call; the lists are read per batch.
        this.#headerLists[j] =
          this.#lib.rd_kafka_message_headers_at(this.#addresses[i], this.#out) === 0
            ? u64(this.#outData, 0)
            : 0;
      }
      j++;
    }
    c.length = j;
    return fatal;
  }

  /** Sets the key and value positions once the regions are copied into one buffer. */
  #placeRegions(c: RecordColumns): void {
    const regions = this.#regions;
    const copier = this.#copier;
    c.bytes = copier.buffer;
    for (let j = 0; j < c.length; j++) {
      const key = regions[2 * j];
      const value = regions[2 * j + 1];
      c.keyStarts[j] = key >= 0 ? copier.offsetOf(key) : 0;
      c.keyLengths[j] = key >= 0 ? copier.lengthOf(key) : key === EMPTY_REGION ? 0 : -1;
      c.valueStarts[j] = value >= 0 ? copier.offsetOf(value) : 0;
      c.valueLengths[j] = value >= 0 ? copier.lengthOf(value) : value === EMPTY_REGION ? 0 : -1;
    }
  }

  /**
   * The timestamp of message `i` (its struct at word `at` of the current window), setting
   * `#timestampType`. Reads librdkafka's private message fields once they matched the public
   * call on a real message; otherwise calls `rd_kafka_message_timestamp()` (one FFI call per
   * record). The message pointer is read only then: each read of the pointer array allocates a
   * BigInt.
   */
  #timestampOf(i: number, at: number): number {
    if (this.#privateTimestamps !== false) {
      const { i32, u32 } = this.#window;
      const type = i32[at + W.TSTYPE];
      const ts = u32[at + W.TIMESTAMP] + i32[at + W.TIMESTAMP + 1] * TWO_32;
      if (this.#privateTimestamps) {
        this.#timestampType = type;
        return ts;
      }
      const public_ = Number(
        this.#lib.rd_kafka_message_timestamp_at(this.#addresses[i], this.#out),
      );
      const publicType = this.#outData.getInt32(0, true);
      this.#privateTimestamps = public_ === ts && publicType === type;
      this.#timestampType = publicType;
      return public_;
    }
    const ts = Number(this.#lib.rd_kafka_message_timestamp_at(this.#addresses[i], this.#out));
    this.#timestampType = this.#outData.getInt32(0, true);
    return ts;
  }

  #topicName(rkt: number): string {
    let name = this.#topicNames.get(rkt);
    if (name === undefined) {
      name = readCString(this.#lib.rd_kafka_topic_name(Deno.UnsafePointer.create(BigInt(rkt)))) ??
        "";
      this.#topicNames.set(rkt, name);
    }
    return name;
  }

  #messageError(at: number, err: number): KafkaError | null {
    if (err === ErrorCode.PARTITION_EOF) return null;
    const { i32, u32 } = this.#window;
    const length = u32[at + W.LEN];
    const payload = u32[at + W.PAYLOAD] + u32[at + W.PAYLOAD + 1] * TWO_32;
    const detail = payload !== 0 && length > 0
      ? decoder.decode(copyBytes(Deno.UnsafePointer.create(BigInt(payload))!, length))
      : null;
    const rkt = u32[at + W.RKT] + u32[at + W.RKT + 1] * TWO_32;
    const where = rkt !== 0 ? ` on ${this.#topicName(rkt)} [${i32[at + W.PARTITION]}]` : "";
    const error = KafkaError.fromCode(err, `consume${where}`, detail);
    // A consumer's fatal error comes as this message (librdkafka raises no error event for it):
    // it ends the consumer, so it must throw rather than be reported as a passing error.
    if (err === ErrorCode.FATAL) {
      return this.#errors.fatalError() ??
        new KafkaError(error.message, { code: err, fatal: true, retriable: false });
    }
    this.#errors.onError?.(error);
    return error;
  }
}
