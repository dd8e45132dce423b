/**
 * The broker's options, declared once: `broker/main.ts` parses them (flags > `BROKER_*` env >
 * `--config` file > defaults), `--help` is generated from them, and {@linkcode runBroker}'s
 * defaults are {@linkcode brokerDefaults}.
 *
 * @module
 */
import {
  booleanOption,
  defaultsOf,
  defineCli,
  enumOption,
  integerOption,
  logLevels,
  stringOption,
} from "@iot/service";

const port = { min: 0, max: 65535 } as const;

/** The broker's command line. */
export const brokerCli = defineCli({
  name: "broker",
  usage: "deno task broker [flags]",
  summary: "Kafka-protocol broker shim (single node, durable local logs).",
  prefix: "BROKER",
  options: {
    port: integerOption({ doc: "Kafka port, 0 = any free port", default: 9092, ...port }),
    host: stringOption({ doc: "interface to bind", value: "HOST", default: "127.0.0.1" }),
    advertisedHost: stringOption({
      doc: "host in Metadata",
      value: "HOST",
      defaultText: "--host",
    }),
    dataDir: stringOption({
      doc: "data directory (locked: one broker per directory)",
      value: "DIR",
      default: "./data/broker",
    }),
    adminPort: integerOption({
      doc: "/metrics and /healthz (HTTP); 0 = any free port",
      defaultText: "off",
      ...port,
    }),
    schemaRegistryPort: integerOption({
      doc: "Schema Registry REST API (Confluent-compatible; JSON Schema, Avro); 0 = any free port",
      defaultText: "off",
      ...port,
    }),
    partitions: integerOption({
      doc: "partitions of auto-created topics",
      default: 1,
      min: 1,
      max: 10_000,
    }),
    autoCreate: booleanOption({ doc: "auto-create topics on Metadata", default: true }),
    autoCreateSettleMs: integerOption({
      doc: "an auto-created topic shows in Metadata this long after (Kafka's controller delay)",
      default: 50,
      min: 0,
    }),
    fsync: enumOption(["always", "interval", "none"] as const, {
      doc: "when partition logs are fsynced",
      value: "POLICY",
      default: "always",
    }),
    fsyncIntervalMs: integerOption({ doc: "period of --fsync interval", default: 1000, min: 1 }),
    retentionMs: integerOption({
      doc: "default topic retention, -1 = keep forever",
      default: 604_800_000,
      min: -1,
    }),
    idleTimeoutMs: integerOption({
      doc: "close idle connections (connections.max.idle.ms)",
      default: 600_000,
      min: 1,
    }),
    maintenanceIntervalMs: integerOption({
      doc: "how often retention and compaction run (log.retention.check.interval.ms)",
      default: 300_000,
      min: 1,
    }),
    saslUsersFile: stringOption({
      doc: "JSON file of SASL users {name: password}; clients must then authenticate " +
        "(PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)",
      value: "FILE",
      defaultText: "off",
    }),
    tlsCertFile: stringOption({
      doc: "PEM certificate chain: serve the Kafka port over TLS (with --tls-key-file)",
      value: "FILE",
      defaultText: "off",
    }),
    tlsKeyFile: stringOption({
      doc: "PEM private key of --tls-cert-file",
      value: "FILE",
      defaultText: "off",
    }),
    authorizer: booleanOption({
      doc: "enforce ACLs (kafka-acls.sh: CreateAcls/DescribeAcls/DeleteAcls); no ALLOW, no access",
      default: false,
    }),
    superUsers: stringOption({
      doc: "comma-separated principals that bypass ACLs, e.g. User:admin",
      value: "LIST",
      defaultText: "none",
    }),
    logCleanerBackoffMs: integerOption({
      doc: "delay before a compacted partition whose segment rolled is compacted " +
        "(log.cleaner.backoff.ms)",
      default: 15_000,
      min: 1,
    }),
    logLevel: enumOption(logLevels, {
      doc: "lowest level logged",
      value: "LEVEL",
      default: "info",
    }),
  },
});

/** The defaults of every broker option (one place for each). */
export const brokerDefaults = defaultsOf(brokerCli.options);
