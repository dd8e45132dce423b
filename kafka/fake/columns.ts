/**
 * Records as the columns `Consumer.columnBatches()` yields, so the fake consumer offers both
 * shapes of a batch.
 *
 * @module
 */
import type { ConsumerRecord } from "../consumer.ts";
import { HeaderColumns } from "../header_columns.ts";
import { RecordColumns, TIMESTAMP_TYPES } from "../record_columns.ts";

/** `records` as {@linkcode RecordColumns}; with `headers`, their headers too. */
export function columnsOf(records: readonly ConsumerRecord[], headers: boolean): RecordColumns {
  const c = new RecordColumns(records.length);
  let size = 0;
  for (const r of records) size += (r.key?.length ?? 0) + (r.value?.length ?? 0);
  const bytes = new Uint8Array(size);
  let at = 0;
  const place = (data: Uint8Array | null, starts: Int32Array, lengths: Int32Array, i: number) => {
    starts[i] = at;
    lengths[i] = data === null ? -1 : data.length;
    if (data === null) return;
    bytes.set(data, at);
    at += data.length;
  };
  records.forEach((r, i) => {
    c.topics[i] = c.topicIndex(r.topic);
    c.partitions[i] = r.partition;
    c.offsets[i] = r.offset;
    c.timestamps[i] = r.timestamp;
    c.timestampTypes[i] = Math.max(0, TIMESTAMP_TYPES.indexOf(r.timestampType));
    place(r.key, c.keyStarts, c.keyLengths, i);
    place(r.value, c.valueStarts, c.valueLengths, i);
  });
  c.bytes = bytes;
  c.length = records.length;
  if (headers) c.headers = headerColumnsOf(records);
  return c;
}

function headerColumnsOf(records: readonly ConsumerRecord[]): HeaderColumns {
  const h = new HeaderColumns(records.length);
  const all = records.flatMap((r) => r.headers);
  h.valueStarts = new Int32Array(all.length);
  h.valueLengths = new Int32Array(all.length);
  h.bytes = new Uint8Array(all.reduce((n, [, v]) => n + (v?.length ?? 0), 0));
  let at = 0;
  all.forEach(([name, value], k) => {
    h.names.push(name);
    h.valueStarts[k] = at;
    h.valueLengths[k] = value === null ? -1 : value.length;
    if (value !== null) h.bytes.set(value, at);
    at += value?.length ?? 0;
  });
  let first = 0;
  records.forEach((r, i) => {
    h.firsts[i] = first;
    first += r.headers.length;
  });
  h.firsts[records.length] = first;
  return h;
}
