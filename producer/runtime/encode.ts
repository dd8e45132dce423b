/**
 * Turns generated records into producer records: keys, values and headers as bytes, encoded
 * with as few `TextEncoder` calls as possible (the largest per-record cost after the FFI call).
 *
 * @module
 */
import { eventHeaders } from "@iot/events";
import type { ProducerRecord } from "@iot/kafka";
import type { SimRecord } from "../core/schedule.ts";

const encoder = new TextEncoder();

/** Keys whose bytes are cached; beyond this, keys are passed as strings. */
export const maxCachedKeys = 1_000_000;

/** Headers of every record: schema version and content type. */
export const recordHeaders: ReadonlyArray<readonly [string, string]> = Object.entries(eventHeaders);

// Header values as bytes spare the producer encoding them for every record.
const headerBytes: ReadonlyArray<readonly [string, Uint8Array]> = recordHeaders.map((
  [name, value],
) => [name, encoder.encode(value)]);

/**
 * Encodes batches of {@linkcode SimRecord}s. A batch's values are UTF-8 encoded at once into one
 * fresh buffer and each record gets a view of its bytes; keys are encoded once per key. The
 * buffer is never reused: librdkafka copies on produce, but a full queue can defer part of a
 * batch past the call.
 *
 * @example
 * ```ts ignore
 * const records = new BatchEncoder().encode(simRecords); // ready for Producer.sendBatch
 * ```
 */
export class BatchEncoder {
  readonly #keys = new Map<string, Uint8Array>();

  /** Returns the producer records of `records`, in order, with the event headers. */
  encode(records: readonly SimRecord[]): ProducerRecord[] {
    const batch: ProducerRecord[] = new Array(records.length);
    let text = "";
    for (let i = 0; i < records.length; i++) text += records[i].value;
    const bytes = new Uint8Array(text.length);
    const { read, written } = encoder.encodeInto(text, bytes);
    // Byte offsets equal string offsets only for pure ASCII, which generated values are;
    // anything else falls back to one string per record.
    const ascii = read === text.length && written === text.length;
    let at = 0;
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      const end = at + r.value.length;
      batch[i] = {
        topic: r.topic,
        key: this.#keyBytes(r.key),
        value: ascii ? bytes.subarray(at, end) : r.value,
        timestamp: r.timestamp,
        headers: headerBytes,
      };
      at = end;
    }
    return batch;
  }

  #keyBytes(key: string): Uint8Array | string {
    let bytes = this.#keys.get(key);
    if (bytes === undefined) {
      if (this.#keys.size >= maxCachedKeys) return key;
      bytes = encoder.encode(key);
      this.#keys.set(key, bytes);
    }
    return bytes;
  }
}
