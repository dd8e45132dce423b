/** ACL decisions, the ACL APIs, and the authorizer in front of handlers. */
import { assertEquals } from "@std/assert";
import type { ApiSet, RequestContext } from "../api/mod.ts";
import { ApiKey, ErrorCode } from "../protocol/mod.ts";
import { aclApis } from "./acl_apis.ts";
import { AclOperation as Op, PatternType, Permission, ResourceType as R } from "./acls.ts";
import { authorizeApis } from "./authorize_apis.ts";
import { allow, ctx, openAcls as open } from "./authz_test_util.ts";

// deno-lint-ignore no-explicit-any
const run = (apis: ApiSet, key: number, req: unknown, c: RequestContext): Promise<any> =>
  // deno-lint-ignore no-explicit-any
  Promise.resolve((apis as any)[key].handler(req, c));

Deno.test("authorize: deny by default, ALLOW with implied DESCRIBE, prefixes, DENY wins, super users", async () => {
  await using s = await open();
  const a = s.acls;
  const can = (p: string, op: number, name: string) =>
    a.authorize(p, "10.0.0.1", op, R.TOPIC, name);
  assertEquals(can("User:bob", Op.READ, "t"), false, "no ACL: denied");
  await a.add(allow("User:bob", R.TOPIC, "t", Op.READ));
  await a.add(allow("User:bob", R.TOPIC, "logs-", Op.WRITE, PatternType.PREFIXED));
  await a.add(allow("User:*", R.TOPIC, "public", Op.ALL));
  assertEquals(can("User:bob", Op.READ, "t"), true);
  assertEquals(can("User:bob", Op.DESCRIBE, "t"), true, "READ implies DESCRIBE");
  assertEquals(can("User:bob", Op.WRITE, "t"), false);
  assertEquals(can("User:bob", Op.WRITE, "logs-a"), true);
  assertEquals(can("User:bob", Op.WRITE, "log"), false);
  assertEquals(can("User:carol", Op.WRITE, "public"), true, "wildcard principal, ALL");
  await a.add({
    ...allow("User:carol", R.TOPIC, "public", Op.WRITE),
    permissionType: Permission.DENY,
  });
  assertEquals(can("User:carol", Op.WRITE, "public"), false, "DENY wins");
  assertEquals(can("User:carol", Op.READ, "public"), true);
  assertEquals(can("User:admin", Op.DELETE, "anything"), true, "super user");
});

Deno.test("CreateAcls, DescribeAcls (MATCH), DeleteAcls", async () => {
  await using s = await open();
  const apis = aclApis(s.acls);
  const c = ctx("User:admin", 3);
  const created = await run(apis, ApiKey.CreateAcls, {
    creations: [
      { ...allow("User:bob", R.TOPIC, "orders-", Op.READ, 4), resourcePatternType: 4 },
      { ...allow("User:bob", R.GROUP, "g", Op.READ), resourcePatternType: 3 },
      { ...allow("bob", R.TOPIC, "x", Op.READ), resourcePatternType: 3 },
    ],
  }, c);
  assertEquals(created.results.map((r: { errorCode: number }) => r.errorCode), [
    0,
    0,
    ErrorCode.INVALID_REQUEST,
  ]);
  const filter = {
    resourceTypeFilter: R.TOPIC,
    resourceNameFilter: "orders-eu",
    patternTypeFilter: PatternType.MATCH,
    principalFilter: null,
    hostFilter: null,
    operation: Op.ANY,
    permissionType: Permission.ANY,
  };
  const described = await run(apis, ApiKey.DescribeAcls, filter, c);
  assertEquals(described.resources.map((r: { resourceName: string }) => r.resourceName), [
    "orders-",
  ]);
  const deleted = await run(apis, ApiKey.DeleteAcls, {
    filters: [{
      ...filter,
      resourceTypeFilter: R.ANY,
      resourceNameFilter: null,
      patternTypeFilter: PatternType.ANY,
    }],
  }, c);
  assertEquals(deleted.filterResults[0].matchingAcls.length, 2);
  assertEquals(s.acls.list(), []);
});

Deno.test("the authorizer answers per topic, per group and for the cluster; allowed parts run", async () => {
  await using s = await open();
  await s.acls.add(allow("User:bob", R.TOPIC, "mine", Op.WRITE));
  const seen: string[][] = [];
  const inner: ApiSet = {
    [ApiKey.Produce]: {
      handler: (req) => {
        seen.push(req.topicData.map((t) => t.name));
        return {
          throttleTimeMs: 0,
          responses: req.topicData.map((t) => ({
            name: t.name,
            partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 0n }],
          })),
        };
      },
    },
    [ApiKey.Heartbeat]: { handler: () => ({ errorCode: 0 }) },
    ...aclApis(s.acls),
  };
  const guarded = authorizeApis(inner, s.acls, () => undefined);
  const produce = {
    transactionalId: null,
    acks: -1,
    timeoutMs: 1000,
    topicData: [
      { name: "mine", partitionData: [{ index: 0, records: null }] },
      { name: "theirs", partitionData: [{ index: 0, records: null }] },
    ],
  };
  const res = await run(guarded, ApiKey.Produce, produce, ctx("User:bob"));
  assertEquals(seen, [["mine"]]);
  assertEquals(
    res.responses.map((t: { name: string; partitionResponses: { errorCode: number }[] }) => [
      t.name,
      t.partitionResponses[0].errorCode,
    ]),
    [["mine", 0], ["theirs", ErrorCode.TOPIC_AUTHORIZATION_FAILED]],
  );
  const hb = await run(
    guarded,
    ApiKey.Heartbeat,
    { groupId: "g", generationId: 1, memberId: "m" },
    ctx("User:bob"),
  );
  assertEquals(hb.errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
  const acl = await run(guarded, ApiKey.CreateAcls, {
    creations: [allow("User:bob", R.TOPIC, "*", Op.ALL)],
  }, ctx("User:bob"));
  assertEquals(acl.results[0].errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  const asAdmin = await run(guarded, ApiKey.Heartbeat, {
    groupId: "g",
    generationId: 1,
    memberId: "m",
  }, ctx("User:admin"));
  assertEquals(asAdmin.errorCode, 0);
  const quotas = authorizeApis(
    {
      [ApiKey.DescribeClientQuotas]: {
        handler: () => ({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, entries: [] }),
      },
    },
    s.acls,
    () => undefined,
  );
  const describe = { components: [], strict: false };
  const denied = await run(quotas, ApiKey.DescribeClientQuotas, describe, ctx("User:bob"));
  assertEquals(denied.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  const ok = await run(quotas, ApiKey.DescribeClientQuotas, describe, ctx("User:admin"));
  assertEquals(ok.errorCode, 0);
});

Deno.test("share fetches need READ on the group and on each topic", async () => {
  await using s = await open();
  await s.acls.add(allow("User:bob", R.GROUP, "g", Op.READ));
  await s.acls.add(allow("User:bob", R.TOPIC, "mine", Op.READ));
  const seen: string[][] = [];
  const inner: ApiSet = {
    [ApiKey.ShareFetch]: {
      handler: (req) => {
        seen.push(req.topics.map((t) => t.topicId));
        return {
          throttleTimeMs: 0,
          errorCode: 0,
          acquisitionLockTimeoutMs: 1,
          responses: [],
          nodeEndpoints: [],
        };
      },
    },
  };
  const guarded = authorizeApis(inner, s.acls, (id) => id === "M" ? "mine" : "theirs");
  const request = (groupId: string) => ({
    groupId,
    memberId: "m",
    shareSessionEpoch: 0,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1,
    maxRecords: 1,
    batchSize: 1,
    shareAcquireMode: 0,
    isRenewAck: false,
    topics: [{ topicId: "M", partitions: [] }, {
      topicId: "T",
      partitions: [{ partitionIndex: 0, acknowledgementBatches: [] }],
    }],
    forgottenTopicsData: [],
  });
  const res = await run(guarded, ApiKey.ShareFetch, request("g"), ctx("User:bob"));
  assertEquals(seen, [["M"]]);
  assertEquals(res.responses[0].partitions[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  const other = await run(guarded, ApiKey.ShareFetch, request("other"), ctx("User:bob"));
  assertEquals(other.errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
  assertEquals(seen.length, 1);
});
