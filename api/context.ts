/**
 * What every route group receives: the store, the outside world and the configuration, plus the
 * router factory that turns bad input into problem responses.
 *
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Logger } from "@iot/service";
import type { CommandPublisher } from "./commands.ts";
import type { RouteMetrics } from "./metrics.ts";
import type { PipelineSource } from "./pipeline.ts";
import { badRequest } from "./problem.ts";
import type { DeviceStatus } from "./schemas.ts";
import type { ApiStore, DeviceFacts } from "./store.ts";

/** The API's settings; every field has a default ({@linkcode defaultAppConfig}). */
export interface AppConfig {
  /** Bearer tokens accepted on mutating routes; none: mutating routes answer 403. */
  readonly tokens: readonly string[];
  /** Origins allowed by CORS; none: no CORS headers at all. */
  readonly corsOrigins: readonly string[];
  /** Largest request body in bytes. Default 16 KiB. */
  readonly bodyLimitBytes: number;
  /** A device without readings for this long is `silent`. Default 60 s. */
  readonly silentAfterMs: number;
  /** Default time to live of a command. Default 300 s. */
  readonly commandTtlMs: number;
  /** How often live streams poll the store. Default 500 ms. */
  readonly pollIntervalMs: number;
  /** How often live streams send a comment line when idle. Default 15 s. */
  readonly heartbeatMs: number;
  /** Status URLs of the pipeline's services by name, e.g. `{ processor: "http://…/status" }`. */
  readonly services: Readonly<Record<string, string>>;
}

/** The defaults of {@linkcode AppConfig}. */
export const defaultAppConfig: AppConfig = Object.freeze({
  tokens: [],
  corsOrigins: [],
  bodyLimitBytes: 16 * 1024,
  silentAfterMs: 60_000,
  commandTtlMs: 300_000,
  pollIntervalMs: 500,
  heartbeatMs: 15_000,
  services: {},
});

/** What `createApp` is given. */
export interface AppDeps {
  /** The store to read. */
  readonly store: ApiStore;
  /** Where commands go; absent: `POST …/commands` answers 503. */
  readonly commands?: CommandPublisher;
  /** Topics and groups; absent: the pipeline routes list none. */
  readonly pipeline?: PipelineSource;
  /** Settings; missing fields take {@linkcode defaultAppConfig}. */
  readonly config?: Partial<AppConfig>;
  /** Log lines (request ids, errors); default: none. */
  readonly logger?: Logger;
  /** The clock, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Fetches service status documents. Default `fetch`. */
  readonly fetch?: typeof fetch;
  /** Aborted when the server stops: live streams end, so a graceful shutdown finishes. */
  readonly signal?: AbortSignal;
}

/** {@linkcode AppDeps} with every default filled in, as the routes see them. */
export interface AppContext {
  /** The store. */
  readonly store: ApiStore;
  /** The command publisher, if any. */
  readonly commands: CommandPublisher | undefined;
  /** The pipeline source, if any. */
  readonly pipeline: PipelineSource | undefined;
  /** The settings. */
  readonly config: AppConfig;
  /** The logger. */
  readonly logger: Logger;
  /** The clock. */
  readonly now: () => number;
  /** Fetches status documents. */
  readonly fetch: typeof fetch;
  /** Request metrics. */
  readonly metrics: RouteMetrics;
  /** Aborted when the server stops. */
  readonly signal: AbortSignal | undefined;
}

/** A router whose validation failures become 400 problems naming the failing fields. */
export function newRouter(): OpenAPIHono {
  return new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) throw badRequest(result.error, result.target);
    },
  });
}

/** A device's status: shut down by a command, else active or silent by its last reading. */
export function deviceStatus(facts: DeviceFacts, now: number, silentAfterMs: number): DeviceStatus {
  if (facts.lastSucceededCommand === "shutdown") return "shut down";
  const last = facts.lastReading ? Date.parse(facts.lastReading.ts) : -Infinity;
  return now - last <= silentAfterMs ? "active" : "silent";
}
