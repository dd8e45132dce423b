/**
 * Topic partitions as plain objects; their native lists are in `native/partition_list.ts`.
 *
 * @module
 */

/** A topic partition, optionally with an offset. */
export interface TopicPartition {
  topic: string;
  partition: number;
  /**
   * The offset: the next offset to consume for commits and seeks. Special values:
   * -2 beginning, -1 end, -1000 stored, -1001 invalid/unset. For `offsetsForTimes`, a timestamp.
   */
  offset?: number;
  /** Per-partition error code returned by some calls (0 = none). */
  error?: number;
  /** Per-partition error name, when `error` is set. */
  errorName?: string;
}

/** Special offsets understood by librdkafka. */
export const Offset = {
  BEGINNING: -2,
  END: -1,
  STORED: -1000,
  INVALID: -1001,
} as const;

export {
  freeNativeList,
  fromNativeList,
  toNativeList,
  withNativeList,
  withNativeListAsync,
} from "./native/partition_list.ts";
