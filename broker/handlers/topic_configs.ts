/**
 * Topic config entries as DescribeConfigs and CreateTopics (v5+) report them: every config the
 * store understands, with the effective value and whether it is a topic override or a default.
 *
 * @module
 */
import { KNOWN_TOPIC_CONFIGS, type LogConfig } from "../storage/mod.ts";

/** Kafka ConfigSource values. */
export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_GROUP_CONFIG: 8,
};
/** Kafka ConfigType values. */
export const ConfigType = { BOOLEAN: 1, STRING: 2, INT: 3, LONG: 5, LIST: 7 };

/** One described config. */
export interface ConfigEntry {
  /** Config key, e.g. "cleanup.policy". */
  name: string;
  /** Effective value. */
  value: string;
  /** Where the value comes from ({@linkcode ConfigSource}). */
  source: number;
  /** Data type ({@linkcode ConfigType}). */
  type: number;
}

/** The effective value of a known config key under `config`. */
export function configValue(config: LogConfig, key: string): string {
  switch (key) {
    case "segment.bytes":
      return String(config.segmentBytes);
    case "segment.ms":
      return String(config.segmentMs);
    case "index.interval.bytes":
      return String(config.indexIntervalBytes);
    case "retention.ms":
      return String(config.retentionMs);
    case "retention.bytes":
      return String(config.retentionBytes);
    case "delete.retention.ms":
      return String(config.deleteRetentionMs);
    case "max.message.bytes":
      return String(config.maxMessageBytes);
    case "cleanup.policy":
      return [config.cleanupPolicy.delete && "delete", config.cleanupPolicy.compact && "compact"]
        .filter(Boolean).join(",");
    case "message.timestamp.type":
      return config.timestampType === "create" ? "CreateTime" : "LogAppendTime";
  }
  return "";
}

function typeOf(key: string): number {
  if (key === "cleanup.policy") return ConfigType.LIST;
  if (key === "message.timestamp.type") return ConfigType.STRING;
  if (key === "segment.bytes" || key === "index.interval.bytes" || key === "max.message.bytes") {
    return ConfigType.INT;
  }
  return ConfigType.LONG;
}

/**
 * Every known config plus any unknown overrides of a topic, sorted by name; `keys` (when not
 * null) selects which to return.
 */
export function describeTopicConfigs(
  effective: LogConfig,
  overrides: Readonly<Record<string, string>>,
  keys: readonly string[] | null = null,
): ConfigEntry[] {
  const names = new Set([...KNOWN_TOPIC_CONFIGS, ...Object.keys(overrides)]);
  const out: ConfigEntry[] = [];
  for (const name of [...names].sort()) {
    if (keys !== null && !keys.includes(name)) continue;
    const overridden = Object.hasOwn(overrides, name);
    out.push({
      name,
      value: overridden && !KNOWN_TOPIC_CONFIGS.includes(name)
        ? overrides[name]
        : configValue(effective, name),
      source: overridden ? ConfigSource.DYNAMIC_TOPIC_CONFIG : ConfigSource.DEFAULT_CONFIG,
      type: KNOWN_TOPIC_CONFIGS.includes(name) ? typeOf(name) : ConfigType.STRING,
    });
  }
  return out;
}
