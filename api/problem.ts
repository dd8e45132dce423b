/**
 * Errors as RFC 9457 `application/problem+json`, with the failing field for bad parameters.
 *
 * @module
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { problemTitles } from "./schemas.ts";

/** One failing field of a bad request. */
export interface FieldError {
  /** Dotted path of the field, e.g. `limit` or `reason`. */
  readonly field: string;
  /** Where it was: `query`, `param`, `json`, `header`. */
  readonly in: string;
  /** What is wrong with it. */
  readonly message: string;
}

/** A response the API answers with instead of a result; thrown by handlers, caught by onError. */
export class ProblemError extends Error {
  /**
   * @param status the HTTP status
   * @param detail one line saying what failed and why
   * @param errors the failing fields, for a 400
   */
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
  ) {
    super(detail);
    this.name = "ProblemError";
  }
}

/** The problem response for `status`. */
export function problemResponse(
  c: Context,
  status: number,
  detail: string,
  errors?: readonly FieldError[],
): Response {
  const title = problemTitles[status] ?? "Error";
  const body = {
    type: "about:blank",
    title,
    status,
    detail,
    instance: new URL(c.req.url).pathname,
    ...(errors?.length ? { errors } : {}),
  };
  // Through the context, so headers set before the error (e.g. WWW-Authenticate) are kept.
  c.header("content-type", "application/problem+json");
  return c.body(JSON.stringify(body), status as ContentfulStatusCode);
}

/** The failing fields of a zod error, found in `where`. */
export function fieldErrors(error: ZodError, where: string): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join(".") || "(body)",
    in: where,
    message: issue.message,
  }));
}

/** The 400 for a zod error in `where`: its detail names every failing field. */
export function badRequest(error: ZodError, where: string): ProblemError {
  const errors = fieldErrors(error, where);
  const detail = errors.map((e) => `${e.in} ${e.field}: ${e.message}`).join("; ");
  return new ProblemError(400, detail, errors);
}
