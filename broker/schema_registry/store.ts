/**
 * The registry's durable state in the broker's metadata store (the role of Confluent's
 * `_schemas` topic): schemas by global id, each subject's versions (with soft deletion), the
 * compatibility levels and modes. An in-memory index is rebuilt on open; each change is one
 * atomic metadata write. Ids are global and stable: the same schema (type, canonical text,
 * references) always gets the same id, in every subject, even after it was deleted.
 *
 * @module
 */
import type { JsonValue, MetadataStore } from "../storage/mod.ts";
import { type CompatibilityLevel, isCompatibilityLevel } from "./compatibility.ts";
import { errors } from "./errors.ts";

/** A schema as registered: its type and canonical text. */
export interface StoredSchema {
  /** "JSON" or "AVRO". */
  schemaType: string;
  /** The schema text, compact JSON. */
  schema: string;
  /** Schema references (only empty lists are accepted today). */
  references: JsonValue[];
}

/** One version of a subject. */
export interface SubjectVersion {
  /** The subject. */
  subject: string;
  /** Its version number, from 1. */
  version: number;
  /** The global schema id. */
  id: number;
  /** Soft-deleted. */
  deleted: boolean;
}

/** Registry modes; READONLY refuses registrations. */
export type RegistryMode = "READWRITE" | "READONLY";

const P = "schema-registry/";
const key = {
  schema: (id: number) => `${P}schema/${id}`,
  version: (s: string, v: number) => `${P}subject/${encodeURIComponent(s)}/${v}`,
  config: (s: string | null) =>
    s === null ? `${P}config` : `${P}subject-config/${encodeURIComponent(s)}`,
  mode: (s: string | null) => s === null ? `${P}mode` : `${P}subject-mode/${encodeURIComponent(s)}`,
};

/** Subjects, versions, ids, levels and modes over a {@linkcode MetadataStore}. */
export class SchemaStore {
  #meta: MetadataStore;
  #schemas = new Map<number, StoredSchema>();
  #ids = new Map<string, number>();
  #subjects = new Map<string, Map<number, SubjectVersion>>();

  private constructor(meta: MetadataStore) {
    this.#meta = meta;
    for (const [k, v] of meta.entries(`${P}schema/`)) {
      this.#index(Number(k.slice(`${P}schema/`.length)), v as unknown as StoredSchema);
    }
    for (const [k, v] of meta.entries(`${P}subject/`)) {
      const [s, version] = k.slice(`${P}subject/`.length).split("/");
      const { id, deleted } = v as { id: number; deleted: boolean };
      this.#put({ subject: decodeURIComponent(s), version: Number(version), id, deleted });
    }
  }

  /** Loads the registry's state from `meta` (shared with the broker's other coordinators). */
  static open(meta: MetadataStore): SchemaStore {
    return new SchemaStore(meta);
  }

  /** Subjects with a live version (or any version, with `deleted`), sorted. */
  subjects(deleted = false): string[] {
    return [...this.#subjects.keys()].filter((s) => this.versions(s, deleted).length > 0).sort();
  }

  /** A subject's versions, oldest first (soft-deleted ones too with `deleted`). */
  versions(subject: string, deleted = false): SubjectVersion[] {
    const all = [...(this.#subjects.get(subject)?.values() ?? [])];
    return all.filter((v) => deleted || !v.deleted).sort((a, b) => a.version - b.version);
  }

  /** One version; `"latest"` is the newest. Throws 40401/40402. */
  version(subject: string, version: number | "latest", deleted = false): SubjectVersion {
    const versions = this.versions(subject, deleted);
    if (versions.length === 0) throw errors.subjectNotFound(subject);
    const found = version === "latest"
      ? versions.at(-1)
      : versions.find((v) => v.version === version);
    if (!found) throw errors.versionNotFound(version);
    return found;
  }

  /** The schema of a global id. Throws 40403. */
  schema(id: number): StoredSchema {
    const s = this.#schemas.get(id);
    if (!s) throw errors.schemaNotFound(id);
    return s;
  }

  /** The id of a schema if it was ever registered. */
  idOf(schema: StoredSchema): number | undefined {
    return this.#ids.get(identity(schema));
  }

  /** Every live version (or any, with `deleted`) that uses schema `id`. */
  usesOf(id: number, deleted = false): SubjectVersion[] {
    return [...this.#subjects.keys()].flatMap((s) => this.versions(s, deleted))
      .filter((v) => v.id === id);
  }

  /**
   * Registers `schema` under `subject`: an identical live version is returned as it is;
   * otherwise `check` (the compatibility rule, given the live versions oldest first) must
   * return no messages, and a new version is written with the schema's global id.
   */
  async register(
    subject: string,
    schema: StoredSchema,
    check: (previous: StoredSchema[]) => string[],
  ): Promise<SubjectVersion> {
    if (this.mode(subject) === "READONLY") throw errors.readOnly(subject);
    const live = this.versions(subject);
    const known = this.idOf(schema);
    const same = live.find((v) => v.id === known);
    if (same) return same;
    const messages = check(live.map((v) => this.schema(v.id)));
    if (messages.length > 0) throw errors.incompatible(subject, messages);
    // Index before the write so a concurrent registration sees this id and version.
    const id = known ?? Math.max(0, ...this.#schemas.keys()) + 1;
    const all = this.versions(subject, true);
    const entry = { subject, version: (all.at(-1)?.version ?? 0) + 1, id, deleted: false };
    const set: Record<string, JsonValue> = {
      [key.version(subject, entry.version)]: { id, deleted: false },
    };
    if (known === undefined) {
      this.#index(id, schema);
      set[key.schema(id)] = { ...schema };
    }
    this.#put(entry);
    try {
      await this.#meta.apply({ set });
    } catch (e) {
      // Not durable: forget it so the index keeps matching what a restart would load.
      this.#subjects.get(subject)?.delete(entry.version);
      if (known === undefined) this.#unindex(id, schema);
      throw e;
    }
    return entry;
  }

  /** Soft- or permanently deletes a whole subject; returns the deleted version numbers. */
  async deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    const all = this.versions(subject, true);
    if (all.length === 0) throw errors.subjectNotFound(subject);
    const live = all.filter((v) => !v.deleted);
    if (permanent) {
      if (live.length > 0) throw errors.subjectNotSoftDeleted(subject);
      this.#subjects.delete(subject);
      await this.#meta.apply({ delete: all.map((v) => key.version(subject, v.version)) });
      return all.map((v) => v.version);
    }
    if (live.length === 0) throw errors.subjectSoftDeleted(subject);
    return await this.#softDelete(live);
  }

  /** Soft- or permanently deletes one version; returns its number. */
  async deleteVersion(
    subject: string,
    version: number | "latest",
    permanent: boolean,
  ): Promise<number> {
    // A soft delete of "latest" means the newest live version; numbers may name deleted ones.
    const v = this.version(subject, version, version !== "latest" || permanent);
    if (!permanent) {
      if (v.deleted) throw errors.versionSoftDeleted(subject, v.version);
      await this.#softDelete([v]);
      return v.version;
    }
    if (!v.deleted) throw errors.versionNotSoftDeleted(subject, v.version);
    this.#subjects.get(subject)!.delete(v.version);
    await this.#meta.delete(key.version(subject, v.version));
    return v.version;
  }

  /** The compatibility level of a subject (null: the global one); undefined when unset. */
  config(subject: string | null): CompatibilityLevel | undefined {
    const level = this.#meta.get(key.config(subject));
    return isCompatibilityLevel(level) ? level : undefined;
  }

  /** The level that applies to `subject`: its own, else the global one, else BACKWARD. */
  effectiveConfig(subject: string): CompatibilityLevel {
    return this.config(subject) ?? this.config(null) ?? "BACKWARD";
  }

  /** Sets (or with undefined clears) a subject's or the global level. */
  async setConfig(subject: string | null, level: CompatibilityLevel | undefined): Promise<void> {
    if (level === undefined) await this.#meta.delete(key.config(subject));
    else await this.#meta.set(key.config(subject), level);
  }

  /** The mode of a subject (its own, else the global one, else READWRITE). */
  mode(subject: string | null): RegistryMode {
    const own = subject === null ? undefined : this.#meta.get(key.mode(subject));
    return (own ?? this.#meta.get(key.mode(null)) ?? "READWRITE") as RegistryMode;
  }

  /** A subject's own mode, undefined when it has none. */
  ownMode(subject: string): RegistryMode | undefined {
    return this.#meta.get(key.mode(subject)) as RegistryMode | undefined;
  }

  /** Sets (or with undefined clears) a subject's or the global mode. */
  async setMode(subject: string | null, mode: RegistryMode | undefined): Promise<void> {
    if (mode === undefined) await this.#meta.delete(key.mode(subject));
    else await this.#meta.set(key.mode(subject), mode);
  }

  async #softDelete(versions: SubjectVersion[]): Promise<number[]> {
    const set: Record<string, JsonValue> = {};
    for (const v of versions) {
      v.deleted = true;
      set[key.version(v.subject, v.version)] = { id: v.id, deleted: true };
    }
    await this.#meta.apply({ set });
    return versions.map((v) => v.version);
  }

  #index(id: number, schema: StoredSchema): void {
    this.#schemas.set(id, schema);
    this.#ids.set(identity(schema), id);
  }

  #unindex(id: number, schema: StoredSchema): void {
    this.#schemas.delete(id);
    this.#ids.delete(identity(schema));
  }

  #put(v: SubjectVersion): void {
    let versions = this.#subjects.get(v.subject);
    if (!versions) this.#subjects.set(v.subject, versions = new Map());
    versions.set(v.version, v);
  }
}

function identity(s: StoredSchema): string {
  return `${s.schemaType}\n${s.schema}\n${JSON.stringify(s.references)}`;
}
