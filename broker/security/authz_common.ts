/**
 * Building blocks of the authorizer's rules: the guard type, whole-request and per-item checks,
 * and the shared constants. The rules themselves live in `authz_*.ts` by area.
 *
 * @module
 */
import type { RequestContext } from "../api/mod.ts";
import { ResourceType as R } from "./acls.ts";

/** Decides one access for the request's connection. */
export type Check = (ctx: RequestContext, operation: number, type: number, name: string) => boolean;

/** A handler of any API (rules read requests and build responses by their wire field names). */
// deno-lint-ignore no-explicit-any
export type AnyHandler = (req: any, ctx: RequestContext) => any;

/** What a rule may ask. */
export interface AuthEnv {
  /** One access on one named resource. */
  allowed: Check;
  /** Whether some resource of `type` grants `operation` (idempotent producers: WRITE on any topic). */
  allowedOnAny: (ctx: RequestContext, operation: number, type: number) => boolean;
  /** Topic name of a wire topic id. */
  topicName: (id: string) => string | undefined;
}

/** Wraps one API's handler with its checks. */
export type Guard = (inner: AnyHandler, env: AuthEnv) => AnyHandler;

/** The cluster resource's name. */
export const CLUSTER = "kafka-cluster";
/** The error message of denied answers that carry one. */
export const DENIED = "Authorization failed.";

/** No check: APIs needed before authentication (ApiVersions, SASL). */
export const PUBLIC: Guard = (inner: AnyHandler): AnyHandler => inner;

/** Runs `outer`'s checks before `inner`'s. */
export const chain = (outer: Guard, inner: Guard): Guard => (h, env) => outer(inner(h, env), env);

/** One check on the whole request; when it fails the API answers `denied(req, ctx)`. */
export const whole = (
  check: (env: AuthEnv, req: AnyReq, ctx: RequestContext) => boolean,
  denied: AnyHandler,
): Guard =>
(inner, env) =>
(req, ctx) => check(env, req, ctx) ? inner(req, ctx) : denied(req, ctx);

// deno-lint-ignore no-explicit-any
type AnyReq = any;

/** `op` on the cluster for the whole request. */
export const onCluster = (op: number, denied: AnyHandler): Guard =>
  whole((env, _req, ctx) => env.allowed(ctx, op, R.CLUSTER, CLUSTER), denied);

/** `op` on the resource named by `name(req)` for the whole request. */
export const onNamed = (
  op: number,
  type: number,
  name: (req: AnyReq) => string,
  denied: AnyHandler,
): Guard => whole((env, req, ctx) => env.allowed(ctx, op, type, name(req)), denied);

/** A per-item rule: which request list, which response list, the check and the denied entry. */
export interface Split {
  /** Request field holding the items. */
  list: string;
  /** Response field the denied entries are appended to. */
  out: string;
  /** Whether one item is allowed. */
  ok: (env: AuthEnv, ctx: RequestContext, item: AnyReq) => boolean;
  /** The response entry for a denied item. */
  deny: (item: AnyReq, ctx: RequestContext) => unknown;
  /**
   * The response when every item is denied (the handler does not run); without it the handler
   * runs with an empty list (session APIs like Fetch must see every request).
   */
  empty?: (req: AnyReq, ctx: RequestContext) => Record<string, unknown>;
}

/**
 * Checks each item of a request list: the allowed ones run, the denied ones are answered with
 * their own error entry (so one forbidden topic does not fail the others, as in Kafka).
 */
export const split = (s: Split): Guard => (inner, env) => async (req, ctx) => {
  const items: unknown[] = req[s.list];
  const ok = (i: unknown) => s.ok(env, ctx, i);
  if (items.every(ok)) return inner(req, ctx);
  const kept = items.filter(ok);
  const res = kept.length > 0 || !s.empty
    ? await inner({ ...req, [s.list]: kept }, ctx)
    : s.empty(req, ctx);
  const denied = items.filter((i) => !ok(i)).map((i) => s.deny(i, ctx));
  return { ...res, [s.out]: [...(res[s.out] ?? []), ...denied] };
};

/** Runs the handler, then keeps only the entries of response list `out` that pass `ok`. */
export const filtered = (
  out: string,
  ok: (env: AuthEnv, ctx: RequestContext, entry: AnyReq) => boolean,
  skip: (env: AuthEnv, ctx: RequestContext) => boolean = () => false,
): Guard =>
(inner, env) =>
async (req, ctx) => {
  const res = await inner(req, ctx);
  if (skip(env, ctx)) return res;
  return { ...res, [out]: res[out].filter((e: unknown) => ok(env, ctx, e)) };
};
