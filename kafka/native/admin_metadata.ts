/**
 * Reads `struct rd_kafka_metadata` (from `rd_kafka_metadata()`) into topic descriptions.
 *
 * @module
 */
import type { PartitionDescription, TopicDescription } from "../admin_types.ts";
import { ErrorCode, errorName } from "../errors.ts";
import { readCString } from "./library.ts";

/** A topic from cluster metadata, or the error the broker reported for it. */
export type MetadataTopic =
  | { name: string; description: TopicDescription }
  | { name: string; error: number };

// Struct layouts on 64-bit platforms, from rdkafka.h:
// rd_kafka_metadata { int broker_cnt; broker *brokers; int topic_cnt @16; topic *topics @24; .. }
// rd_kafka_metadata_topic (32 bytes) { char *topic @0; int partition_cnt @8;
//   partition *partitions @16; rd_kafka_resp_err_t err @24 }
// rd_kafka_metadata_partition (40 bytes) { int32_t id @0; err @4; int32_t leader @8;
//   int replica_cnt @12; int32_t *replicas @16; int isr_cnt @24; int32_t *isrs @32 }
const TOPIC_SIZE = 32;
const PARTITION_SIZE = 40;

/** Reads the topics of a `const struct rd_kafka_metadata *`. */
export function readMetadataTopics(metadata: Deno.PointerObject): MetadataTopic[] {
  const view = new Deno.UnsafePointerView(metadata);
  const count = view.getInt32(16);
  const topics = view.getPointer(24);
  if (topics === null || count <= 0) return [];
  const tv = new Deno.UnsafePointerView(topics);
  return Array.from({ length: count }, (_, i): MetadataTopic => {
    const base = i * TOPIC_SIZE;
    const name = readCString(tv.getPointer(base)) ?? "";
    const error = tv.getInt32(base + 24);
    if (error !== ErrorCode.NO_ERROR) return { name, error };
    const partitions = readPartitions(tv.getPointer(base + 16), tv.getInt32(base + 8));
    return { name, description: { name, partitions } };
  });
}

function readPartitions(ptr: Deno.PointerValue, count: number): PartitionDescription[] {
  if (ptr === null || count <= 0) return [];
  const view = new Deno.UnsafePointerView(ptr);
  const partitions = Array.from({ length: count }, (_, i): PartitionDescription => {
    const base = i * PARTITION_SIZE;
    const error = view.getInt32(base + 4);
    const partition: PartitionDescription = {
      partition: view.getInt32(base),
      leader: view.getInt32(base + 8),
      replicas: readInt32s(view.getPointer(base + 16), view.getInt32(base + 12)),
      isr: readInt32s(view.getPointer(base + 32), view.getInt32(base + 24)),
    };
    if (error !== ErrorCode.NO_ERROR) {
      partition.error = error;
      partition.errorName = errorName(error);
    }
    return partition;
  });
  return partitions.sort((a, b) => a.partition - b.partition);
}

function readInt32s(ptr: Deno.PointerValue, count: number): number[] {
  if (ptr === null || count <= 0) return [];
  const view = new Deno.UnsafePointerView(ptr);
  return Array.from({ length: count }, (_, i) => view.getInt32(i * 4));
}
