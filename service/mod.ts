/**
 * What every executable shares (a leaf member: imports only zod and Deno/`node:` built-ins):
 *
 * - option tables ({@linkcode defineCli}, `*Option` builders, {@linkcode defaultsOf}) and the one
 *   parser {@linkcode parseCli} (flags > `PREFIX_*` env > `--config` file > defaults) with its
 *   generated `--help` ({@linkcode helpText}) and one error class {@linkcode UsageError};
 * - the Prometheus text writer {@linkcode PrometheusText};
 * - the status/admin HTTP server {@linkcode serveHttp} (`/healthz`, `/metrics`, JSON routes) and
 *   {@linkcode PortInUseError}, the one line for a taken port;
 * - {@linkcode lockDir}, the exclusive lock of a data or state directory;
 * - the JSON line logger {@linkcode createJsonLogger};
 * - waiting between retries: the abortable {@linkcode sleep} and the doubling
 *   {@linkcode backoffDelay}.
 *
 * @module
 */
export * from "./options.ts";
export * from "./option_builders.ts";
export {
  type CliInput,
  type CliResult,
  parseCli,
  splitArgs,
  splitCommandLine,
  UsageError,
  usageLine,
} from "./parse_cli.ts";
export { helpText } from "./help.ts";
export {
  escapeLabel,
  type Labels,
  type MetricType,
  PROMETHEUS_CONTENT_TYPE,
  PrometheusText,
} from "./prometheus.ts";
export {
  bindOrExplain,
  handleHttp,
  type HttpRoutes,
  type HttpServer,
  type HttpServerOptions,
  PortInUseError,
  type Route,
  serveHttp,
} from "./http_server.ts";
export {
  handleStatus,
  serveStatus,
  type ServeStatusOptions,
  type StatusEndpoint,
  type StatusSource,
} from "./status_server.ts";
export {
  type DirLock,
  DirLockedError,
  type DirLockOptions,
  LOCK_FILE,
  lockDir,
  type LockOwner,
} from "./dir_lock.ts";
export {
  createJsonLogger,
  errorField,
  type JsonLoggerOptions,
  type LogFields,
  type Logger,
  type LogLevel,
  logLevels,
  silentLogger,
} from "./logger.ts";
export { runService, type ServiceIo, type ServiceMain } from "./run_service.ts";
export { backoffDelay, type BackoffOptions, sleep } from "./backoff.ts";
