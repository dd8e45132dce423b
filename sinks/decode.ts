/**
 * Kafka records to {@linkcode SinkRecord}s: decodes each value by the kind its topic carries, or
 * says why it cannot (for the dead-letter topic). Pure: no I/O.
 *
 * @module
 */
import { deadLetterHeaderNames, decodeEvent } from "@iot/events";
import type { DeadLetter, SinkKind, SinkRecord, SourceCoordinates } from "./record.ts";

/** The header names of dead-letter records (`deadLetterHeaderNames` of `@iot/events`). */
export const deadLetterHeaders = deadLetterHeaderNames;

/** The parts of a consumed Kafka record decoding needs (a subset of `@iot/kafka`'s). */
export interface RawRecord {
  /** Topic. */
  topic: string;
  /** Partition. */
  partition: number;
  /** Offset. */
  offset: number;
  /** Key bytes, or null. */
  key: Uint8Array | null;
  /** Value bytes, or null for a tombstone. */
  value: Uint8Array | null;
  /** Timestamp in ms, -1 when none. */
  timestamp: number;
  /** Headers in order. */
  headers: ReadonlyArray<readonly [string, Uint8Array | null]>;
}

/** Why a record cannot be decoded: a machine code and one line. */
export interface DecodeFailure {
  /** `"invalid-json"`, `"schema"` or `"tombstone"`. */
  readonly code: string;
  /** What is wrong. */
  readonly reason: string;
}

/** A decoded record, or why it could not be decoded. */
export type Decoded =
  | { readonly ok: true; readonly record: SinkRecord }
  | { readonly ok: false; readonly failure: DecodeFailure };

const utf8 = new TextDecoder(); // replaces bad bytes: keys and headers are informational here

/** Where `raw` was read, with key and header values as text. */
export function sourceOf(raw: RawRecord): SourceCoordinates {
  return {
    topic: raw.topic,
    partition: raw.partition,
    offset: raw.offset,
    timestamp: raw.timestamp,
    key: raw.key === null ? null : utf8.decode(raw.key),
    headers: raw.headers.map(([name, value]) => [name, value === null ? null : utf8.decode(value)]),
  };
}

/** Decodes `raw` as a record of `kind`. */
export function decodeRecord(kind: SinkKind, raw: RawRecord): Decoded {
  if (raw.value === null) {
    return { ok: false, failure: { code: "tombstone", reason: "record has no value (tombstone)" } };
  }
  const source = sourceOf(raw);
  if (kind === "dead-letter") {
    return { ok: true, record: { kind, value: deadLetterOf(raw.value, source), source } };
  }
  const result = decodeEvent(kind, raw.value);
  if (!result.ok) {
    return { ok: false, failure: { code: result.error.reason, reason: result.error.message } };
  }
  return { ok: true, record: { kind, value: result.value, source } as SinkRecord };
}

function deadLetterOf(payload: Uint8Array, source: SourceCoordinates): DeadLetter {
  const header = (name: string) => {
    let value: string | null = null;
    for (const [n, v] of source.headers) if (n === name) value = v; // the last one wins
    return value;
  };
  const integer = (name: string) => {
    const text = header(name);
    return text !== null && /^\d+$/.test(text) ? Number(text) : null;
  };
  return {
    payload,
    reason: header(deadLetterHeaders.reason) ?? "(no dlq-reason header)",
    code: header(deadLetterHeaders.code) ?? "unknown",
    sourceTopic: header(deadLetterHeaders.topic),
    sourcePartition: integer(deadLetterHeaders.partition),
    sourceOffset: integer(deadLetterHeaders.offset),
    job: header(deadLetterHeaders.job),
  };
}
