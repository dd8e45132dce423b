/**
 * The one API registry of the broker: every API key is registered once, with its handler and the
 * versions it implements; the server decodes with, dispatches from and advertises (ApiVersions)
 * exactly this table, so a client never picks a version the broker would reject.
 *
 * @module
 */
import {
  ADVERTISED_VERSIONS,
  API_BY_KEY,
  ApiKey,
  apiVersionsEntries,
  type VersionRange,
} from "../protocol/mod.ts";
import type { Handler, HandlerTable } from "./handler.ts";

/** One API as a module offers it: the handler and the versions it implements. */
export interface ApiEntry<K extends ApiKey> {
  /** Answers the API. */
  readonly handler: Handler<K>;
  /**
   * The versions the handler implements, intersected with the generated schema range (an
   * unreleased top version is never advertised). Default: the whole schema range.
   */
  readonly versions?: VersionRange;
}

/** The APIs one module offers, by API key (e.g. the group coordinator's). */
export type ApiSet = { [K in ApiKey]?: ApiEntry<K> };

/** The handlers of an {@linkcode ApiSet}, without their versions (tests call them directly). */
export function handlersOf(apis: ApiSet): HandlerTable {
  const out: Record<number, unknown> = {};
  for (const [key, entry] of Object.entries(apis)) out[Number(key)] = entry?.handler;
  return out as HandlerTable;
}

/** The name of an API key for messages, e.g. `InitProducerId (22)`. */
function apiName(key: number): string {
  return `${API_BY_KEY.get(key)?.name ?? "unknown API"} (${key})`;
}

/**
 * Collects the APIs of every module; ApiVersions is registered by the registry itself and
 * answers from the registry's own version table.
 *
 * @example
 * ```ts
 * import { ApiKey } from "../protocol/mod.ts";
 * import { ApiRegistry } from "./registry.ts";
 * const registry = new ApiRegistry().register("example", {
 *   [ApiKey.Metadata]: {
 *     handler: () => ({ brokers: [], topics: [], clusterId: null, controllerId: 1 }),
 *     versions: { min: 0, max: 12 },
 *   },
 * });
 * console.log(registry.versions.get(ApiKey.Metadata)); // { min: 0, max: 12 }
 * ```
 */
export class ApiRegistry {
  #owners = new Map<number, string>();
  #handlers: Record<number, unknown> = {};
  #versions = new Map<number, VersionRange>();

  /** A registry holding only ApiVersions. */
  constructor() {
    const answer: Handler<typeof ApiKey.ApiVersions> = () => ({
      errorCode: 0,
      apiKeys: apiVersionsEntries(this.#versions),
      throttleTimeMs: 0,
    });
    this.register("registry", { [ApiKey.ApiVersions]: { handler: answer } });
  }

  /**
   * Adds `apis` under `owner` (named in errors). Throws `Error` if an API key is already
   * registered (two handlers for one key is a wiring bug), `RangeError` if a key has no
   * generated codec or its versions do not overlap the schema's.
   */
  register(owner: string, apis: ApiSet): this {
    for (const [k, entry] of Object.entries(apis) as [string, ApiEntry<ApiKey> | undefined][]) {
      if (!entry) continue;
      const key = Number(k);
      const previous = this.#owners.get(key);
      if (previous !== undefined) {
        throw new Error(`${apiName(key)} registered twice: by ${previous} and by ${owner}`);
      }
      const schema = ADVERTISED_VERSIONS.get(key);
      if (!schema) throw new RangeError(`${owner}: API key ${key} has no generated codec`);
      const min = Math.max(schema.min, entry.versions?.min ?? schema.min);
      const max = Math.min(schema.max, entry.versions?.max ?? schema.max);
      if (min > max) {
        throw new RangeError(
          `${owner}: ${apiName(key)} versions ${entry.versions?.min}-${entry.versions?.max} ` +
            `outside the schema's ${schema.min}-${schema.max}`,
        );
      }
      this.#owners.set(key, owner);
      this.#handlers[key] = entry.handler;
      this.#versions.set(key, { min, max });
    }
    return this;
  }

  /** The handler of every registered API. */
  get handlers(): HandlerTable {
    return this.#handlers as HandlerTable;
  }

  /** The versions served (decoded and advertised), by API key. */
  get versions(): ReadonlyMap<number, VersionRange> {
    return this.#versions;
  }

  /** Who registered each API key (diagnostics). */
  get owners(): ReadonlyMap<number, string> {
    return this.#owners;
  }
}
