/**
 * Reads a log event (`RD_KAFKA_EVENT_LOG`): facility, message and syslog level.
 *
 * @module
 */
import { type Librdkafka, readCString } from "./library.ts";

/** A log line as librdkafka gave it. */
export interface LogLine {
  facility: string;
  message: string;
  /** syslog level: 0 emergency .. 7 debug. */
  level: number;
}

/** Reads the log line of `event`; `fields` is 24 bytes of scratch; null when it is no log. */
export function readLogEvent(
  lib: Librdkafka,
  event: Deno.PointerObject,
  fields: Uint8Array,
): LogLine | null {
  const code = lib.rd_kafka_event_log(
    event,
    fields.subarray(0, 8),
    fields.subarray(8, 16),
    fields.subarray(16, 20),
  );
  if (code !== 0) return null;
  const view = new Deno.UnsafePointerView(Deno.UnsafePointer.of(fields)!);
  return {
    facility: readCString(view.getPointer(0)) ?? "",
    message: readCString(view.getPointer(8)) ?? "",
    level: view.getInt32(16),
  };
}
