/**
 * Authorizer rules for the cluster admin APIs: ACLs and SCRAM credentials (cluster ALTER /
 * DESCRIBE), client quotas (cluster ALTER_CONFIGS / DESCRIBE_CONFIGS), configs (DESCRIBE_CONFIGS /
 * ALTER_CONFIGS on the topic, the group, or the cluster for broker-level resources, answered per
 * resource), ElectLeaders and partition reassignments (cluster ALTER / DESCRIBE), DescribeCluster
 * (cluster DESCRIBE). Cluster denials answer CLUSTER_AUTHORIZATION_FAILED.
 *
 * @module
 */
import type { RequestContext } from "../api/mod.ts";
import { ApiKey, ErrorCode } from "../protocol/mod.ts";
import { AclOperation as Op, ResourceType as R } from "./acls.ts";
import { type AuthEnv, CLUSTER, DENIED, type Guard, onCluster, split } from "./authz_common.ts";

const CLUSTER_DENIED = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;

/** Kafka's config resource types (DescribeConfigs and friends). */
const ConfigResource = { TOPIC: 2, GROUP: 32 } as const;

type Resource = { resourceType: number; resourceName: string };

/** ACL resource and error code of one config resource. */
function configTarget(r: Resource): [number, string, number] {
  if (r.resourceType === ConfigResource.TOPIC) {
    return [R.TOPIC, r.resourceName, ErrorCode.TOPIC_AUTHORIZATION_FAILED];
  }
  if (r.resourceType === ConfigResource.GROUP) {
    return [R.GROUP, r.resourceName, ErrorCode.GROUP_AUTHORIZATION_FAILED];
  }
  return [R.CLUSTER, CLUSTER, CLUSTER_DENIED];
}

const configOk = (op: number) => (env: AuthEnv, ctx: RequestContext, r: Resource) => {
  const [type, name] = configTarget(r);
  return env.allowed(ctx, op, type, name);
};

const configDenied = (r: Resource) => ({
  errorCode: configTarget(r)[2],
  errorMessage: DENIED,
  resourceType: r.resourceType,
  resourceName: r.resourceName,
});

/** Per-resource config rule answering into response list `out`. */
const configs = (op: number, out: string, extra: Record<string, unknown>): Guard =>
  split({
    list: "resources",
    out,
    ok: configOk(op),
    deny: (r) => ({ ...configDenied(r), ...extra }),
    empty: () => ({ throttleTimeMs: 0, [out]: [] }),
  });

const clusterError = { throttleTimeMs: 0, errorCode: CLUSTER_DENIED, errorMessage: DENIED };

/** Rules for the cluster admin APIs, by API key. */
export const ADMIN_RULES: Record<number, Guard> = {
  [ApiKey.CreateAcls]: onCluster(Op.ALTER, (req) => ({
    throttleTimeMs: 0,
    results: req.creations.map(() => ({ errorCode: CLUSTER_DENIED, errorMessage: DENIED })),
  })),
  [ApiKey.DeleteAcls]: onCluster(Op.ALTER, (req) => ({
    throttleTimeMs: 0,
    filterResults: req.filters.map(() => ({
      errorCode: CLUSTER_DENIED,
      errorMessage: DENIED,
      matchingAcls: [],
    })),
  })),
  [ApiKey.DescribeAcls]: onCluster(Op.DESCRIBE, () => ({ ...clusterError, resources: [] })),
  // Client quotas (kafka-configs.sh --entity-type users|clients): cluster configs rights.
  [ApiKey.DescribeClientQuotas]: onCluster(
    Op.DESCRIBE_CONFIGS,
    () => ({ ...clusterError, entries: null }),
  ),
  [ApiKey.AlterClientQuotas]: onCluster(Op.ALTER_CONFIGS, (req) => ({
    throttleTimeMs: 0,
    entries: req.entries.map((e: { entity: unknown }) => ({
      errorCode: CLUSTER_DENIED,
      errorMessage: DENIED,
      entity: e.entity,
    })),
  })),
  [ApiKey.DescribeConfigs]: configs(Op.DESCRIBE_CONFIGS, "results", { configs: [] }),
  [ApiKey.AlterConfigs]: configs(Op.ALTER_CONFIGS, "responses", {}),
  [ApiKey.IncrementalAlterConfigs]: configs(Op.ALTER_CONFIGS, "responses", {}),
  // v0 has no top-level error: each named partition carries it.
  [ApiKey.ElectLeaders]: onCluster(
    Op.ALTER,
    (req, ctx) =>
      ctx.header.apiVersion >= 1
        ? { throttleTimeMs: 0, errorCode: CLUSTER_DENIED, replicaElectionResults: [] }
        : {
          throttleTimeMs: 0,
          replicaElectionResults: (req.topicPartitions ?? []).map((
            t: { topic: string; partitions: number[] },
          ) => ({
            topic: t.topic,
            partitionResult: t.partitions.map((partitionId) => ({
              partitionId,
              errorCode: CLUSTER_DENIED,
              errorMessage: DENIED,
            })),
          })),
        },
  ),
  [ApiKey.AlterPartitionReassignments]: onCluster(
    Op.ALTER,
    () => ({ ...clusterError, responses: [] }),
  ),
  [ApiKey.ListPartitionReassignments]: onCluster(
    Op.DESCRIBE,
    () => ({ ...clusterError, topics: [] }),
  ),
  [ApiKey.DescribeCluster]: onCluster(
    Op.DESCRIBE,
    () => ({ ...clusterError, clusterId: "", controllerId: -1, brokers: [] }),
  ),
  [ApiKey.DescribeUserScramCredentials]: onCluster(
    Op.DESCRIBE,
    () => ({ ...clusterError, results: [] }),
  ),
  [ApiKey.AlterUserScramCredentials]: onCluster(Op.ALTER, (req) => ({
    throttleTimeMs: 0,
    results: [...req.deletions, ...req.upsertions].map((u: { name: string }) => ({
      user: u.name,
      errorCode: CLUSTER_DENIED,
      errorMessage: DENIED,
    })),
  })),
};
