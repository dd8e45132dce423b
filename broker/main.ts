/**
 * The broker shim's CLI: `deno task broker --port 9092 --data-dir ./data/broker`.
 *
 * Every flag also has an environment variable (flags win). Prints one JSON log line
 * `{"msg":"broker ready","port":…,"adminPort":…}` once it accepts connections; SIGINT/SIGTERM
 * stop it gracefully (finish in-flight requests, flush, close).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { runBroker } from "./server/broker.ts";
import { createJsonLogger, errorField } from "./server/logger.ts";

const HELP = `Kafka-protocol broker shim (single node, durable local logs)

Usage: deno task broker [flags]

  --port N                 Kafka port, 0 = any free port        [BROKER_PORT, default 9092]
  --host HOST              interface to bind                    [BROKER_HOST, default 127.0.0.1]
  --advertised-host HOST   host in Metadata                     [BROKER_ADVERTISED_HOST, default --host]
  --data-dir DIR           data directory                       [BROKER_DATA_DIR, default ./data/broker]
  --admin-port N           /metrics and /health (HTTP); 0 = any [BROKER_ADMIN_PORT, default off]
  --partitions N           partitions of auto-created topics    [BROKER_PARTITIONS, default 1]
  --auto-create BOOL       auto-create topics on Metadata       [BROKER_AUTO_CREATE, default true]
  --fsync POLICY           always | interval | none             [BROKER_FSYNC, default always]
  --fsync-interval-ms N    period of --fsync interval           [BROKER_FSYNC_INTERVAL_MS, default 1000]
  --retention-ms N         default topic retention, -1 = keep   [BROKER_RETENTION_MS, default 604800000]
  --idle-timeout-ms N      connections.max.idle.ms              [BROKER_IDLE_TIMEOUT_MS, default 600000]
  --log-level LEVEL        debug | info | warn | error          [BROKER_LOG_LEVEL, default info]
  --help                   this text
`;

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.union([z.boolean(), z.enum(["true", "false"]).transform((s) => s === "true")]);

/** The parsed configuration. */
const Config = z.object({
  port: port.default(9092),
  host: z.string().min(1).default("127.0.0.1"),
  advertisedHost: z.string().min(1).optional(),
  dataDir: z.string().min(1).default("./data/broker"),
  adminPort: port.optional(),
  partitions: z.coerce.number().int().min(1).max(10_000).default(1),
  autoCreate: bool.default(true),
  fsync: z.enum(["always", "interval", "none"]).default("always"),
  fsyncIntervalMs: z.coerce.number().int().min(1).default(1000),
  retentionMs: z.coerce.number().int().min(-1).default(604_800_000),
  idleTimeoutMs: z.coerce.number().int().min(1).default(600_000),
  logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
}).strict();

const FLAGS = {
  "port": "BROKER_PORT",
  "host": "BROKER_HOST",
  "advertised-host": "BROKER_ADVERTISED_HOST",
  "data-dir": "BROKER_DATA_DIR",
  "admin-port": "BROKER_ADMIN_PORT",
  "partitions": "BROKER_PARTITIONS",
  "auto-create": "BROKER_AUTO_CREATE",
  "fsync": "BROKER_FSYNC",
  "fsync-interval-ms": "BROKER_FSYNC_INTERVAL_MS",
  "retention-ms": "BROKER_RETENTION_MS",
  "idle-timeout-ms": "BROKER_IDLE_TIMEOUT_MS",
  "log-level": "BROKER_LOG_LEVEL",
} as const;

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Parses flags over environment variables; exits 2 with one line on bad input. */
function parseConfig(args: string[]): z.infer<typeof Config> {
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      options: {
        help: { type: "boolean" },
        ...Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: "string" as const }])),
      },
    });
    if (values.help) {
      console.log(HELP);
      Deno.exit(0);
    }
    const raw: Record<string, unknown> = {};
    for (const [flag, env] of Object.entries(FLAGS)) {
      const value = (values as Record<string, unknown>)[flag] ?? Deno.env.get(env);
      if (value !== undefined) raw[camel(flag)] = value;
    }
    return Config.parse(raw);
  } catch (e) {
    const message = e instanceof z.ZodError
      ? e.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; ")
      : e instanceof Error
      ? e.message
      : String(e);
    console.error(`broker: ${message} (see --help)`);
    Deno.exit(2);
  }
}

if (import.meta.main) {
  const config = parseConfig(Deno.args);
  const logger = createJsonLogger({ level: config.logLevel });
  let broker;
  try {
    broker = await runBroker({ ...config, adminPort: config.adminPort ?? null, logger });
  } catch (e) {
    logger.error("broker failed to start", { error: errorField(e) });
    Deno.exit(1);
  }
  logger.info("broker ready", {
    host: config.host,
    port: broker.port,
    adminPort: broker.adminPort,
    dataDir: config.dataDir,
    fsync: config.fsync,
    autoCreate: config.autoCreate,
    partitions: config.partitions,
  });
  const stop = (signal: string) => {
    logger.info("shutting down", { signal });
    broker.close().then(() => {
      logger.info("broker stopped");
      Deno.exit(0);
    }, (e) => {
      logger.error("shutdown failed", { error: errorField(e) });
      Deno.exit(1);
    });
  };
  Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
}
