/**
 * Bearer tokens for mutating routes, compared in constant time.
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { ProblemError } from "./problem.ts";

const encoder = new TextEncoder();

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/**
 * Whether `given` equals one of `tokens`. Both sides are hashed first, so the comparison takes the
 * same time whatever the lengths, and every token is compared (no early exit on a match).
 */
export async function tokenMatches(given: string, tokens: readonly string[]): Promise<boolean> {
  const g = await digest(given);
  let ok = false;
  for (const token of tokens) ok = timingSafeEqual(g, await digest(token)) || ok;
  return ok;
}

/**
 * Middleware requiring `Authorization: Bearer <token>` with one of `tokens`. With no token
 * configured every request is refused (403), saying how to configure one.
 */
export function requireToken(tokens: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    if (tokens.length === 0) {
      throw new ProblemError(
        403,
        "this API has no token configured, so it refuses changes; start it with --token-file " +
          "or API_TOKEN and send Authorization: Bearer <token>",
      );
    }
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !(await tokenMatches(match[1], tokens))) {
      c.header("www-authenticate", 'Bearer realm="iot-api"');
      throw new ProblemError(
        401,
        match ? "the bearer token is not valid" : "send Authorization: Bearer <token>",
      );
    }
    await next();
  };
}
