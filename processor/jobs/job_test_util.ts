/**
 * Unit-test support for job logic: consumer records built in memory and a {@linkcode TaskOutput}
 * that records what a task sends.
 *
 * @module
 */
import type { ConsumerRecord, ProducerRecord } from "@iot/kafka";
import type { DeadLetterReason, TaskOutput } from "../runtime/job.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A consumed record of `topic`/`partition` at `offset`, with a string key and value. */
export function consumerRecord(
  value: string | object,
  options: { topic?: string; partition?: number; offset?: number; key?: string | null } = {},
): ConsumerRecord {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return {
    topic: options.topic ?? "in",
    partition: options.partition ?? 0,
    offset: options.offset ?? 0,
    key: options.key == null ? null : encoder.encode(options.key),
    value: encoder.encode(text),
    timestamp: -1,
    timestampType: "none",
    headers: [],
  };
}

/** What a task sent, in order. */
export class RecordingOutput implements TaskOutput {
  /** Records emitted (results and late records). */
  readonly emitted: ProducerRecord[] = [];
  /** Late records counted (with or without a record). */
  lateCount = 0;
  /** Records dead-lettered, with their reasons. */
  readonly deadLetters: { record: ConsumerRecord; reason: DeadLetterReason }[] = [];

  emit(record: ProducerRecord): void {
    this.emitted.push(record);
  }

  late(record?: ProducerRecord): void {
    this.lateCount++;
    if (record !== undefined) this.emit(record);
  }

  deadLetter(record: ConsumerRecord, reason: DeadLetterReason): void {
    this.deadLetters.push({ record, reason });
  }

  /** Emitted records of `topic`, values parsed as JSON. */
  values(topic: string): Record<string, unknown>[] {
    return this.emitted.filter((r) => r.topic === topic).map((r) =>
      JSON.parse(typeof r.value === "string" ? r.value : decoder.decode(r.value!))
    );
  }
}
