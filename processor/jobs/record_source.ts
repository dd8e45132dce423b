/**
 * Where a record of a repartition topic came from: the stage that writes the topic stamps each
 * record with its upstream input topic-partition in the {@linkcode SOURCE_HEADER} header, and a
 * task reading the topic keeps one watermark per source (`TaskClock`), as Flink keeps one per
 * input channel. Records without the header (written before it existed, or by another producer)
 * all count as one source, {@linkcode LEGACY_SOURCE}.
 *
 * @module
 */
import type { ConsumerRecord } from "@iot/kafka";
import { eventHeaders } from "@iot/events";
import { RecordView } from "../runtime/record_view.ts";

/** The header naming a repartitioned record's upstream source, `<topic>:<partition>`. */
export const SOURCE_HEADER = "iot-source";
/** The source of records without {@linkcode SOURCE_HEADER}. */
export const LEGACY_SOURCE = "";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The headers of a record forwarded by the task reading `topic` partition `partition`: the event
 * headers plus its source. Built once per task, so forwarding allocates nothing per record.
 */
export function sourceHeaders(
  topic: string,
  partition: number,
): ReadonlyArray<readonly [string, Uint8Array]> {
  return Object.freeze([
    ...Object.entries(eventHeaders).map(([k, v]) => [k, encoder.encode(v)] as const),
    [SOURCE_HEADER, encoder.encode(`${topic}:${partition}`)] as const,
  ]);
}

/**
 * Reads records' sources. A task sees a handful of sources, so each one's header bytes are kept
 * with the decoded name and a record's header is matched against them (from the last byte,
 * where `<topic>:<partition>` values differ) instead of decoded again.
 */
export class SourceReader {
  readonly #known: { bytes: Uint8Array; source: string }[] = [];

  /** The source of `record`: its {@linkcode SOURCE_HEADER}, or {@linkcode LEGACY_SOURCE}. */
  sourceOf(record: ConsumerRecord): string {
    if (record instanceof RecordView) return this.#sourceInColumns(record);
    const headers = record.headers;
    // The stage appends the header last.
    for (let h = headers.length - 1; h >= 0; h--) {
      const [name, value] = headers[h];
      if (name !== SOURCE_HEADER || value === null) continue;
      for (const known of this.#known) {
        if (sameBytesAt(known.bytes, value, 0, value.length)) return known.source;
      }
      return this.#learn(value.slice());
    }
    return LEGACY_SOURCE;
  }

  /** {@linkcode sourceOf} read from the batch's header columns, without a header array. */
  #sourceInColumns(view: RecordView): string {
    const h = view.lastHeader(SOURCE_HEADER);
    if (h < 0) return LEGACY_SOURCE;
    const columns = view.headerColumns!;
    const start = columns.valueStarts[h], length = columns.valueLengths[h];
    if (length < 0) return LEGACY_SOURCE;
    for (const known of this.#known) {
      if (sameBytesAt(known.bytes, columns.bytes, start, length)) return known.source;
    }
    return this.#learn(columns.bytes.slice(start, start + length));
  }

  /** Remembers the source whose header value is `value` (a copy) and returns its name. */
  #learn(value: Uint8Array): string {
    const source = decoder.decode(value);
    // Bounded: another writer could stamp anything; a few dozen sources is already unusual.
    if (this.#known.length < 64) this.#known.push({ bytes: value, source });
    return source;
  }
}

/** Whether `known` equals `bytes[start .. start + length)`, compared from the last byte. */
function sameBytesAt(known: Uint8Array, bytes: Uint8Array, start: number, length: number): boolean {
  if (known.length !== length) return false;
  for (let i = length - 1; i >= 0; i--) if (known[i] !== bytes[start + i]) return false;
  return true;
}

/** The sources of a stage reading `topic`'s `partitions` partitions, for `SourceOptions`. */
export function sourcesOf(topic: string, partitions: number): string[] {
  return Array.from({ length: partitions }, (_, p) => `${topic}:${p}`);
}
