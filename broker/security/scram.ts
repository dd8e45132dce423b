/**
 * SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka uses them: credentials stored as
 * salt, iterations, StoredKey and ServerKey (never the password), and the server side of the
 * two-message exchange carried in SaslAuthenticate. WebCrypto only.
 *
 * @module
 */

/** The SCRAM mechanisms, by Kafka's SASL name. */
export type ScramMechanism = "SCRAM-SHA-256" | "SCRAM-SHA-512";

/** Kafka's numeric ids of the mechanisms (AlterUserScramCredentials, DescribeUser…). */
export const SCRAM_MECHANISM_IDS: ReadonlyMap<number, ScramMechanism> = new Map([
  [1, "SCRAM-SHA-256"],
  [2, "SCRAM-SHA-512"],
]);

/** Kafka's bounds on iterations (`UNACCEPTABLE_CREDENTIAL` outside). */
export const MIN_ITERATIONS = 4096;
/** Upper bound of iterations. */
export const MAX_ITERATIONS = 16384;

/** What the broker keeps per user and mechanism. */
export interface ScramCredential {
  /** Salt (base64). */
  salt: string;
  /** PBKDF2 iterations. */
  iterations: number;
  /** H(ClientKey) (base64). */
  storedKey: string;
  /** HMAC(SaltedPassword, "Server Key") (base64). */
  serverKey: string;
}

const encoder = new TextEncoder();
const hashOf = (m: ScramMechanism) => m === "SCRAM-SHA-256" ? "SHA-256" : "SHA-512";
const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

async function hmac(m: ScramMechanism, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey(
    "raw",
    key as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: hashOf(m) },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, data as Uint8Array<ArrayBuffer>));
}

async function hash(m: ScramMechanism, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(hashOf(m), data as Uint8Array<ArrayBuffer>));
}

/** PBKDF2 of the password: SCRAM's SaltedPassword. */
export async function saltedPassword(
  m: ScramMechanism,
  password: string,
  salt: Uint8Array,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = m === "SCRAM-SHA-256" ? 256 : 512;
  return new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: "PBKDF2", hash: hashOf(m), salt: salt as Uint8Array<ArrayBuffer>, iterations },
      key,
      bits,
    ),
  );
}

/** The stored credential for a SaltedPassword (what AlterUserScramCredentials sends). */
export async function credentialFromSalted(
  m: ScramMechanism,
  salted: Uint8Array,
  salt: Uint8Array,
  iterations: number,
): Promise<ScramCredential> {
  const clientKey = await hmac(m, salted, encoder.encode("Client Key"));
  return {
    salt: b64(salt),
    iterations,
    storedKey: b64(await hash(m, clientKey)),
    serverKey: b64(await hmac(m, salted, encoder.encode("Server Key"))),
  };
}

/** A credential for a password with a random salt. */
export async function credentialFromPassword(
  m: ScramMechanism,
  password: string,
  iterations = MIN_ITERATIONS,
): Promise<ScramCredential> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return credentialFromSalted(
    m,
    await saltedPassword(m, password, salt, iterations),
    salt,
    iterations,
  );
}

/** Parses `k=v,k=v` SCRAM attributes (values may contain '='). */
function attributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(",")) {
    const i = part.indexOf("=");
    if (i > 0) out.set(part.slice(0, i), part.slice(i + 1));
  }
  return out;
}

/** Thrown for a malformed or failed exchange; the message is safe to send to the client. */
export class ScramError extends Error {
  override name = "ScramError";
}

/**
 * The server side of one SCRAM exchange: {@linkcode first} answers the client-first message,
 * {@linkcode final} verifies the proof and returns the server-final message and the user.
 */
export class ScramExchange {
  readonly #mechanism: ScramMechanism;
  readonly #lookup: (user: string) => ScramCredential | undefined;
  #state: { user: string; cred: ScramCredential; nonce: string; authPrefix: string } | null = null;

  /** `lookup` finds a user's stored credential for this mechanism. */
  constructor(
    mechanism: ScramMechanism,
    lookup: (user: string) => ScramCredential | undefined,
  ) {
    this.#mechanism = mechanism;
    this.#lookup = lookup;
  }

  /** Whether the first message was answered (the next one is the client-final). */
  get started(): boolean {
    return this.#state !== null;
  }

  /** Answers `n,,n=user,r=nonce` with `r=nonce+server,s=salt,i=iterations`. */
  first(message: string): string {
    const m = /^[ny][^,]*,[^,]*,(.*)$/.exec(message);
    if (!m) throw new ScramError("Invalid SCRAM client first message");
    const bare = m[1];
    const attrs = attributes(bare);
    const user = (attrs.get("n") ?? "").replaceAll("=2C", ",").replaceAll("=3D", "=");
    const clientNonce = attrs.get("r");
    if (!user || !clientNonce) throw new ScramError("Invalid SCRAM client first message");
    const cred = this.#lookup(user);
    if (!cred) throw new ScramError(`Authentication failed: Invalid user credentials`);
    const nonce = clientNonce + b64(crypto.getRandomValues(new Uint8Array(18)));
    const serverFirst = `r=${nonce},s=${cred.salt},i=${cred.iterations}`;
    this.#state = { user, cred, nonce, authPrefix: `${bare},${serverFirst}` };
    return serverFirst;
  }

  /** Verifies `c=…,r=…,p=proof`; returns `v=signature` and the authenticated user. */
  async final(message: string): Promise<{ reply: string; user: string }> {
    const s = this.#state;
    if (!s) throw new ScramError("Unexpected SCRAM client final message");
    const i = message.lastIndexOf(",p=");
    if (i < 0) throw new ScramError("Invalid SCRAM client final message");
    const withoutProof = message.slice(0, i);
    const attrs = attributes(withoutProof);
    // Kafka accepts a nonce that ends with the combined one: librdkafka (at least 2.0) sends its
    // own nonce again in front of it; the proof covers the message as sent either way.
    if (!(attrs.get("r") ?? "").endsWith(s.nonce)) throw new ScramError("Invalid SCRAM nonce");
    const authMessage = encoder.encode(`${s.authPrefix},${withoutProof}`);
    const m = this.#mechanism;
    const proof = unb64(message.slice(i + 3));
    const signature = await hmac(m, unb64(s.cred.storedKey), authMessage);
    if (proof.length !== signature.length) throw new ScramError("Authentication failed");
    const clientKey = proof.map((b, j) => b ^ signature[j]);
    const expected = unb64(s.cred.storedKey);
    const got = await hash(m, clientKey);
    let diff = got.length ^ expected.length;
    for (let j = 0; j < Math.min(got.length, expected.length); j++) diff |= got[j] ^ expected[j];
    if (diff !== 0) {
      throw new ScramError(
        "Authentication failed during authentication due to invalid credentials",
      );
    }
    const serverSignature = await hmac(m, unb64(s.cred.serverKey), authMessage);
    return { reply: `v=${b64(serverSignature)}`, user: s.user };
  }
}
