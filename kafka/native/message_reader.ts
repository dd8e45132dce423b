/**
 * The consumer's message reader: turns a batch of `rd_kafka_message_t *` filled by
 * `rd_kafka_consume_batch_queue()` into {@linkcode RecordColumns} (and those into
 * {@linkcode ConsumerRecord}s) and destroys the messages. Structs, then keys and values, are
 * each copied with one copy per run of nearby memory (see {@linkcode RegionCopier}): an FFI copy
 * per field of every record would cost more.
 *
 * @module
 */
import { ErrorCode, KafkaError } from "../errors.ts";
import { RecordColumns, TIMESTAMP_TYPES } from "../record_columns.ts";
import { RegionCopier } from "../region_copier.ts";
import { HeaderReader } from "./header_reader.ts";
import { type Librdkafka, readCString } from "./library.ts";
import {
  copyBytes,
  i64,
  MESSAGE_WITH_TIMESTAMP_SIZE,
  MessageField as F,
  NativeReader,
  PrivateField,
  u64,
} from "./message.ts";

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
  readonly #structCopier = new RegionCopier(1024, true);
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
  #structs: DataView = new DataView(new ArrayBuffer(0));

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
      const structs = this.#native.copyStructs(
        this.#words,
        n,
        MESSAGE_WITH_TIMESTAMP_SIZE,
        this.#structCopier,
      );
      this.#structs = structs;
      fatal = this.#fillColumns(n, columns, headers);
      this.#copier.copy(this.#native.copyFrom);
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

  /** Fills every column but the byte positions; returns a fatal error met on the way. */
  #fillColumns(n: number, c: RecordColumns, headers: boolean): KafkaError | null {
    const structs = this.#structs;
    const regions = this.#regions;
    const copier = this.#structCopier;
    let fatal: KafkaError | null = null;
    // The topic handle's two 32-bit halves: compared without building a 64-bit number.
    let rktLow = -1;
    let rktHigh = -1;
    let topic = 0;
    let j = 0;
    this.#copier.reset();
    for (let i = 0; i < n; i++) {
      const at = copier.offsetOf(i);
      const err = structs.getInt32(at + F.ERR, true);
      if (err !== 0) {
        const error = this.#messageError(at, err);
        if (error?.fatal) fatal = error;
        continue;
      }
      // Keys come before values in a record batch, so add them in that order.
      regions[2 * j] = this.#addRegion(at + F.KEY, structs.getUint32(at + F.KEY_LEN, true));
      regions[2 * j + 1] = this.#addRegion(at + F.PAYLOAD, structs.getUint32(at + F.LEN, true));
      const low = structs.getUint32(at + F.RKT, true);
      const high = structs.getUint32(at + F.RKT + 4, true);
      if (low !== rktLow || high !== rktHigh) {
        rktLow = low;
        rktHigh = high;
        topic = c.topicIndex(this.#topicName(at));
      }
      c.topics[j] = topic;
      c.partitions[j] = structs.getInt32(at + F.PARTITION, true);
      c.offsets[j] = i64(structs, at + F.OFFSET);
      c.timestamps[j] = this.#timestampOf(i, at);
      c.timestampTypes[j] = this.#timestampType;
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
   * Registers the bytes whose address is stored at `at` for copying: a region id, or
   * `NULL_REGION` for a null pointer, `EMPTY_REGION` for zero bytes.
   */
  #addRegion(at: number, length: number): number {
    const address = u64(this.#structs, at);
    if (address === 0) return NULL_REGION;
    return length === 0 ? EMPTY_REGION : this.#copier.add(address, length);
  }

  /**
   * The timestamp of message `i` (its struct at `at`), setting `#timestampType`. Reads
   * librdkafka's private message fields once they matched the public call on a real message;
   * otherwise calls `rd_kafka_message_timestamp()` (one FFI call per record). The message
   * pointer is read only then: each read of the pointer array allocates a BigInt.
   */
  #timestampOf(i: number, at: number): number {
    const structs = this.#structs;
    if (this.#privateTimestamps !== false) {
      const type = structs.getInt32(at + PrivateField.TSTYPE, true);
      const ts = i64(structs, at + PrivateField.TIMESTAMP);
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

  #topicName(at: number): string {
    const rkt = u64(this.#structs, at + F.RKT);
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
    const structs = this.#structs;
    const length = structs.getUint32(at + F.LEN, true);
    const payload = u64(structs, at + F.PAYLOAD);
    const detail = payload !== 0 && length > 0
      ? decoder.decode(copyBytes(Deno.UnsafePointer.create(BigInt(payload))!, length))
      : null;
    const where = u64(structs, at + F.RKT) !== 0
      ? ` on ${this.#topicName(at)} [${structs.getInt32(at + F.PARTITION, true)}]`
      : "";
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
