/**
 * The broker's logger is the shared JSON line logger of `@iot/service` (same output:
 * `{"ts":"…","level":"info","msg":"…",…fields}`); re-exported so the broker's modules keep
 * importing it from here.
 *
 * @module
 */
export {
  createJsonLogger,
  errorField,
  type JsonLoggerOptions,
  type LogFields,
  type Logger,
  type LogLevel,
  silentLogger,
} from "@iot/service";
