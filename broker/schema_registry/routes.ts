/**
 * The Confluent Schema Registry REST API over a {@linkcode SchemaStore}: subjects and their
 * versions, schemas by id, compatibility checks, and the compatibility and mode settings
 * (`config_routes.ts`). Answers are Confluent's JSON with its content type and error codes, so
 * clients written for Confluent's registry (serializers included) work unchanged.
 *
 * @module
 */
import { errorField, type Logger, silentLogger } from "@iot/service";
import { checkCompatibility } from "./compatibility.ts";
import { configRoute, modeRoute } from "./config_routes.ts";
import { errors, RegistryError } from "./errors.ts";
import { type ParsedSchema, parseSchema, type SchemaType, schemaTypes } from "./formats.ts";
import {
  flag,
  readJson,
  readSchema,
  readVersion,
  REGISTRY_CONTENT_TYPE,
  reply,
} from "./request.ts";
import type { SchemaStore, SubjectVersion } from "./store.ts";

/** What the REST API needs. */
export interface RegistryDeps {
  /** The registry's state. */
  store: SchemaStore;
  /** Where unexpected failures are logged. Default: silent. */
  logger?: Logger;
}

/** A handler of one request, as `Deno.serve` takes it. */
export type RegistryHandler = (request: Request) => Promise<Response>;

/**
 * Builds the REST handler. Tests call it with `Request`s directly; the broker serves it on
 * `--schema-registry-port`.
 *
 * @example
 * ```ts ignore
 * const handle = createRegistryHandler({ store });
 * const res = await handle(new Request("http://registry/subjects"));
 * await res.json(); // ["sensor-readings-value", …]
 * ```
 */
export function createRegistryHandler(deps: RegistryDeps): RegistryHandler {
  const logger = deps.logger ?? silentLogger;
  const api = new Api(deps.store);
  return async (request) => {
    try {
      return await api.route(request);
    } catch (e) {
      if (e instanceof RegistryError) {
        return reply({ error_code: e.errorCode, message: e.message }, e.status);
      }
      logger.error("schema registry request failed", { error: errorField(e) });
      return reply({ error_code: 50001, message: "Error in the backend datastore" }, 500);
    }
  };
}

class Api {
  #store: SchemaStore;
  #parsed = new Map<number, ParsedSchema>();

  constructor(store: SchemaStore) {
    this.#store = store;
  }

  route(request: Request): Promise<Response> | Response {
    const url = new URL(request.url);
    const parts = url.pathname.split("/").filter((p) => p !== "").map(decodeURIComponent);
    const method = request.method;
    const [head, ...rest] = parts;
    if (head === undefined && method === "GET") return reply({});
    if (head === "subjects") return this.#subjects(method, rest, url, request);
    if (head === "schemas" && method === "GET") return this.#schemas(rest, url);
    if (head === "compatibility" && method === "POST" && rest[0] === "subjects") {
      return this.#compatibility(rest.slice(1), url, request);
    }
    if ((head === "config" || head === "mode") && rest.length <= 1) {
      const setting = { store: this.#store, subject: rest[0] ?? null, url, request };
      return head === "config" ? configRoute(setting) : modeRoute(setting);
    }
    throw errors.notFound();
  }

  async #subjects(method: string, rest: string[], url: URL, request: Request): Promise<Response> {
    const store = this.#store;
    const [subject, versionsWord, v, tail] = rest;
    const deleted = flag(url, "deleted");
    if (subject === undefined && method === "GET") {
      const prefix = url.searchParams.get("subjectPrefix") ?? "";
      return reply(store.subjects(deleted).filter((s) => s.startsWith(prefix)));
    }
    if (subject !== undefined && versionsWord === undefined) {
      if (method === "POST") return await this.#lookup(subject, url, request);
      if (method === "DELETE") {
        return reply(await store.deleteSubject(subject, flag(url, "permanent")));
      }
    }
    if (
      subject === undefined || versionsWord !== "versions" || rest.length > 4 ||
      tail !== undefined && tail !== "schema" && tail !== "referencedby"
    ) {
      throw errors.notFound();
    }
    if (v === undefined) {
      if (method === "GET") {
        const versions = store.versions(subject, deleted);
        if (versions.length === 0) throw errors.subjectNotFound(subject);
        return reply(versions.map((x) => x.version));
      }
      if (method === "POST") return await this.#register(subject, url, request);
    } else if (method === "GET") {
      const found = store.version(subject, readVersion(v), deleted);
      if (tail === "schema") return this.#raw(found.id);
      // Schema references are not supported, so no version is ever referenced.
      return reply(tail === "referencedby" ? [] : this.#describe(found));
    } else if (method === "DELETE" && tail === undefined) {
      return reply(await store.deleteVersion(subject, readVersion(v), flag(url, "permanent")));
    }
    throw errors.methodNotAllowed();
  }

  async #register(subject: string, url: URL, request: Request): Promise<Response> {
    const { stored, parsed } = readSchema(await readJson(request), flag(url, "normalize"));
    const level = this.#store.effectiveConfig(subject);
    const registered = await this.#store.register(
      subject,
      stored,
      () =>
        checkCompatibility(
          level,
          parsed,
          this.#store.versions(subject).map((v) => this.#parse(v.id)),
        ),
    );
    this.#parsed.set(registered.id, parsed);
    return reply({ id: registered.id });
  }

  async #lookup(subject: string, url: URL, request: Request): Promise<Response> {
    const { stored } = readSchema(await readJson(request), flag(url, "normalize"));
    const versions = this.#store.versions(subject, flag(url, "deleted"));
    if (versions.length === 0) throw errors.subjectNotFound(subject);
    const id = this.#store.idOf(stored);
    const found = versions.findLast((v) => v.id === id);
    if (!found) throw errors.schemaNotFound();
    return reply(this.#describe(found));
  }

  #schemas(rest: string[], url: URL): Response {
    if (rest[0] === "types" && rest.length === 1) return reply(schemaTypes);
    if (rest[0] !== "ids" || rest.length < 2 || rest.length > 3) throw errors.notFound();
    const id = Number(rest[1]);
    if (!Number.isInteger(id)) throw errors.schemaNotFound();
    const schema = this.#store.schema(id);
    const deleted = flag(url, "deleted");
    switch (rest[2]) {
      case undefined:
        return reply({ ...typeField(schema.schemaType), schema: schema.schema });
      case "schema":
        return this.#raw(id);
      case "subjects":
        return reply([...new Set(this.#store.usesOf(id, deleted).map((v) => v.subject))].sort());
      case "versions":
        return reply(
          this.#store.usesOf(id, deleted).map((v) => ({ subject: v.subject, version: v.version })),
        );
    }
    throw errors.notFound();
  }

  async #compatibility(rest: string[], url: URL, request: Request): Promise<Response> {
    const [subject, versionsWord, v] = rest;
    if (subject === undefined || versionsWord !== "versions" || rest.length > 3) {
      throw errors.notFound();
    }
    const { parsed } = readSchema(await readJson(request), flag(url, "normalize"));
    const level = this.#store.effectiveConfig(subject);
    const live = this.#store.versions(subject);
    let against: SubjectVersion[] = live;
    if (v !== undefined) {
      const version = readVersion(v);
      const one = this.#store.version(subject, version);
      // Checking "latest" at a _TRANSITIVE level means every version, as registering would.
      if (!(version === "latest" && level.endsWith("_TRANSITIVE"))) against = [one];
    }
    const messages = checkCompatibility(level, parsed, against.map((x) => this.#parse(x.id)));
    const verbose = flag(url, "verbose");
    return reply({ is_compatible: messages.length === 0, ...(verbose ? { messages } : {}) });
  }

  #describe(v: SubjectVersion) {
    const schema = this.#store.schema(v.id);
    return {
      subject: v.subject,
      version: v.version,
      id: v.id,
      ...typeField(schema.schemaType),
      schema: schema.schema,
    };
  }

  #raw(id: number): Response {
    return new Response(this.#store.schema(id).schema, {
      headers: { "content-type": REGISTRY_CONTENT_TYPE },
    });
  }

  #parse(id: number): ParsedSchema {
    let parsed = this.#parsed.get(id);
    if (!parsed) {
      const { schemaType, schema } = this.#store.schema(id);
      this.#parsed.set(id, parsed = parseSchema(schemaType as SchemaType, schema));
    }
    return parsed;
  }
}

/** Confluent leaves `schemaType` out for AVRO, the default; clients read its absence so. */
function typeField(schemaType: string): { schemaType?: string } {
  return schemaType === "AVRO" ? {} : { schemaType };
}
