/**
 * Generated records laid out in byte buffers: keys and JSON values written straight into one
 * buffer, with per-record offsets, lengths, topics and timestamps in typed arrays, so a batch
 * of records costs no per-record strings or objects. Its shape is what `@iot/kafka`'s
 * `Producer.sendBlock` takes.
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const POW10 = [1, 10, 100, 1000, 10_000];
/** Numbers are written digit by digit below this magnitude (exact decimal, like `String()`). */
const EXACT_LIMIT = 1e15;
const MINUS = 0x2d, DOT = 0x2e, ZERO = 0x30;

/** UTF-8 bytes of `text` (for the constant parts of records, encoded once). */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * A growable batch of records in byte buffers. Write a record with {@linkcode key} (once),
 * then value parts ({@linkcode bytes}, {@linkcode number}, ...), then {@linkcode end}.
 *
 * @example
 * ```ts
 * import { RecordBytes, utf8 } from "./record_bytes.ts";
 * const batch = new RecordBytes(16, []);
 * const topic = batch.topicIndexOf("sensor-readings");
 * batch.key(utf8("climate-0001"));
 * batch.bytes(utf8('{"t":'));
 * batch.number(21.5);
 * batch.bytes(utf8("}"));
 * batch.end(topic, 1_700_000_000_000);
 * batch.valueText(0); // '{"t":21.5}'
 * ```
 */
export class RecordBytes {
  /** Records in the batch. */
  count = 0;
  /** Topic names, indexed by `topicIndex`. */
  readonly topics: string[] = [];
  /** Headers of every record. */
  readonly headers: ReadonlyArray<readonly [string, Uint8Array]>;
  /** Key and value bytes (keys and values share one buffer). */
  values: Uint8Array<ArrayBuffer>;
  topicIndex: Uint8Array<ArrayBuffer>;
  valueStart: Int32Array<ArrayBuffer>;
  valueLength: Int32Array<ArrayBuffer>;
  keyStart: Int32Array<ArrayBuffer>;
  keyLength: Int32Array<ArrayBuffer>;
  timestamps: Float64Array<ArrayBuffer>;
  #at = 0;
  #recordAt = 0;

  /** Room for `capacity` records to begin with (it grows); `headers` go on every record. */
  constructor(capacity: number, headers: ReadonlyArray<readonly [string, Uint8Array]>) {
    this.headers = headers;
    this.values = new Uint8Array(new ArrayBuffer(Math.max(1024, capacity * 128)));
    this.topicIndex = new Uint8Array(capacity);
    this.valueStart = new Int32Array(capacity);
    this.valueLength = new Int32Array(capacity);
    this.keyStart = new Int32Array(capacity);
    this.keyLength = new Int32Array(capacity);
    this.timestamps = new Float64Array(capacity);
  }

  /** The buffer's keys: the same buffer as the values. */
  get keys(): Uint8Array {
    return this.values;
  }

  /** Empties the batch (keeping its buffers and topics). */
  reset(): void {
    this.count = 0;
    this.#at = 0;
  }

  /** The index of `topic` in {@linkcode topics}, adding it when new (at most 256 topics). */
  topicIndexOf(topic: string): number {
    let index = this.topics.indexOf(topic);
    if (index < 0) {
      if (this.topics.length >= 256) throw new RangeError("RecordBytes: more than 256 topics");
      index = this.topics.push(topic) - 1;
    }
    return index;
  }

  /** Starts the next record with its key; `null` for no key. */
  key(key: Uint8Array | null): void {
    const i = this.count;
    if (i === this.timestamps.length) this.#growRecords();
    if (key === null) {
      this.keyStart[i] = 0;
      this.keyLength[i] = -1;
    } else {
      this.bytes(key);
      this.keyStart[i] = this.#at - key.length;
      this.keyLength[i] = key.length;
    }
    this.#recordAt = this.#at;
  }

  /** Appends bytes to the current record's value. */
  bytes(bytes: Uint8Array): void {
    const at = this.#at;
    if (at + bytes.length > this.values.length) this.#grow(at + bytes.length);
    const values = this.values;
    if (bytes.length <= 64) { for (let i = 0; i < bytes.length; i++) values[at + i] = bytes[i]; }
    else values.set(bytes, at);
    this.#at = at + bytes.length;
  }

  /** Appends UTF-8 text to the current record's value. */
  text(text: string): void {
    const room = this.#at + text.length * 3;
    if (room > this.values.length) this.#grow(room);
    this.#at += encoder.encodeInto(text, this.values.subarray(this.#at)).written;
  }

  /** Appends `digits` decimal digits of the non-negative integer `value`, zero-padded. */
  digits(value: number, digits: number): void {
    if (this.#at + digits > this.values.length) this.#grow(this.#at + digits);
    const values = this.values;
    for (let i = this.#at + digits - 1; i >= this.#at; i--) {
      const q = Math.floor(value / 10);
      values[i] = ZERO + value - q * 10;
      value = q;
    }
    this.#at += digits;
  }

  /** Appends one byte. */
  byte(byte: number): void {
    if (this.#at + 1 > this.values.length) this.#grow(this.#at + 1);
    this.values[this.#at++] = byte;
  }

  /** Appends `value` exactly as `String(value)` writes it (as JSON does). */
  number(value: number): void {
    // Most values (sensor readings are rounded to 0-2 decimals) are the double nearest some
    // n / 100: then the decimals are n's, without its trailing zeros.
    const hundredths = Math.round(value * 100);
    if (hundredths / 100 === value && Math.abs(hundredths) < EXACT_LIMIT) {
      this.#hundredths(hundredths);
      return;
    }
    for (let d = 0; d < POW10.length; d++) {
      const scale = POW10[d];
      const n = Math.round(value * scale);
      if (n / scale !== value || !(Math.abs(n) < EXACT_LIMIT)) continue;
      // `value` is the double nearest n / 10^d with d as small as possible, so its shortest
      // round-trip form, which String() writes, is that decimal.
      let abs = n;
      if (n < 0) {
        this.byte(MINUS);
        abs = -n;
      }
      const whole = Math.floor(abs / scale);
      this.digits(whole, digitCount(whole));
      if (d > 0) {
        this.byte(DOT);
        this.digits(abs - whole * scale, d);
      }
      return;
    }
    this.text(String(value));
  }

  /** Appends `n / 100` (`|n|` below {@linkcode EXACT_LIMIT}) as its shortest decimal. */
  #hundredths(n: number): void {
    let at = this.#at;
    if (at + 24 > this.values.length) this.#grow(at + 24);
    const values = this.values;
    if (n < 0) {
      values[at++] = MINUS;
      n = -n;
    }
    const whole = Math.floor(n / 100);
    const frac = n - whole * 100;
    let end = at + digitCount(whole);
    for (let i = end - 1, v = whole; i >= at; i--) {
      const q = Math.floor(v / 10);
      values[i] = ZERO + v - q * 10;
      v = q;
    }
    if (frac !== 0) {
      const tenths = Math.floor(frac / 10);
      values[end++] = DOT;
      values[end++] = ZERO + tenths;
      if (frac !== tenths * 10) values[end++] = ZERO + frac - tenths * 10;
    }
    this.#at = end;
  }

  /** Ends the current record: its topic index and timestamp (epoch ms). */
  end(topicIndex: number, timestamp: number): void {
    const i = this.count++;
    this.topicIndex[i] = topicIndex;
    this.valueStart[i] = this.#recordAt;
    this.valueLength[i] = this.#at - this.#recordAt;
    this.timestamps[i] = timestamp;
  }

  /** Record `i`'s value as text (for tests and tools, not the hot path). */
  valueText(i: number): string {
    const start = this.valueStart[i];
    return decoder.decode(this.values.subarray(start, start + this.valueLength[i]));
  }

  /** Record `i`'s key as text, or `null`. */
  keyText(i: number): string | null {
    if (this.keyLength[i] < 0) return null;
    const start = this.keyStart[i];
    return decoder.decode(this.values.subarray(start, start + this.keyLength[i]));
  }

  #grow(minimum: number): void {
    let size = this.values.length * 2;
    while (size < minimum) size *= 2;
    const next = new Uint8Array(new ArrayBuffer(size));
    next.set(this.values.subarray(0, this.#at));
    this.values = next;
  }

  #growRecords(): void {
    const size = Math.max(16, this.timestamps.length * 2);
    const grow = <T extends Uint8Array | Int32Array | Float64Array>(
      old: T,
      make: (n: number) => T,
    ) => {
      const next = make(size);
      next.set(old as never);
      return next;
    };
    this.topicIndex = grow(this.topicIndex, (n) => new Uint8Array(n));
    this.valueStart = grow(this.valueStart, (n) => new Int32Array(n));
    this.valueLength = grow(this.valueLength, (n) => new Int32Array(n));
    this.keyStart = grow(this.keyStart, (n) => new Int32Array(n));
    this.keyLength = grow(this.keyLength, (n) => new Int32Array(n));
    this.timestamps = grow(this.timestamps, (n) => new Float64Array(n));
  }
}

function digitCount(n: number): number {
  let count = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    count++;
  }
  return count;
}
