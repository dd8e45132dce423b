/**
 * Turns generated records given as objects ({@linkcode SimRecord}s, e.g. reordered by the
 * realism settings) into a {@linkcode RecordBytes} batch, like `Simulation.fillBytes` writes
 * directly: keys, values and timestamps as bytes, sent with the event headers.
 *
 * @module
 */
import { eventHeaders } from "@iot/events";
import { RecordBytes } from "../core/record_bytes.ts";
import type { SimRecord } from "../core/schedule.ts";

const encoder = new TextEncoder();

/** Keys whose bytes are cached; beyond this, keys are encoded for every record. */
export const maxCachedKeys = 1_000_000;

/** Headers of every record: schema version and content type. */
export const recordHeaders: ReadonlyArray<readonly [string, string]> = Object.entries(eventHeaders);

/** {@linkcode recordHeaders} as bytes, for {@linkcode RecordBytes} batches. */
export const recordHeaderBytes: ReadonlyArray<readonly [string, Uint8Array]> = recordHeaders.map((
  [name, value],
) => [name, encoder.encode(value)]);

/** A new, empty batch for `capacity` records (it grows) with the event headers. */
export function newRecordBytes(capacity: number): RecordBytes {
  return new RecordBytes(capacity, recordHeaderBytes);
}

/**
 * Encodes {@linkcode SimRecord}s into {@linkcode RecordBytes}; keys are encoded once per key.
 *
 * @example
 * ```ts ignore
 * const batch = newRecordBytes(records.length);
 * new BatchEncoder().encode(records, batch); // ready for Producer.sendBlock
 * ```
 */
export class BatchEncoder {
  readonly #keys = new Map<string, Uint8Array>();

  /** Appends `records`, in order, to `out`. */
  encode(records: readonly SimRecord[], out: RecordBytes): void {
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      out.key(this.#keyBytes(r.key));
      out.text(r.value);
      out.end(out.topicIndexOf(r.topic), r.timestamp);
    }
  }

  #keyBytes(key: string): Uint8Array {
    let bytes = this.#keys.get(key);
    if (bytes === undefined) {
      bytes = encoder.encode(key);
      if (this.#keys.size < maxCachedKeys) this.#keys.set(key, bytes);
    }
    return bytes;
  }
}
