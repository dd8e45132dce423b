/**
 * Which MongoDB driver errors mean "the database is unavailable, retry later" rather than "this
 * document is refused".
 *
 * @module
 */
import { MongoError, MongoNetworkError, MongoServerSelectionError } from "mongodb";

// Server codes of conditions that pass: shutdown, failover, network and time limits.
const TRANSIENT_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** Whether `e` means the server cannot take writes now (connection, selection, failover). */
export function isUnavailable(e: unknown): boolean {
  if (e instanceof MongoNetworkError || e instanceof MongoServerSelectionError) return true;
  if (!(e instanceof MongoError)) return false;
  if (e.name === "MongoNotConnectedError" || e.name === "MongoTopologyClosedError") return true;
  for (
    const label of ["RetryableWriteError", "RetryableError", "SystemOverloadedError", "ResetPool"]
  ) {
    if (e.hasErrorLabel(label)) return true;
  }
  // A bulk write that could not reach the server wraps the network error.
  const wrapped = (e as { errorResponse?: unknown }).errorResponse;
  if (wrapped instanceof MongoError && wrapped !== e && isUnavailable(wrapped)) return true;
  const code = typeof e.code === "number" ? e.code : undefined;
  if (code !== undefined && TRANSIENT_CODES.has(code)) return true;
  // A bulk write whose write concern failed was not durably applied.
  const writeConcernError = (e as { writeConcernError?: unknown }).writeConcernError;
  return writeConcernError !== undefined && writeConcernError !== null;
}
