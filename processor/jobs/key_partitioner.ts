/**
 * Kafka's default key partitioner: murmur2 of the key's bytes, made positive, modulo the
 * partition count. It is what the Java client and librdkafka's `murmur2`/`murmur2_random`
 * partitioners (the producer's setting) compute, so a repartition stage that places records with
 * it sends a correctly keyed record to the partition it already came from.
 *
 * @module
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const encoder = new TextEncoder();

/** Kafka's 32-bit murmur2 of `bytes` (signed, as Java's `Utils.murmur2` returns it). */
export function murmur2(bytes: Uint8Array): number {
  const length = bytes.length;
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & 3;
  if (tail > 0) {
    // The 1-3 trailing bytes, as Kafka's switch with fall-through does.
    if (tail === 3) h ^= bytes[whole + 2] << 16;
    if (tail >= 2) h ^= bytes[whole + 1] << 8;
    h ^= bytes[whole];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * The partition Kafka's default partitioner gives `key` among `partitions`.
 *
 * @example
 * ```ts
 * import { keyPartition } from "./key_partitioner.ts";
 * keyPartition("dev-1", 4); // the partition a murmur2 producer writes key "dev-1" to
 * ```
 *
 * @throws {RangeError} when `partitions` is not a positive integer.
 */
export function keyPartition(key: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  }
  return (murmur2(encoder.encode(key)) & 0x7fffffff) % partitions;
}
