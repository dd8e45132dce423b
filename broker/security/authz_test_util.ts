/**
 * Test utility for the authorizer's rules: a throwaway ACL store, bindings, request contexts,
 * and one API wrapped by its rule over a recording handler.
 *
 * @module
 */
import type { ApiSet, RequestContext } from "../api/mod.ts";
import { MetadataStore } from "../storage/mod.ts";
import { type AclBinding, Acls, Permission } from "./acls.ts";
import { authorizeApis } from "./authorize_apis.ts";

/** An ACL store in a temporary directory, `User:admin` a super user; dispose to remove it. */
export async function openAcls(): Promise<{ acls: Acls } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "authz-" });
  const store = await MetadataStore.open(dir, { fsync: false });
  return {
    acls: new Acls(store, ["User:admin"]),
    async [Symbol.asyncDispose]() {
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** An ALLOW binding (LITERAL unless `pattern` says PREFIXED = 4). */
export const allow = (
  principal: string,
  type: number,
  name: string,
  operation: number,
  pattern = 3,
): AclBinding => ({
  resourceType: type,
  resourceName: name,
  patternType: pattern,
  principal,
  host: "*",
  operation,
  permissionType: Permission.ALLOW,
});

/** A request context of `principal` at `apiVersion`. */
export function ctx(principal: string, apiVersion = 9): RequestContext {
  return {
    header: { apiKey: 0, apiVersion, correlationId: 1, clientId: "t" },
    connectionId: 1,
    remoteAddress: "10.0.0.1:5000",
    signal: new AbortController().signal,
    auth: { principal, mechanism: "PLAIN", exchange: null, failed: false },
  };
}

// deno-lint-ignore no-explicit-any
type Any = any;

/**
 * API `key` wrapped by its rule over a handler answering `answer(req)`; `calls` records the
 * requests that reached the handler. `topicName` resolves topic ids.
 */
export function guarded(
  acls: Acls,
  key: number,
  answer: (req: Any) => unknown,
  topicName: (id: string) => string | undefined = () => undefined,
): { call: (req: unknown, c: RequestContext) => Promise<Any>; calls: Any[] } {
  const calls: Any[] = [];
  const apis = { [key]: { handler: (req: Any) => (calls.push(req), answer(req)) } } as ApiSet;
  const wrapped = authorizeApis(apis, acls, topicName) as Any;
  return { call: (req, c) => Promise.resolve(wrapped[key].handler(req, c)), calls };
}
