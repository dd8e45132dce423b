/**
 * The layout of librdkafka's `rd_kafka_message_t` (x86-64 / aarch64, librdkafka 2.x) in one
 * place, and the raw reads of message structs that producer delivery reports and the consumer
 * share: a batch of message pointers is turned into one JavaScript copy of their structs.
 *
 * ```c
 * typedef struct rd_kafka_message_s {
 *   rd_kafka_resp_err_t err;   //  0 (int32, 4 bytes of padding)
 *   rd_kafka_topic_t *rkt;     //  8
 *   int32_t partition;         // 16 (4 bytes of padding)
 *   void *payload;             // 24
 *   size_t len;                // 32
 *   void *key;                 // 40
 *   size_t key_len;            // 48
 *   int64_t offset;            // 56
 *   void *_private;            // 64 (the producer's opaque)
 * } rd_kafka_message_t;        // 72
 * ```
 *
 * @module
 */
import { RegionCopier } from "../region_copier.ts";

/** Byte offsets of the fields of `rd_kafka_message_t`. */
export const MessageField = {
  ERR: 0,
  RKT: 8,
  PARTITION: 16,
  PAYLOAD: 24,
  LEN: 32,
  KEY: 40,
  KEY_LEN: 48,
  OFFSET: 56,
  PRIVATE: 64,
} as const;

/** `sizeof(rd_kafka_message_t)`. */
export const MESSAGE_SIZE = 72;

/**
 * Behind the public struct, librdkafka 2.x's `rd_kafka_msg_t` continues with a link (16 bytes),
 * flags (4), the timestamp type (4) and the timestamp (8). Private: a reader uses them only after
 * they matched `rd_kafka_message_timestamp()` on a real message.
 */
export const PrivateField = { TSTYPE: 92, TIMESTAMP: 96 } as const;

/** Bytes of a message struct including the private timestamp fields. */
export const MESSAGE_WITH_TIMESTAMP_SIZE = 104;

const TWO_32 = 2 ** 32;

/** Reads a little-endian unsigned 64-bit field as a number (exact below 2^53: addresses, sizes). */
export function u64(view: DataView, at: number): number {
  return view.getUint32(at, true) + view.getUint32(at + 4, true) * TWO_32;
}

/** Reads a little-endian signed 64-bit field as a number (offsets, timestamps). */
export function i64(view: DataView, at: number): number {
  return view.getUint32(at, true) + view.getInt32(at + 4, true) * TWO_32;
}

/**
 * Where message `i` of a pointer array (`rd_kafka_message_t *[]` filled by librdkafka) points.
 * `words` is the array as 32-bit words.
 */
export function messageAddress(words: Uint32Array, i: number): number {
  return words[2 * i] + words[2 * i + 1] * TWO_32;
}

/**
 * Copies native memory into JavaScript buffers, for an array of pointers that librdkafka
 * filled: the array's own address is the base every other address is read relative to.
 */
export class NativeReader {
  readonly #base: Deno.PointerObject;
  readonly #baseAddress: number;
  /** Copies `target.length` bytes starting at `address` into `target`. */
  readonly copyFrom: (address: number, target: Uint8Array) => void;

  /** `anchor` is any buffer that stays alive as long as the reader (e.g. the pointer array). */
  constructor(anchor: Uint8Array) {
    this.#base = Deno.UnsafePointer.of(anchor)!;
    this.#baseAddress = Number(Deno.UnsafePointer.value(this.#base));
    this.copyFrom = (address, target) =>
      Deno.UnsafePointerView.copyInto(this.#base, target, address - this.#baseAddress);
  }

  /**
   * Copies the structs (`size` bytes each) of the `n` messages whose pointers are in `words`
   * into `copier`, with one copy per run of nearby memory; struct `i` starts at
   * `copier.offsetOf(i)` in `copier.buffer`.
   */
  copyStructs(words: Uint32Array, n: number, size: number, copier: RegionCopier): DataView {
    copier.reset();
    for (let i = 0; i < n; i++) copier.add(messageAddress(words, i), size);
    copier.copy(this.copyFrom);
    return new DataView(copier.buffer.buffer);
  }
}

/** Copies `length` bytes at `ptr` into a new buffer. */
export function copyBytes(ptr: Deno.PointerObject, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  if (length > 0) Deno.UnsafePointerView.copyInto(ptr, bytes);
  return bytes;
}

/** The pointer stored at byte `at` of the native memory `ptr` points to. */
export function pointerAt(ptr: Deno.PointerObject, at: number): Deno.PointerValue {
  return new Deno.UnsafePointerView(ptr).getPointer(at);
}

/** The address of a buffer's (non-moving) memory. */
export function addressOf(buffer: Uint8Array): number {
  return Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer)));
}
