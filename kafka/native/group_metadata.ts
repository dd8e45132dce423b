/**
 * Consumer group metadata crosses from the consumer to a transactional producer as bytes
 * (librdkafka's own serialization), so neither class reaches into the other's native handle.
 *
 * @module
 */
import { checkErrorObject } from "../errors.ts";
import type { Librdkafka } from "./library.ts";
import { copyBytes, pointerAt } from "./message.ts";

/** Serializes a `rd_kafka_consumer_group_metadata_t *` (the caller still destroys it). */
export function writeGroupMetadata(lib: Librdkafka, metadata: Deno.PointerObject): Uint8Array {
  const out = new Uint8Array(16);
  checkErrorObject(
    lib.rd_kafka_consumer_group_metadata_write(metadata, out.subarray(0, 8), out.subarray(8)),
    "groupMetadata",
  );
  const outPtr = Deno.UnsafePointer.of(out)!;
  const buffer = pointerAt(outPtr, 0);
  const size = Number(new DataView(out.buffer).getBigUint64(8, true));
  try {
    return buffer === null ? new Uint8Array(0) : copyBytes(buffer, size);
  } finally {
    if (buffer !== null) lib.rd_kafka_mem_free(null, buffer);
  }
}

/**
 * Runs `use` with the `rd_kafka_consumer_group_metadata_t *` read back from `bytes`, and
 * destroys it afterwards.
 */
export async function withGroupMetadata<T>(
  lib: Librdkafka,
  bytes: Uint8Array,
  use: (metadata: Deno.PointerObject) => Promise<T>,
): Promise<T> {
  const out = new Uint8Array(8);
  checkErrorObject(
    lib.rd_kafka_consumer_group_metadata_read(out, bytes, BigInt(bytes.length)),
    "read group metadata",
  );
  const metadata = pointerAt(Deno.UnsafePointer.of(out)!, 0)!;
  try {
    return await use(metadata);
  } finally {
    lib.rd_kafka_consumer_group_metadata_destroy(metadata);
  }
}
