/**
 * DescribeClientQuotas and AlterClientQuotas over {@linkcode ClientQuotas}, and the wrapper that
 * puts byte-rate quotas in front of Produce and Fetch: `throttle_time_ms` in the answer and the
 * connection muted for that long (KIP-219: the broker answers at once, then reads nothing more
 * from the client until the throttle has passed).
 *
 * @module
 */
import type { ApiSet, RequestContext } from "../api/mod.ts";
import { ApiKey, ErrorCode } from "../protocol/mod.ts";
import type { ClientQuotas } from "./client_quotas.ts";
import { entityPairs, isQuotaError, parseFilter } from "./entity.ts";
import type { QuotaEnforcer } from "./throttle.ts";

/** The client quota admin APIs over `quotas`. */
export function clientQuotaApis(quotas: ClientQuotas): ApiSet {
  return {
    [ApiKey.DescribeClientQuotas]: {
      handler: (req) => {
        const filter = parseFilter(req.components, req.strict);
        if (isQuotaError(filter)) return { throttleTimeMs: 0, ...filter, entries: null };
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          entries: quotas.describe(filter).map(({ entity, values }) => ({
            entity: entityPairs(entity),
            values: Object.entries(values).map(([key, value]) => ({ key, value })),
          })),
        };
      },
    },
    [ApiKey.AlterClientQuotas]: {
      handler: async (req) => {
        const results = await quotas.alter(req.entries, req.validateOnly);
        return {
          throttleTimeMs: 0,
          entries: req.entries.map((e, i) => ({
            errorCode: results[i]?.errorCode ?? ErrorCode.NONE,
            errorMessage: results[i]?.errorMessage ?? null,
            entity: e.entity,
          })),
        };
      },
    },
  };
}

/** The user name quotas are looked up by: the principal's name, `ANONYMOUS` without SASL. */
function userOf(ctx: RequestContext): string {
  return (ctx.auth?.principal ?? "User:ANONYMOUS").replace(/^User:/, "");
}

// deno-lint-ignore no-explicit-any
type AnyHandler = (req: any, ctx: RequestContext) => any;

/**
 * Returns `apis` with Produce and Fetch throttled by `enforcer`; `now` is the clock in ms.
 * Other APIs pass through.
 */
export function throttleApis(apis: ApiSet, enforcer: QuotaEnforcer, now: () => number): ApiSet {
  const out: Record<number, { handler: AnyHandler }> = { ...apis } as never;
  const produce = apis[ApiKey.Produce];
  if (produce) {
    const inner = produce.handler as AnyHandler;
    out[ApiKey.Produce] = {
      ...produce,
      handler: async (req, ctx) => {
        let bytes = 0;
        for (const t of req.topicData) {
          for (const p of t.partitionData) bytes += p.records?.length ?? 0;
        }
        const res = await inner(req, ctx);
        const ms = enforcer.recordProduce(userOf(ctx), ctx.header.clientId ?? "", bytes, now());
        if (ms > 0) ctx.throttle?.(ms);
        return res === null || ms === 0
          ? res
          : { ...res, throttleTimeMs: Math.max(ms, res.throttleTimeMs ?? 0) };
      },
    };
  }
  const fetch = apis[ApiKey.Fetch];
  if (fetch) {
    const inner = fetch.handler as AnyHandler;
    out[ApiKey.Fetch] = {
      ...fetch,
      handler: async (req, ctx) => {
        const user = userOf(ctx);
        const clientId = ctx.header.clientId ?? "";
        const cap = enforcer.maxFetchBytes(user, clientId);
        const res = await inner(cap < req.maxBytes ? { ...req, maxBytes: cap } : req, ctx);
        let bytes = 0;
        for (const t of res.responses) {
          for (const p of t.partitions) bytes += p.records?.length ?? 0;
        }
        const ms = enforcer.recordFetch(user, clientId, bytes, now());
        if (ms === 0) return res;
        ctx.throttle?.(ms);
        return {
          ...res,
          throttleTimeMs: Math.max(ms, res.throttleTimeMs ?? 0),
          responses: res.responses.map((t: { partitions: object[] }) => ({
            ...t,
            partitions: t.partitions.map((p) => ({ ...p, records: null })),
          })),
        };
      },
    };
  }
  return out as ApiSet;
}
