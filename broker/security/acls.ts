/**
 * Simple ACLs as Kafka's standard authorizer keeps them: bindings of (resource type, name, pattern
 * type) to (principal, host, operation, permission), stored in the metadata store under `acls/`,
 * and the decision: super users may do anything; a matching DENY wins; else a matching ALLOW
 * allows; with no match, the request is denied (`allow.everyone.if.no.acl.found=false`).
 *
 * @module
 */
import type { JsonValue, MetadataStore } from "../storage/mod.ts";

/** Kafka's resource types. */
export const ResourceType = {
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
} as const;
/** Kafka's pattern types. */
export const PatternType = { ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
/** Kafka's operations. */
export const AclOperation = {
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
} as const;
/** Kafka's permission types. */
export const Permission = { ANY: 1, DENY: 2, ALLOW: 3 } as const;

/** One ACL binding. */
export interface AclBinding {
  /** Resource type (TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID). */
  resourceType: number;
  /** Resource name; `*` (LITERAL) matches every name. */
  resourceName: string;
  /** LITERAL or PREFIXED. */
  patternType: number;
  /** `User:<name>`, or `User:*` for everyone. */
  principal: string;
  /** Client host, or `*`. */
  host: string;
  /** Operation (ALL matches every one). */
  operation: number;
  /** ALLOW or DENY. */
  permissionType: number;
}

/** A filter over bindings (DescribeAcls, DeleteAcls): ANY and null match everything. */
export type AclFilter = Omit<AclBinding, "resourceName" | "principal" | "host"> & {
  resourceName: string | null;
  principal: string | null;
  host: string | null;
};

const PREFIX = "acls/";

/** Whether `b` matches the filter (Kafka's AclBindingFilter rules, MATCH included). */
export function matchesFilter(b: AclBinding, f: AclFilter): boolean {
  const any = (want: number, got: number) => want === 1 || want === got;
  if (!any(f.resourceType, b.resourceType)) return false;
  if (!any(f.operation, b.operation) || !any(f.permissionType, b.permissionType)) return false;
  if (f.principal !== null && f.principal !== b.principal) return false;
  if (f.host !== null && f.host !== b.host) return false;
  if (f.patternType === PatternType.MATCH) {
    if (f.resourceName === null) return true;
    return b.resourceName === f.resourceName ||
      (b.patternType === PatternType.LITERAL && b.resourceName === "*") ||
      (b.patternType === PatternType.PREFIXED && f.resourceName.startsWith(b.resourceName));
  }
  if (!any(f.patternType, b.patternType)) return false;
  return f.resourceName === null || f.resourceName === b.resourceName;
}

/** Operations that imply `op` (Kafka: READ/WRITE/DELETE/ALTER imply DESCRIBE, …). */
function implies(granted: number, op: number): boolean {
  if (granted === op || granted === AclOperation.ALL) return true;
  if (op === AclOperation.DESCRIBE) {
    return ([
      AclOperation.READ,
      AclOperation.WRITE,
      AclOperation.DELETE,
      AclOperation.ALTER,
    ] as number[]).includes(granted);
  }
  return op === AclOperation.DESCRIBE_CONFIGS && granted === AclOperation.ALTER_CONFIGS;
}

/** The ACL store and the authorizer over it. */
export class Acls {
  readonly #store: MetadataStore;
  readonly #superUsers: ReadonlySet<string>;

  /** `superUsers` are principals (`User:alice`) that bypass ACLs. */
  constructor(store: MetadataStore, superUsers: Iterable<string> = []) {
    this.#store = store;
    this.#superUsers = new Set(superUsers);
  }

  /** Every binding. */
  list(): AclBinding[] {
    return this.#store.entries(PREFIX).map(([, v]) => v as unknown as AclBinding);
  }

  /** Adds a binding (idempotent); resolves when durable. */
  add(b: AclBinding): Promise<void> {
    return this.#store.set(PREFIX + JSON.stringify(Object.values(b)), { ...b } as JsonValue);
  }

  /** Removes the bindings matching `f`; returns them. */
  async remove(f: AclFilter): Promise<AclBinding[]> {
    const gone = this.#store.entries(PREFIX).filter(([, v]) =>
      matchesFilter(v as unknown as AclBinding, f)
    );
    if (gone.length > 0) await this.#store.apply({ delete: gone.map(([k]) => k) });
    return gone.map(([, v]) => v as unknown as AclBinding);
  }

  /** Whether `principal` from `host` may do `operation` on the resource. */
  authorize(
    principal: string,
    host: string,
    operation: number,
    resourceType: number,
    resourceName: string,
  ): boolean {
    if (this.#superUsers.has(principal)) return true;
    let allowed = false;
    for (const b of this.list()) {
      if (b.resourceType !== resourceType) continue;
      const named = b.patternType === PatternType.PREFIXED
        ? resourceName.startsWith(b.resourceName)
        : b.resourceName === "*" || b.resourceName === resourceName;
      if (!named) continue;
      if (b.principal !== principal && b.principal !== "User:*") continue;
      if (b.host !== "*" && b.host !== host) continue;
      // A DENY counts only for its own operation (or ALL); an ALLOW also for what it implies.
      const exact = b.operation === operation || b.operation === AclOperation.ALL;
      if (b.permissionType === Permission.DENY && exact) return false;
      if (b.permissionType === Permission.ALLOW && implies(b.operation, operation)) allowed = true;
    }
    return allowed;
  }

  /**
   * Whether some resource of `resourceType` lets `principal` do `operation` (Kafka's
   * authorizeByResourceType, used for idempotent producers: WRITE on any topic): an ALLOW
   * binding for it exists and no DENY on every name (`*`, or the empty prefix) overrides it.
   */
  authorizeAny(principal: string, host: string, operation: number, resourceType: number): boolean {
    if (this.#superUsers.has(principal)) return true;
    const mine = this.list().filter((b) =>
      b.resourceType === resourceType &&
      (b.principal === principal || b.principal === "User:*") &&
      (b.host === "*" || b.host === host)
    );
    const denyAll = mine.some((b) =>
      b.permissionType === Permission.DENY &&
      (b.operation === operation || b.operation === AclOperation.ALL) &&
      (b.patternType === PatternType.PREFIXED ? b.resourceName === "" : b.resourceName === "*")
    );
    return !denyAll &&
      mine.some((b) => b.permissionType === Permission.ALLOW && implies(b.operation, operation));
  }
}
