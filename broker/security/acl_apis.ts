/**
 * CreateAcls, DescribeAcls and DeleteAcls over {@linkcode Acls} (`kafka-acls.sh`).
 *
 * @module
 */
import type { ApiSet } from "../api/mod.ts";
import { ApiKey, type DeleteAclsRequestDeleteAclsFilter, ErrorCode } from "../protocol/mod.ts";
import { type AclBinding, type AclFilter, Acls, matchesFilter, PatternType } from "./acls.ts";

const invalid = (b: AclBinding) =>
  b.resourceType <= 1 || b.operation <= 1 || b.permissionType <= 1 ||
  (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) ||
  !/^[^:]+:.+$/.test(b.principal);

/** The ACL admin APIs over `acls`. */
export function aclApis(acls: Acls): ApiSet {
  // DescribeAcls' request and each DeleteAcls filter carry the same fields.
  const filterOf = (f: DeleteAclsRequestDeleteAclsFilter): AclFilter => ({
    resourceType: f.resourceTypeFilter,
    resourceName: f.resourceNameFilter,
    patternType: f.patternTypeFilter,
    principal: f.principalFilter,
    host: f.hostFilter,
    operation: f.operation,
    permissionType: f.permissionType,
  });
  return {
    [ApiKey.CreateAcls]: {
      handler: async (req) => {
        const results = [];
        for (const c of req.creations) {
          const b: AclBinding = {
            resourceType: c.resourceType,
            resourceName: c.resourceName,
            patternType: c.resourcePatternType,
            principal: c.principal,
            host: c.host,
            operation: c.operation,
            permissionType: c.permissionType,
          };
          if (invalid(b)) {
            results.push({
              errorCode: ErrorCode.INVALID_REQUEST,
              errorMessage: "Invalid ACL binding",
            });
          } else {
            await acls.add(b);
            results.push({ errorCode: ErrorCode.NONE, errorMessage: null });
          }
        }
        return { throttleTimeMs: 0, results };
      },
    },
    [ApiKey.DescribeAcls]: {
      handler: (req) => {
        const f = filterOf(req);
        const groups = new Map<string, AclBinding[]>();
        for (const b of acls.list().filter((b) => matchesFilter(b, f))) {
          const key = JSON.stringify([b.resourceType, b.resourceName, b.patternType]);
          if (!groups.has(key)) groups.set(key, []);
          groups.get(key)!.push(b);
        }
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          resources: [...groups.values()].map((bs) => ({
            resourceType: bs[0].resourceType,
            resourceName: bs[0].resourceName,
            patternType: bs[0].patternType,
            acls: bs.map((b) => ({
              principal: b.principal,
              host: b.host,
              operation: b.operation,
              permissionType: b.permissionType,
            })),
          })),
        };
      },
    },
    [ApiKey.DeleteAcls]: {
      handler: async (req) => {
        const removed = [];
        for (const f of req.filters) removed.push(await acls.remove(filterOf(f)));
        return {
          throttleTimeMs: 0,
          filterResults: removed.map((gone) => ({
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            matchingAcls: gone.map((b) => ({
              errorCode: ErrorCode.NONE,
              errorMessage: null,
              resourceType: b.resourceType,
              resourceName: b.resourceName,
              patternType: b.patternType,
              principal: b.principal,
              host: b.host,
              operation: b.operation,
              permissionType: b.permissionType,
            })),
          })),
        };
      },
    },
  };
}
