/**
 * Per-topic log settings, parsed from Kafka topic config strings (`retention.ms`, ...).
 *
 * @module
 */
import { InvalidConfigError } from "./errors.ts";

/** Settings of one partition log; names follow Kafka's topic configs. */
export interface LogConfig {
  /** `segment.bytes`: roll the active segment beyond this size. Default: 1 GiB. */
  segmentBytes: number;
  /** `segment.ms`: roll a non-empty active segment this old. Default: 7 days. */
  segmentMs: number;
  /** `index.interval.bytes`: bytes between sparse index entries. Default: 4096. */
  indexIntervalBytes: number;
  /** `retention.ms`: delete closed segments whose newest timestamp is older; -1 = keep. Default: 7 days. */
  retentionMs: number;
  /** `retention.bytes`: delete oldest closed segments while the log exceeds this; -1 = no limit. Default: -1. */
  retentionBytes: number;
  /** `cleanup.policy`: "delete", "compact" or both. Default: delete. */
  cleanupPolicy: { delete: boolean; compact: boolean };
  /** `delete.retention.ms`: tombstones older than this are dropped by compaction. Default: 1 day. */
  deleteRetentionMs: number;
  /** `max.message.bytes`: largest batch accepted. Default: 1048588. */
  maxMessageBytes: number;
  /** `message.timestamp.type`: "CreateTime" keeps producer timestamps, "LogAppendTime" stamps them. */
  timestampType: "create" | "logAppend";
}

/** Kafka's defaults. */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 3600 * 1000,
  indexIntervalBytes: 4096,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  cleanupPolicy: { delete: true, compact: false },
  deleteRetentionMs: 24 * 3600 * 1000,
  maxMessageBytes: 1048588,
  timestampType: "create",
});

const INT_KEYS: Record<string, keyof LogConfig> = {
  "segment.bytes": "segmentBytes",
  "segment.ms": "segmentMs",
  "index.interval.bytes": "indexIntervalBytes",
  "retention.ms": "retentionMs",
  "retention.bytes": "retentionBytes",
  "delete.retention.ms": "deleteRetentionMs",
  "max.message.bytes": "maxMessageBytes",
};

/** Topic config keys this store understands; others are kept but ignored. */
export const KNOWN_TOPIC_CONFIGS: readonly string[] = [
  ...Object.keys(INT_KEYS),
  "cleanup.policy",
  "message.timestamp.type",
];

/**
 * Builds a {@linkcode LogConfig} from Kafka topic config strings over `base` (default
 * {@linkcode DEFAULT_LOG_CONFIG}). Unknown keys are ignored.
 *
 * @throws {InvalidConfigError} for a malformed value of a known key.
 */
export function parseLogConfig(
  configs: Readonly<Record<string, string>>,
  base: Readonly<LogConfig> = DEFAULT_LOG_CONFIG,
): LogConfig {
  const out: LogConfig = { ...base, cleanupPolicy: { ...base.cleanupPolicy } };
  for (const [key, raw] of Object.entries(configs)) {
    const field = INT_KEYS[key];
    if (field) {
      const n = Number(raw);
      const min = key === "retention.ms" || key === "retention.bytes"
        ? -1
        : key === "segment.bytes"
        ? 14
        : 0;
      if (raw.trim() === "" || !Number.isSafeInteger(n) || n < min) {
        throw new InvalidConfigError(`${key}=${raw} is not an integer >= ${min}`);
      }
      (out[field] as number) = n;
    } else if (key === "cleanup.policy") {
      const parts = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
      if (parts.some((p) => p !== "delete" && p !== "compact")) {
        throw new InvalidConfigError(`cleanup.policy=${raw} must list "delete" and/or "compact"`);
      }
      out.cleanupPolicy = { delete: parts.includes("delete"), compact: parts.includes("compact") };
    } else if (key === "message.timestamp.type") {
      if (raw !== "CreateTime" && raw !== "LogAppendTime") {
        throw new InvalidConfigError(
          `message.timestamp.type=${raw} must be CreateTime or LogAppendTime`,
        );
      }
      out.timestampType = raw === "CreateTime" ? "create" : "logAppend";
    }
  }
  return out;
}
