/**
 * Who may connect when SASL is on: PLAIN passwords from the users file (kept in memory only), and
 * SCRAM credentials (salt, iterations, StoredKey, ServerKey) in the metadata store under
 * `scram/<mechanism>/<user>`, managed with AlterUserScramCredentials. Users from the file get
 * SCRAM credentials for both mechanisms at startup unless they already have some.
 *
 * @module
 */
import type { JsonValue, MetadataStore } from "../storage/mod.ts";
import {
  credentialFromPassword,
  SCRAM_MECHANISM_IDS,
  type ScramCredential,
  type ScramMechanism,
} from "./scram.ts";

const PREFIX = "scram/";

/** Parses a users file: a JSON object of user name to password. Throws TypeError if malformed. */
export function parseUsersFile(text: string, path = "users file"): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new TypeError(`${path}: not JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new TypeError(`${path}: expected an object of user name to password`);
  }
  const out = new Map<string, string>();
  for (const [user, password] of Object.entries(parsed)) {
    if (typeof password !== "string" || user === "") {
      throw new TypeError(`${path}: the password of "${user}" must be a string`);
    }
    out.set(user, password);
  }
  return out;
}

/** PLAIN passwords and SCRAM credentials. */
export class Credentials {
  readonly #store: MetadataStore;
  readonly #plain: ReadonlyMap<string, string>;

  private constructor(store: MetadataStore, plain: ReadonlyMap<string, string>) {
    this.#store = store;
    this.#plain = plain;
  }

  /** Opens the credentials over `store`, seeding SCRAM credentials for `users`. */
  static async open(
    store: MetadataStore,
    users: ReadonlyMap<string, string>,
  ): Promise<Credentials> {
    const c = new Credentials(store, users);
    for (const [user, password] of users) {
      for (const m of SCRAM_MECHANISM_IDS.values()) {
        if (!c.scram(m, user)) await c.setScram(m, user, await credentialFromPassword(m, password));
      }
    }
    return c;
  }

  /** Whether `password` is `user`'s PLAIN password (constant time in the password). */
  checkPlain(user: string, password: string): boolean {
    const expected = this.#plain.get(user);
    if (expected === undefined) return false;
    const a = new TextEncoder().encode(expected);
    const b = new TextEncoder().encode(password);
    let diff = a.length ^ b.length;
    for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
    return diff === 0;
  }

  /** The SCRAM credential of `user` for `mechanism`, if any. */
  scram(mechanism: ScramMechanism, user: string): ScramCredential | undefined {
    return this.#store.get(this.#key(mechanism, user)) as ScramCredential | undefined;
  }

  /** Stores a SCRAM credential; resolves when durable. */
  setScram(mechanism: ScramMechanism, user: string, cred: ScramCredential): Promise<void> {
    return this.#store.set(this.#key(mechanism, user), { ...cred } as unknown as JsonValue);
  }

  /** Deletes a SCRAM credential; false if there was none. */
  async deleteScram(mechanism: ScramMechanism, user: string): Promise<boolean> {
    if (!this.scram(mechanism, user)) return false;
    await this.#store.delete(this.#key(mechanism, user));
    return true;
  }

  /** Users with SCRAM credentials, with their mechanisms and iterations. */
  scramUsers(): Map<string, { mechanism: ScramMechanism; iterations: number }[]> {
    const out = new Map<string, { mechanism: ScramMechanism; iterations: number }[]>();
    for (const [key, value] of this.#store.entries(PREFIX)) {
      const [mechanism, user] = key.slice(PREFIX.length).split("/");
      const name = decodeURIComponent(user);
      if (!out.has(name)) out.set(name, []);
      out.get(name)!.push({
        mechanism: mechanism as ScramMechanism,
        iterations: (value as unknown as ScramCredential).iterations,
      });
    }
    return out;
  }

  #key(mechanism: ScramMechanism, user: string): string {
    return `${PREFIX}${mechanism}/${encodeURIComponent(user)}`;
  }
}
