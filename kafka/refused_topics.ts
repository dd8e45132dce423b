/**
 * Topics a producer no longer sends records with headers to, because librdkafka has marked
 * them failed.
 *
 * Why: in librdkafka 2.0.2 (Debian's librdkafka1), `rd_kafka_produceva()` with
 * `RD_KAFKA_VTYPE_HEADER` entries frees the headers twice when its partitioner refuses the
 * message: the message it destroys owns them, and its error path destroys them again. The
 * partitioner refuses every message to a topic in state ERROR (its error code) or NOTEXISTS
 * (`_UNKNOWN_TOPIC`), so once a topic is in either state the next send with headers crashes
 * the process (SIGSEGV). librdkafka enters those states when a ProduceResponse says
 * TOPIC_AUTHORIZATION_FAILED, and when metadata answers a topic with TOPIC_AUTHORIZATION_FAILED
 * (any error with no partitions), UNKNOWN_TOPIC_OR_PART, TOPIC_EXCEPTION or leaves it out
 * (`_UNKNOWN_TOPIC`); the records waiting for that topic then fail with that code. Those
 * failures are what {@linkcode RefusedTopics.note} watches.
 *
 * The state can also change between creating a topic's handle and the first call (the handle
 * asks for its metadata): so before the first record with headers to a topic, {@linkcode
 * RefusedTopics.check} asks for the topic's metadata once, which settles librdkafka's state.
 *
 * Limits: a topic that librdkafka marks failed later, while records are still being enqueued
 * (before their delivery report is read), is not seen in time; a metadata refresh that finds
 * the topic usable again does not lift the refusal (a new producer does).
 *
 * @module
 */
import { ErrorCode, KafkaError } from "./errors.ts";
import { readMetadataTopics } from "./native/admin_metadata.ts";
import type { Librdkafka } from "./native/library.ts";
import type { ProducerRecord, RecordBlock } from "./native/produce_request.ts";

const TOPIC_AUTHORIZATION_FAILED = 29;
const TOPIC_EXCEPTION = 17;

/** Delivery error codes that mean librdkafka has marked the record's topic failed. */
const TOPIC_FAILED_CODES: ReadonlySet<number> = new Set([
  TOPIC_AUTHORIZATION_FAILED,
  TOPIC_EXCEPTION,
  ErrorCode.UNKNOWN_TOPIC_OR_PART,
  ErrorCode.UNKNOWN_TOPIC,
]);

/** The failed topics of one producer, each with the error that marked it. */
export class RefusedTopics {
  readonly #reasons = new Map<string, KafkaError>();
  readonly #checked = new Set<string>();

  /**
   * The topics of the first `count` records (or of the block) that carry headers and were not
   * checked yet: a lookup per record, or per topic of a block.
   */
  unchecked(
    records: readonly ProducerRecord[] | null,
    block: RecordBlock | null,
    count: number,
  ): Set<string> {
    const topics = new Set<string>();
    const checked = this.#checked;
    if (block) {
      if (block.headers.length === 0) return topics;
      for (const topic of block.topics) if (!checked.has(topic)) topics.add(topic);
    } else {
      for (let i = 0; i < count; i++) {
        const { topic, headers } = records![i];
        if (headers !== undefined && !checked.has(topic)) topics.add(topic);
      }
    }
    return topics;
  }

  /**
   * Asks once for the metadata of `topic` (handle `rkt`), waiting up to `timeoutMs`, and
   * refuses the topic if the answer is an error that marks it failed. A failed request refuses
   * nothing: then the sends go on as before.
   */
  async check(
    lib: Librdkafka,
    rk: Deno.PointerObject,
    rkt: Deno.PointerObject,
    topic: string,
    timeoutMs: number,
  ): Promise<void> {
    if (this.#checked.has(topic)) return;
    this.#checked.add(topic);
    const out = new BigUint64Array(1);
    if (await lib.rd_kafka_metadata(rk, 0, rkt, out, timeoutMs) !== ErrorCode.NO_ERROR) return;
    const metadata = Deno.UnsafePointer.create(out[0])!;
    try {
      for (const answer of readMetadataTopics(metadata)) {
        if (answer.name !== topic || !("error" in answer)) continue;
        // Not UNKNOWN_TOPIC_OR_PART: librdkafka waits topic.metadata.propagation.max.ms for a
        // new topic before marking it missing, and the delivery reports say when it does.
        if (answer.error === TOPIC_AUTHORIZATION_FAILED || answer.error === TOPIC_EXCEPTION) {
          this.note(topic, KafkaError.fromCode(answer.error, `metadata of ${topic}`));
        }
      }
    } finally {
      lib.rd_kafka_metadata_destroy(metadata);
    }
  }

  /** How many topics are refused (0 on the hot path: nothing to look up). */
  get size(): number {
    return this.#reasons.size;
  }

  /** Records that a record to `topic` failed with `error`; remembers the topic if it is failed. */
  note(topic: string, error: KafkaError): void {
    if (TOPIC_FAILED_CODES.has(error.code) && !this.#reasons.has(topic)) {
      this.#reasons.set(topic, error);
    }
  }

  /** The error for record `index` (of `records` or `block`), or `null` when it may be sent. */
  refusalAt(
    records: readonly ProducerRecord[] | null,
    block: RecordBlock | null,
    index: number,
  ): KafkaError | null {
    const topic = records ? records[index].topic : block!.topics[block!.topicIndex[index]];
    const headers = records ? records[index].headers !== undefined : block!.headers.length > 0;
    const reason = headers ? this.#reasons.get(topic) : undefined;
    if (reason === undefined) return null;
    return new KafkaError(
      `produce to ${topic} refused, the topic failed (${reason.message}); records ` +
        `with headers to it would crash librdkafka 2.0.2: fix the cause, start a new producer`,
      { code: reason.code, retriable: false, cause: reason },
    );
  }
}
