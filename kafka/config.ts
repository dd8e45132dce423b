/**
 * Client configuration: librdkafka properties plus the hooks this binding adds.
 *
 * @module
 */
import { ErrorCode, KafkaError } from "./errors.ts";
import { cstr, librdkafka, readCString } from "./native/library.ts";
import type { KafkaStats } from "./stats.ts";

/** librdkafka configuration properties (see librdkafka's CONFIGURATION.md), e.g. `bootstrap.servers`. */
export type KafkaConfig = Record<string, string | number | boolean>;

/** A librdkafka log line routed to the application. */
export interface KafkaLogRecord {
  /** Syslog level: 0 emergency .. 3 error, 4 warning, 5 notice, 6 info, 7 debug. */
  level: number;
  /** librdkafka facility, e.g. `FAIL`, `REQTMOUT`. */
  facility: string;
  /** The log line. */
  message: string;
  /** The client instance name (`client.id` plus a serial). */
  client: string;
}

/** Hooks every client accepts besides librdkafka properties. */
export interface ClientHooks {
  /** Receives librdkafka log lines. Default: warnings and worse to `console.warn`. */
  onLog?: (record: KafkaLogRecord) => void;
  /**
   * Receives client-level errors (broker connection failures, fatal errors). Default: ignored
   * unless fatal; librdkafka retries transient errors itself and operations report their own errors.
   */
  onError?: (error: KafkaError) => void;
  /** Receives parsed statistics every `statistics.interval.ms` (librdkafka default: disabled). */
  onStats?: (stats: KafkaStats) => void;
}

/** Logs warnings and worse to `console.warn`. */
export function defaultLogHandler(record: KafkaLogRecord): void {
  if (record.level <= 4) {
    console.warn(`librdkafka ${record.client} ${record.facility}: ${record.message}`);
  }
}

/** Property names whose values are never echoed in errors or logs. */
const secretKeys = /password|secret|token|sasl\.oauthbearer\.config|ssl\.key\.pem/i;

/**
 * Builds an `rd_kafka_conf_t *`. Throws a {@linkcode KafkaError} with code `_INVALID_ARG`
 * naming the property when a name is unknown or a value is invalid.
 */
export function buildNativeConfig(config: KafkaConfig): Deno.PointerValue {
  const lib = librdkafka();
  const conf = lib.rd_kafka_conf_new();
  const errstr = new Uint8Array(512);
  for (const [name, value] of Object.entries(config)) {
    if (value === undefined) continue;
    const result = lib.rd_kafka_conf_set(conf, cstr(name), cstr(String(value)), errstr, 512n);
    if (result !== 0) {
      lib.rd_kafka_conf_destroy(conf);
      const detail = readCString(Deno.UnsafePointer.of(errstr)) ?? "";
      const shown = secretKeys.test(name) ? "<redacted>" : JSON.stringify(String(value));
      throw new KafkaError(`invalid Kafka config ${name}=${shown}: ${detail}`, {
        code: ErrorCode.INVALID_ARG,
        retriable: false,
      });
    }
  }
  return conf;
}
