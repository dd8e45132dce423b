/**
 * Which cassandra-driver errors mean "the cluster is unavailable, retry later" rather than "this
 * row is refused".
 *
 * @module
 */
import cassandra from "cassandra-driver";

const codes = cassandra.types.responseErrorCodes;
// Coordinator-side conditions that pass: not enough replicas, overload, bootstrap, timeouts.
const TRANSIENT_CODES = new Set<number>([
  codes.serverError,
  codes.unavailableException,
  codes.overloaded,
  codes.isBootstrapping,
  codes.truncateError,
  codes.writeTimeout,
  codes.readTimeout,
]);

/** Whether `e` means the cluster cannot take writes now. */
export function isUnavailable(e: unknown): boolean {
  const errors = cassandra.errors;
  if (
    e instanceof errors.NoHostAvailableError || e instanceof errors.OperationTimedOutError ||
    e instanceof errors.BusyConnectionError
  ) return true;
  if (e instanceof errors.ResponseError) return TRANSIENT_CODES.has(e.code);
  // Connection-level failures surface as plain DriverErrors (socket closed, not connected).
  return e instanceof errors.DriverError && !(e instanceof errors.ResponseError) &&
    /socket|connect|closed|shutdown/i.test(e.message);
}
