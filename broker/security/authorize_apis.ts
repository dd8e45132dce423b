/**
 * The authorizer in front of the APIs: wraps an {@linkcode ApiSet}'s handlers so each request is
 * checked against the ACLs before it runs, answering with Kafka's error codes where the principal
 * lacks the right (Kafka's "Operations and Resources on Protocols" table; the rules live by area
 * in `authz_topics.ts`, `authz_topic_admin.ts`, `authz_groups.ts`, `authz_txn.ts`,
 * `authz_admin.ts`).
 *
 * Fail closed: every API key needs a rule. {@linkcode authorizeApis} refuses (throws) to wrap a
 * set holding an API without one, so a newly implemented API cannot pass through unchecked; only
 * the pre-authentication APIs (ApiVersions, SASL) are explicitly public.
 *
 * @module
 */
import type { ApiSet, RequestContext } from "../api/mod.ts";
import { ApiKey } from "../protocol/mod.ts";
import type { Acls } from "./acls.ts";
import { ADMIN_RULES } from "./authz_admin.ts";
import { type AnyHandler, type AuthEnv, type Guard, PUBLIC } from "./authz_common.ts";
import { GROUP_RULES } from "./authz_groups.ts";
import { TOPIC_ADMIN_RULES } from "./authz_topic_admin.ts";
import { TOPIC_RULES } from "./authz_topics.ts";
import { TXN_RULES } from "./authz_txn.ts";

const PUBLIC_RULES: Record<number, Guard> = {
  [ApiKey.ApiVersions]: PUBLIC,
  [ApiKey.SaslHandshake]: PUBLIC,
  [ApiKey.SaslAuthenticate]: PUBLIC,
};

/** `Name (key)` of an API key, for the refusal message. */
const apiName = (key: number) =>
  `${Object.entries(ApiKey).find(([, v]) => v === key)?.[0] ?? "unknown API"} (${key})`;

/** Merges the area tables; a key in two tables is a wiring bug. */
function merge(...tables: Record<number, Guard>[]): ReadonlyMap<number, Guard> {
  const all = new Map<number, Guard>();
  for (const table of tables) {
    for (const [k, guard] of Object.entries(table)) {
      if (all.has(Number(k))) throw new Error(`two authorization rules for API key ${k}`);
      all.set(Number(k), guard);
    }
  }
  return all;
}

/** The authorization rule of every API key the authorizer knows. */
export const AUTHORIZATION_RULES: ReadonlyMap<number, Guard> = merge(
  PUBLIC_RULES,
  TOPIC_RULES,
  TOPIC_ADMIN_RULES,
  GROUP_RULES,
  TXN_RULES,
  ADMIN_RULES,
);

/**
 * Returns `apis` with every handler wrapped by its rule over `acls`; `topicName` resolves topic
 * ids (Fetch v13+, ShareFetch, DeleteTopics v6+). Throws when an API of `apis` has no rule.
 */
export function authorizeApis(
  apis: ApiSet,
  acls: Acls,
  topicName: (id: string) => string | undefined,
): ApiSet {
  const principal = (ctx: RequestContext) => ctx.auth?.principal ?? "User:ANONYMOUS";
  const host = (ctx: RequestContext) => ctx.remoteAddress.replace(/:\d+$/, "");
  const env: AuthEnv = {
    allowed: (ctx, op, type, name) => acls.authorize(principal(ctx), host(ctx), op, type, name),
    allowedOnAny: (ctx, op, type) => acls.authorizeAny(principal(ctx), host(ctx), op, type),
    topicName,
  };
  const out: Record<number, { handler: AnyHandler; versions?: unknown }> = {};
  for (const [k, entry] of Object.entries(apis)) {
    if (!entry) continue;
    const guard = AUTHORIZATION_RULES.get(Number(k));
    if (!guard) {
      throw new Error(
        `no authorization rule for ${apiName(Number(k))}: add one in broker/security/authz_*.ts`,
      );
    }
    out[Number(k)] = { ...entry, handler: guard(entry.handler as AnyHandler, env) };
  }
  return out as ApiSet;
}
