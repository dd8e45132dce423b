/**
 * The client quotas of the broker (`kafka-configs.sh --entity-type users|clients`), kept in the
 * metadata store under `quotas/<entity>` so they survive a restart, and resolved for a
 * connection the way Kafka's default quota callback does: the most specific of user+client-id,
 * user+default client-id, user, default user+client-id, default user+default client-id,
 * default user, client-id, default client-id.
 *
 * @module
 */
import type { JsonValue, MetadataStore } from "../storage/mod.ts";
import {
  checkQuotaValue,
  CLIENT_ID,
  entityFromKey,
  entityKey,
  isQuotaError,
  matchesFilter,
  parseEntity,
  type QuotaEntity,
  type QuotaError,
  type QuotaFilter,
  USER,
} from "./entity.ts";

const PREFIX = "quotas/";

/** One entity's alteration as AlterClientQuotas sends it. */
export interface QuotaAlteration {
  /** The entity (type and name, null name = default). */
  readonly entity: readonly { entityType: string; entityName: string | null }[];
  /** Keys to set (`remove: false`) or remove. */
  readonly ops: readonly { key: string; value: number; remove: boolean }[];
}

/** The quota that applies to a client, and the sensor it is measured by. */
export interface ResolvedQuota {
  /** Units per second. */
  readonly bound: number;
  /**
   * Which clients share one rate: Kafka's metric tags (user, client-id), empty where the
   * quota does not distinguish, e.g. all client-ids of one user under a user quota.
   */
  readonly sensor: string;
}

/**
 * Client quotas over the metadata store.
 *
 * @example
 * ```ts
 * import { MetadataStore } from "../storage/mod.ts";
 * import { ClientQuotas } from "./client_quotas.ts";
 * await using meta = await MetadataStore.open(await Deno.makeTempDir());
 * const quotas = new ClientQuotas(meta);
 * await quotas.alter([{
 *   entity: [{ entityType: "client-id", entityName: null }],
 *   ops: [{ key: "producer_byte_rate", value: 1024, remove: false }],
 * }], false);
 * console.log(quotas.resolve("producer_byte_rate", "ANONYMOUS", "app")?.bound); // 1024
 * ```
 */
export class ClientQuotas {
  #metadata: MetadataStore;
  #byKey = new Map<string, Record<string, number>>();

  /** Loads the stored quotas. */
  constructor(metadata: MetadataStore) {
    this.#metadata = metadata;
    for (const [k, v] of metadata.entries(PREFIX)) {
      this.#byKey.set(k.slice(PREFIX.length), v as Record<string, number>);
    }
  }

  /**
   * Applies each alteration that is valid as a whole (all of it or none), atomically and
   * durably unless `validateOnly`; returns one error or null per alteration, in order.
   */
  async alter(
    alterations: readonly QuotaAlteration[],
    validateOnly: boolean,
  ): Promise<(QuotaError | null)[]> {
    const results: (QuotaError | null)[] = [];
    const next = new Map<string, Record<string, number>>();
    for (const a of alterations) {
      const entity = parseEntity(a.entity);
      if (isQuotaError(entity)) {
        results.push(entity);
        continue;
      }
      const key = entityKey(entity);
      const values = { ...(next.get(key) ?? this.#byKey.get(key) ?? {}) };
      let error: QuotaError | null = null;
      for (const op of a.ops) {
        error = checkQuotaValue(entity, op.key, op.remove ? 1 : op.value);
        if (error) break;
        if (op.remove) delete values[op.key];
        else values[op.key] = op.value;
      }
      results.push(error);
      if (!error) next.set(key, values);
    }
    if (validateOnly || next.size === 0) return results;
    const set: Record<string, JsonValue> = {};
    const del: string[] = [];
    for (const [key, values] of next) {
      if (Object.keys(values).length === 0) del.push(PREFIX + key);
      else set[PREFIX + key] = values;
    }
    await this.#metadata.apply({ set, delete: del });
    for (const [key, values] of next) {
      if (Object.keys(values).length === 0) this.#byKey.delete(key);
      else this.#byKey.set(key, values);
    }
    return results;
  }

  /** The entities `filter` selects, with their values. */
  describe(filter: QuotaFilter): { entity: QuotaEntity; values: Record<string, number> }[] {
    const out = [];
    for (const [key, values] of [...this.#byKey].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const entity = entityFromKey(key);
      if (matchesFilter(entity, filter)) out.push({ entity, values });
    }
    return out;
  }

  /**
   * The quota `key` (e.g. `producer_byte_rate`) that applies to `user` connecting as
   * `clientId`, or null when none is set.
   */
  resolve(key: string, user: string, clientId: string): ResolvedQuota | null {
    const value = (u: string | null | undefined, c: string | null | undefined) => {
      const entity = new Map<string, string | null>();
      if (u !== undefined) entity.set(USER, u);
      if (c !== undefined) entity.set(CLIENT_ID, c);
      return this.#byKey.get(entityKey(entity))?.[key];
    };
    // [user entity, client entity, sensor user, sensor client]: Kafka's precedence order.
    const order: [string | null | undefined, string | null | undefined, string, string][] = [
      [user, clientId, user, clientId],
      [user, null, user, clientId],
      [user, undefined, user, ""],
      [null, clientId, user, clientId],
      [null, null, user, clientId],
      [null, undefined, user, ""],
      [undefined, clientId, "", clientId],
      [undefined, null, "", clientId],
    ];
    for (const [u, c, su, sc] of order) {
      const bound = value(u, c);
      if (bound !== undefined) return { bound, sensor: JSON.stringify([key, su, sc]) };
    }
    return null;
  }
}
