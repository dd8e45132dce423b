/** The authorizer fails closed: every API key has a rule, and each rule denies a stranger. */
import { assert, assertEquals, assertThrows } from "@std/assert";
import type { ApiSet } from "../api/mod.ts";
import { ApiKey } from "../protocol/mod.ts";
import { type ApiKey as Key, responseWriters } from "../protocol/generated/apis.ts";
import { sampleValue, SCHEMAS } from "../protocol/sample_values_test_util.ts";
import { Writer } from "../protocol/wire.ts";
import { AUTHORIZATION_RULES, authorizeApis } from "./authorize_apis.ts";
import { ctx, guarded, openAcls } from "./authz_test_util.ts";

const PUBLIC: number[] = [ApiKey.ApiVersions, ApiKey.SaslHandshake, ApiKey.SaslAuthenticate];
/** APIs that answer a stranger with less (filtered lists) rather than with an error. */
const FILTERING: Record<number, string> = {
  [ApiKey.ListGroups]: "groups",
  [ApiKey.ListTransactions]: "transactionStates",
};
const AUTH_ERRORS = new Set([29, 30, 31, 53]);

/** Whether any error code in `v` is an authorization failure. */
function hasAuthError(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasAuthError);
  if (v === null || typeof v !== "object") return false;
  return Object.entries(v).some(([k, x]) =>
    /errorcode$/i.test(k) && AUTH_ERRORS.has(x as number) || hasAuthError(x)
  );
}

Deno.test("every API key the shim can decode has an authorization rule", () => {
  const missing = Object.entries(ApiKey).filter(([, k]) => !AUTHORIZATION_RULES.has(k));
  assertEquals(missing, []);
  assertEquals(AUTHORIZATION_RULES.size, Object.keys(ApiKey).length);
});

Deno.test("an API without a rule is refused: the authorizer does not start", async () => {
  await using s = await openAcls();
  const unknown = { 999: { handler: () => ({}) } } as unknown as ApiSet;
  assertThrows(() => authorizeApis(unknown, s.acls, () => undefined), Error, "(999)");
});

Deno.test("a principal without ACLs is denied by every non-public API, in encodable answers", async () => {
  await using s = await openAcls();
  const requests = SCHEMAS.filter((m) => m.type === "request");
  assertEquals(requests.length, Object.keys(ApiKey).length);
  for (const schema of requests) {
    const key = schema.apiKey;
    const response = SCHEMAS.find((m) => m.apiKey === key && m.type === "response")!;
    const write = responseWriters[key as Key] as (w: Writer, v: unknown, n: number) => void;
    let denials = 0;
    for (let v = schema.valid.min; v <= schema.valid.max; v++) {
      for (const seed of [1, 2, 3, 4]) {
        const api = guarded(s.acls, key, () => sampleValue(response, v, seed), (id) => id);
        const req = sampleValue(schema, v, seed);
        const res = await api.call(req, ctx("User:nobody", v));
        const where = `${schema.name} v${v} seed ${seed}`;
        if (res !== null) write(new Writer(), res, v);
        if (PUBLIC.includes(key)) {
          assertEquals(api.calls.length, 1, where);
        } else if (FILTERING[key]) {
          assertEquals(res[FILTERING[key]], [], where);
        } else if (hasAuthError(res)) denials++;
      }
    }
    if (!PUBLIC.includes(key) && !FILTERING[key]) {
      assert(denials > 0, `${schema.name}: never denied`);
    }
  }
});
