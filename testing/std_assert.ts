/**
 * A stand-in for `@std/assert` (JSR is unreachable from these machines), built on `node:assert`.
 * Same function names and argument order as `@std/assert`, so switching to the real package is a
 * one-line change of the `@std/assert` import map entry in the root `deno.json`.
 *
 * @module
 */
import nodeAssert from "node:assert";
import { isDeepStrictEqual } from "node:util";

/** Thrown when an assertion fails. */
export class AssertionError extends Error {
  /** Creates an assertion error with the given message. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AssertionError";
  }
}

function wrap(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof nodeAssert.AssertionError) throw new AssertionError(e.message, { cause: e });
    throw e;
  }
}

/** Asserts that `expr` is truthy. */
export function assert(expr: unknown, msg = "Expected expression to be truthy"): asserts expr {
  if (!expr) throw new AssertionError(msg);
}

/** Asserts deep equality of `actual` and `expected`. */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  wrap(() => nodeAssert.deepStrictEqual(actual, expected, msg));
}

/** Asserts that `actual` and `expected` are not deeply equal. */
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  wrap(() => nodeAssert.notDeepStrictEqual(actual, expected, msg));
}

/** Asserts `Object.is` equality. */
export function assertStrictEquals<T>(
  actual: unknown,
  expected: T,
  msg?: string,
): asserts actual is T {
  wrap(() => nodeAssert.strictEqual(actual, expected, msg));
}

/** Asserts that `actual` is neither `null` nor `undefined`. */
export function assertExists<T>(actual: T, msg?: string): asserts actual is NonNullable<T> {
  if (actual === undefined || actual === null) {
    throw new AssertionError(msg ?? `Expected actual: "${actual}" to not be null or undefined.`);
  }
}

/** Asserts that `actual` is an instance of `type`. */
export function assertInstanceOf<T extends abstract new (...args: never[]) => unknown>(
  actual: unknown,
  type: T,
  msg?: string,
): asserts actual is InstanceType<T> {
  if (!(actual instanceof type)) {
    throw new AssertionError(msg ?? `Expected object to be an instance of "${type.name}".`);
  }
}

/** Asserts that `actual` matches the regular expression. */
export function assertMatch(actual: string, expected: RegExp, msg?: string): void {
  wrap(() => nodeAssert.match(actual, expected, msg));
}

/** Asserts that `actual` contains `expected`. */
export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  if (!actual.includes(expected)) {
    throw new AssertionError(msg ?? `Expected actual: "${actual}" to contain: "${expected}".`);
  }
}

/** Asserts that every value of `expected` is deeply equal to some value of `actual`. */
export function assertArrayIncludes<T>(
  actual: ArrayLike<T>,
  expected: ArrayLike<T>,
  msg?: string,
): void {
  const items = Array.from(actual);
  const missing = Array.from(expected).filter((e) => !items.some((a) => isDeepStrictEqual(a, e)));
  if (missing.length > 0) {
    throw new AssertionError(msg ?? `Expected array to include: ${JSON.stringify(missing)}`);
  }
}

/** Asserts `actual > expected`. */
export function assertGreater<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual > expected)) throw new AssertionError(msg ?? `Expect ${actual} > ${expected}`);
}

/** Asserts `actual >= expected`. */
export function assertGreaterOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual >= expected)) throw new AssertionError(msg ?? `Expect ${actual} >= ${expected}`);
}

/** Asserts `actual < expected`. */
export function assertLess<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual < expected)) throw new AssertionError(msg ?? `Expect ${actual} < ${expected}`);
}

/** Asserts `actual <= expected`. */
export function assertLessOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual <= expected)) throw new AssertionError(msg ?? `Expect ${actual} <= ${expected}`);
}

/** Asserts that two numbers differ by at most `tolerance` (default 1e-7). */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance = 1e-7,
  msg?: string,
): void {
  if (Object.is(actual, expected)) return;
  if (Math.abs(expected - actual) > tolerance) {
    throw new AssertionError(
      msg ?? `Expected actual: "${actual}" to be close to "${expected}": delta ${tolerance}`,
    );
  }
}

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

function checkError<E extends Error>(
  e: unknown,
  ErrorClass?: ErrorClass<E>,
  msgIncludes?: string,
): E {
  if (ErrorClass && !(e instanceof ErrorClass)) {
    throw new AssertionError(
      `Expected error to be instance of "${ErrorClass.name}", but was "${
        (e as Error)?.constructor?.name
      }": ${(e as Error)?.message}`,
    );
  }
  if (msgIncludes !== undefined && !String((e as Error)?.message).includes(msgIncludes)) {
    throw new AssertionError(
      `Expected error message to include "${msgIncludes}", but got "${(e as Error)?.message}".`,
    );
  }
  return e as E;
}

/** Asserts that `fn` throws, optionally an instance of `ErrorClass` whose message includes `msgIncludes`. Returns the error. */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  ErrorClass?: ErrorClass<E>,
  msgIncludes?: string,
): E {
  try {
    fn();
  } catch (e) {
    return checkError(e, ErrorClass, msgIncludes);
  }
  throw new AssertionError("Expected function to throw.");
}

/** Asserts that the promise returned by `fn` rejects, optionally with an instance of `ErrorClass`. Returns the error. */
export async function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  ErrorClass?: ErrorClass<E>,
  msgIncludes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    return checkError(e, ErrorClass, msgIncludes);
  }
  throw new AssertionError("Expected function to reject.");
}

/** Fails the test with `msg`. */
export function fail(msg?: string): never {
  throw new AssertionError(`Failed assertion${msg ? `: ${msg}` : "."}`);
}

/** Marks code that must not be reached. */
export function unreachable(msg?: string): never {
  throw new AssertionError(msg ?? "unreachable");
}
