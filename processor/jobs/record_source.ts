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
 * Reads records' sources. Consecutive records mostly share a source, so the last header value is
 * remembered and compared byte by byte instead of decoded again.
 */
export class SourceReader {
  #lastBytes: Uint8Array | null = null;
  #last = LEGACY_SOURCE;

  /** The source of `record`: its {@linkcode SOURCE_HEADER}, or {@linkcode LEGACY_SOURCE}. */
  sourceOf(record: ConsumerRecord): string {
    for (const [name, value] of record.headers) {
      if (name !== SOURCE_HEADER || value === null) continue;
      if (!sameBytes(value, this.#lastBytes)) {
        this.#lastBytes = value.slice();
        this.#last = decoder.decode(value);
      }
      return this.#last;
    }
    return LEGACY_SOURCE;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array | null): boolean {
  if (b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The sources of a stage reading `topic`'s `partitions` partitions, for `SourceOptions`. */
export function sourcesOf(topic: string, partitions: number): string[] {
  return Array.from({ length: partitions }, (_, p) => `${topic}:${p}`);
}
