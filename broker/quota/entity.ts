/**
 * Client quota entities and keys as Kafka 4.x validates them (`ClientQuotaControlManager`,
 * `ClientQuotasImage`): an entity maps entity types (`user`, `client-id`, `ip`) to a name, or
 * to null for the type's default; `ip` is never combined with the others. Pure functions: the
 * error is a value the handlers put in the response.
 *
 * @module
 */
import { ErrorCode } from "../protocol/mod.ts";

/** The entity types Kafka knows. */
export const USER = "user";
/** The client-id entity type. */
export const CLIENT_ID = "client-id";
/** The ip entity type (connection creation rate only). */
export const IP = "ip";

/** An entity: type to name, null name = the type's default. */
export type QuotaEntity = ReadonlyMap<string, string | null>;

/** An error for the response: Kafka error code and message. */
export interface QuotaError {
  /** Kafka error code. */
  readonly errorCode: number;
  /** Message sent to the client. */
  readonly errorMessage: string;
}

const invalid = (errorMessage: string): QuotaError => ({
  errorCode: ErrorCode.INVALID_REQUEST,
  errorMessage,
});

/** Whether a quota value must be whole (Kafka's LONG and INT quota configs). */
const USER_CLIENT_KEYS: ReadonlyMap<string, "long" | "double"> = new Map([
  ["producer_byte_rate", "long"],
  ["consumer_byte_rate", "long"],
  ["request_percentage", "double"],
  ["controller_mutation_rate", "double"],
]);
const IP_KEYS: ReadonlyMap<string, "long" | "double"> = new Map([
  ["connection_creation_rate", "long"],
]);

/** Order of entity types in answers (user before client-id, as `kafka-configs.sh` prints). */
const TYPE_ORDER = [USER, CLIENT_ID, IP];

/**
 * Builds an entity from wire pairs, or the error Kafka answers: duplicate or unknown types,
 * an empty entity or name, a bad IP, `ip` combined with another type.
 */
export function parseEntity(
  pairs: readonly { entityType: string; entityName: string | null }[],
): QuotaEntity | QuotaError {
  if (pairs.length === 0) return invalid("Invalid empty client quota entity");
  const entity = new Map<string, string | null>();
  for (const { entityType, entityName } of pairs) {
    if (entity.has(entityType)) return invalid(`Duplicate ${entityType} entity type`);
    if (!TYPE_ORDER.includes(entityType)) {
      return invalid(`Unhandled client quota entity type: ${entityType}`);
    }
    if (entityName === "") return invalid(`Empty ${entityType} not supported`);
    if (entityType === IP && entityName !== null && !isIpAddress(entityName)) {
      return invalid("Invalid IP address in client quota entity");
    }
    entity.set(entityType, entityName);
  }
  if (entity.has(IP) && entity.size > 1) {
    return invalid(
      "Invalid quota entity combination, IP entity should not be combined with User or ClientId",
    );
  }
  return entity;
}

/** The error for setting `key` to `value` on `entity`, or null when Kafka accepts it. */
export function checkQuotaValue(
  entity: QuotaEntity,
  key: string,
  value: number,
): QuotaError | null {
  const kind = (entity.has(IP) ? IP_KEYS : USER_CLIENT_KEYS).get(key);
  if (!kind) return invalid(`Invalid configuration key ${key}`);
  if (!(value > 0)) return invalid(`Quota ${key} must be greater than 0`);
  if (kind === "long" && Math.abs(value % 1) > 1e-6) {
    return invalid(`${key} cannot be a fractional value.`);
  }
  return null;
}

/** True for a result of {@linkcode parseEntity} or {@linkcode parseFilter} that is an error. */
export function isQuotaError<T extends object>(v: T | QuotaError): v is QuotaError {
  return "errorCode" in v;
}

/** A stable string for an entity (the metadata-store key suffix). */
export function entityKey(entity: QuotaEntity): string {
  return JSON.stringify(entityPairs(entity).map((p) => [p.entityType, p.entityName]));
}

/** The entity back from {@linkcode entityKey}. */
export function entityFromKey(key: string): QuotaEntity {
  return new Map(JSON.parse(key) as [string, string | null][]);
}

/** The entity as wire pairs in a stable order (user, client-id, ip). */
export function entityPairs(
  entity: QuotaEntity,
): { entityType: string; entityName: string | null }[] {
  return [...entity].sort(([a], [b]) => TYPE_ORDER.indexOf(a) - TYPE_ORDER.indexOf(b))
    .map(([entityType, entityName]) => ({ entityType, entityName }));
}

/** A DescribeClientQuotas filter: exact names (null = default) and types matched by any name. */
export interface QuotaFilter {
  /** Entity types that must carry exactly this name (null = the default). */
  readonly exact: ReadonlyMap<string, string | null>;
  /** Entity types that must be present with any name. */
  readonly anyName: ReadonlySet<string>;
  /** Only entities made of exactly the filtered types. */
  readonly strict: boolean;
}

/** Match types of DescribeClientQuotas components. */
const MATCH_EXACT = 0;
const MATCH_DEFAULT = 1;
const MATCH_SPECIFIED = 2;

/** Builds a filter from DescribeClientQuotas components, or Kafka's error for bad ones. */
export function parseFilter(
  components: readonly { entityType: string; matchType: number; match: string | null }[],
  strict: boolean,
): QuotaFilter | QuotaError {
  const exact = new Map<string, string | null>();
  const anyName = new Set<string>();
  for (const c of components) {
    const type = c.entityType;
    if (type === "") return invalid("Invalid empty entity type.");
    if (exact.has(type) || anyName.has(type)) {
      return invalid(`Entity type ${type} cannot appear more than once in the filter.`);
    }
    if (!TYPE_ORDER.includes(type)) {
      return {
        errorCode: ErrorCode.UNSUPPORTED_VERSION,
        errorMessage: `Unsupported entity type ${type}`,
      };
    }
    if (c.matchType === MATCH_EXACT) {
      if (c.match === null) {
        return invalid("Request specified MATCH_TYPE_EXACT, but set match string to null.");
      }
      exact.set(type, c.match);
    } else if (c.matchType === MATCH_DEFAULT || c.matchType === MATCH_SPECIFIED) {
      if (c.match !== null) {
        const name = c.matchType === MATCH_DEFAULT ? "MATCH_TYPE_DEFAULT" : "MATCH_TYPE_SPECIFIED";
        return invalid(`Request specified ${name}, but also specified a match string.`);
      }
      if (c.matchType === MATCH_DEFAULT) exact.set(type, null);
      else anyName.add(type);
    } else {
      return {
        errorCode: ErrorCode.UNSUPPORTED_VERSION,
        errorMessage: `Unknown match type ${c.matchType}`,
      };
    }
  }
  const has = (t: string) => exact.has(t) || anyName.has(t);
  if (has(IP) && (has(USER) || has(CLIENT_ID))) {
    return invalid(
      "Invalid entity filter component combination. IP filter component should not be used " +
        "with user or clientId filter component.",
    );
  }
  return { exact, anyName, strict };
}

/** True if `entity` is selected by `filter`. */
export function matchesFilter(entity: QuotaEntity, filter: QuotaFilter): boolean {
  if (filter.strict && entity.size !== filter.exact.size + filter.anyName.size) return false;
  for (const [type, name] of filter.exact) {
    if (!entity.has(type) || entity.get(type) !== name) return false;
  }
  for (const type of filter.anyName) if (!entity.has(type)) return false;
  return true;
}

function isIpAddress(s: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) return v4.slice(1).every((n) => Number(n) <= 255);
  return /^[0-9a-fA-F:]+$/.test(s) && s.includes(":") && s.split("::").length <= 2;
}
