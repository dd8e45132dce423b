/**
 * `@iot/api`: the query API and live dashboard over the stores `@iot/sinks` writes and the live
 * pipeline. {@linkcode createApp} builds the Hono app from an {@linkcode ApiStore} backend
 * ({@linkcode SqliteStore}, the embedded store), a {@linkcode CommandPublisher} and a
 * {@linkcode PipelineSource}; `deno task api` serves it.
 *
 * @module
 */
export { createApp } from "./app.ts";
export { type AppConfig, type AppDeps, defaultAppConfig, deviceStatus } from "./context.ts";
export { type CommandPublisher, KafkaCommandPublisher, RecordingPublisher } from "./commands.ts";
export {
  fetchStatuses,
  type GroupInfo,
  KafkaPipelineSource,
  type PipelineSource,
  type ServiceStatus,
  type TopicInfo,
} from "./pipeline.ts";
export { tokenMatches } from "./auth.ts";
export { MongoCassandraStore, type MongoCassandraStoreOptions } from "./mongo_store.ts";
export { SqliteStore, type SqliteStoreOptions } from "./sqlite_store.ts";
export * from "./store.ts";
/** The API's option table (flags, `API_*` variables, defaults) and its `/metrics` page. */
export { apiCli } from "./options.ts";
export { RouteMetrics } from "./metrics.ts";
