/**
 * Topic-partition lists in C: `rd_kafka_topic_partition_list_t *` built from and read into the
 * plain {@linkcode TopicPartition} objects of JavaScript.
 *
 * @module
 */
import { errorName } from "../errors.ts";
import type { TopicPartition } from "../partitions.ts";
import { cstr, librdkafka, readCString } from "./library.ts";

// struct rd_kafka_topic_partition_list_s { int cnt; int size; rd_kafka_topic_partition_t *elems; }
// struct rd_kafka_topic_partition_s { char *topic; int32_t partition; int64_t offset;
//   void *metadata; size_t metadata_size; void *opaque; rd_kafka_resp_err_t err; void *_private; }
const ELEM_SIZE = 64;

/** Allocates a native list from `partitions`; free it with {@linkcode freeNativeList}. */
export function toNativeList(partitions: readonly TopicPartition[]): Deno.PointerObject {
  const lib = librdkafka();
  const list = lib.rd_kafka_topic_partition_list_new(Math.max(1, partitions.length))!;
  for (const tp of partitions) {
    const elem = lib.rd_kafka_topic_partition_list_add(list, cstr(tp.topic), tp.partition)!;
    if (tp.offset !== undefined) writeInt64(elem, 16, tp.offset);
  }
  return list;
}

function writeInt64(ptr: Deno.PointerObject, offset: number, value: number): void {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, BigInt(value), true);
  const target = new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(ptr, 8, offset));
  target.set(bytes);
}

/** Frees a native list. */
export function freeNativeList(list: Deno.PointerValue): void {
  if (list !== null) librdkafka().rd_kafka_topic_partition_list_destroy(list);
}

/** Reads a native list into plain objects (does not free it). */
export function fromNativeList(list: Deno.PointerValue): TopicPartition[] {
  if (list === null) return [];
  const header = new Deno.UnsafePointerView(list);
  const count = header.getInt32(0);
  const elems = header.getPointer(8);
  if (elems === null || count === 0) return [];
  const view = new Deno.UnsafePointerView(elems);
  const out: TopicPartition[] = [];
  for (let i = 0; i < count; i++) {
    const base = i * ELEM_SIZE;
    const error = view.getInt32(base + 48);
    const tp: TopicPartition = {
      topic: readCString(view.getPointer(base)) ?? "",
      partition: view.getInt32(base + 8),
      offset: Number(view.getBigInt64(base + 16)),
    };
    if (error !== 0) {
      tp.error = error;
      tp.errorName = errorName(error);
    }
    out.push(tp);
  }
  return out;
}

/** Runs `fn` with a temporary native list built from `partitions`, then frees it. */
export function withNativeList<T>(
  partitions: readonly TopicPartition[],
  fn: (list: Deno.PointerObject) => T,
): T {
  const list = toNativeList(partitions);
  try {
    return fn(list);
  } finally {
    freeNativeList(list);
  }
}

/** Like {@linkcode withNativeList} for an async `fn`; the list is freed when the promise settles. */
export async function withNativeListAsync<T>(
  partitions: readonly TopicPartition[],
  fn: (list: Deno.PointerObject) => Promise<T>,
): Promise<T> {
  const list = toNativeList(partitions);
  try {
    return await fn(list);
  } finally {
    freeNativeList(list);
  }
}
