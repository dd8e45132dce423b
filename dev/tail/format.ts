/**
 * How `deno task tail` prints a record: one JSON object per line with the record's coordinates,
 * its key, headers and value, the value parsed as JSON when it is JSON.
 *
 * @module
 */
import type { ConsumerRecord } from "@iot/kafka";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A record as `deno task tail` prints it. */
export interface TailLine {
  /** Topic name. */
  topic: string;
  /** Partition number. */
  partition: number;
  /** Offset in the partition. */
  offset: number;
  /** Record timestamp as ISO-8601, or null when the record has none. */
  timestamp: string | null;
  /** Key as text (`base64:...` when not UTF-8), or null. */
  key: string | null;
  /** Headers by name; a repeated header keeps its last value. */
  headers: Record<string, string | null>;
  /** The value parsed as JSON when it is JSON, else its text (`base64:...` when not UTF-8); null for a tombstone. */
  value: unknown;
}

/** Decodes bytes as UTF-8 text, or `base64:<data>` when they are not UTF-8. */
export function bytesToText(bytes: Uint8Array | null): string | null {
  if (bytes === null) return null;
  try {
    return utf8.decode(bytes);
  } catch {
    let binary = "";
    for (const b of bytes) binary += String.fromCharCode(b);
    return `base64:${btoa(binary)}`;
  }
}

/** Parses `text` as JSON when it is JSON (an object, array, string, number...), else returns it. */
function jsonOrText(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Turns a consumed record into the object `deno task tail` prints. */
export function toTailLine(record: ConsumerRecord): TailLine {
  const headers: Record<string, string | null> = {};
  for (const [name, value] of record.headers) headers[name] = bytesToText(value);
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp >= 0 ? new Date(record.timestamp).toISOString() : null,
    key: bytesToText(record.key),
    headers,
    value: jsonOrText(bytesToText(record.value)),
  };
}

/** Formats a record as one line of JSON (no trailing newline). */
export function formatRecord(record: ConsumerRecord): string {
  return JSON.stringify(toTailLine(record));
}
