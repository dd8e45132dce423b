/**
 * Reads the messages of a delivery-report event: one chunk of message pointers at a time, and
 * of each message only what is asked for, so a successful event costs a few reads, not one per
 * message.
 *
 * @module
 */
import type { Librdkafka } from "./library.ts";
import {
  i64,
  MESSAGE_SIZE,
  messageAddress,
  MessageField as F,
  NativeReader,
  u64,
} from "./message.ts";

/** Pointers read per `rd_kafka_event_message_array()` call. */
const CAPACITY = 1024;
const CAPACITY_ARG = BigInt(CAPACITY);

/** One delivered (or failed) message. */
export interface DeliveredMessage {
  /** librdkafka's error code; 0 when written. */
  err: number;
  partition: number;
  offset: number;
  /** The opaque it was produced with. */
  opaque: number;
}

/** Reads delivery-report events; one per producer. */
export class DeliveryReader {
  readonly #lib: Librdkafka;
  readonly #pointers = new Uint8Array(new ArrayBuffer(8 * CAPACITY));
  readonly #words = new Uint32Array(this.#pointers.buffer);
  readonly #native = new NativeReader(this.#pointers);
  readonly #struct = new Uint8Array(MESSAGE_SIZE);
  readonly #view = new DataView(this.#struct.buffer);
  readonly #opaque = this.#struct.subarray(0, 8);
  readonly #message: DeliveredMessage = { err: 0, partition: 0, offset: 0, opaque: 0 };

  constructor(lib: Librdkafka) {
    this.#lib = lib;
  }

  /**
   * The event's error: when 0, every message of the event was written (librdkafka reports a
   * produce request's messages together, with one error).
   */
  eventError(event: Deno.PointerObject): number {
    return this.#lib.rd_kafka_event_error(event);
  }

  /** Takes the event's next chunk of messages; returns how many (0 when none are left). */
  next(event: Deno.PointerObject): number {
    return Number(this.#lib.rd_kafka_event_message_array(event, this.#pointers, CAPACITY_ARG));
  }

  /** The opaque of message `i` of the current chunk. */
  opaqueAt(i: number): number {
    this.#native.copyFrom(messageAddress(this.#words, i) + F.PRIVATE, this.#opaque);
    return u64(this.#view, 0);
  }

  /** Message `i` of the current chunk (the returned object is reused by the next call). */
  messageAt(i: number): DeliveredMessage {
    this.#native.copyFrom(messageAddress(this.#words, i), this.#struct);
    const view = this.#view;
    const m = this.#message;
    m.err = view.getInt32(F.ERR, true);
    m.partition = view.getInt32(F.PARTITION, true);
    m.offset = i64(view, F.OFFSET);
    m.opaque = u64(view, F.PRIVATE);
    return m;
  }
}

/** Messages per chunk of {@linkcode DeliveryReader.next}. */
export const DELIVERY_CHUNK = CAPACITY;
