/**
 * SASL through the handlers: PLAIN, SCRAM-SHA-256/512 against a client written here from
 * RFC 5802 (not the server's code), and SCRAM users managed with AlterUserScramCredentials.
 */
import { assertEquals } from "@std/assert";
import type { ApiSet, ConnectionAuth, RequestContext } from "../api/mod.ts";
import { ApiKey, ErrorCode } from "../protocol/mod.ts";
import { MetadataStore } from "../storage/mod.ts";
import { Credentials } from "./credentials.ts";
import { saslApis } from "./sasl.ts";
import { scramAdminApis } from "./scram_admin.ts";

const te = new TextEncoder();
const td = new TextDecoder();

function context(apiVersion = 1): RequestContext & { auth: ConnectionAuth } {
  return {
    header: { apiKey: 36, apiVersion, correlationId: 1, clientId: "t" },
    connectionId: 1,
    remoteAddress: "127.0.0.1:1",
    signal: new AbortController().signal,
    auth: { principal: null, mechanism: null, exchange: null, failed: false },
  } as RequestContext & { auth: ConnectionAuth };
}

// deno-lint-ignore no-explicit-any
const call = (apis: ApiSet, key: number, body: unknown, ctx: RequestContext): Promise<any> =>
  // deno-lint-ignore no-explicit-any
  Promise.resolve((apis as any)[key].handler(body, ctx));

async function setup(users: Record<string, string> = { alice: "alice-secret" }) {
  const dir = await Deno.makeTempDir({ prefix: "sasl-" });
  const store = await MetadataStore.open(dir, { fsync: false });
  const credentials = await Credentials.open(store, new Map(Object.entries(users)));
  const apis = { ...saslApis(credentials), ...scramAdminApis(credentials) };
  return {
    apis,
    async [Symbol.asyncDispose]() {
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

// --- a SCRAM client from RFC 5802, independent of the server's code ---
type Hash = "SHA-256" | "SHA-512";
const bits = (h: Hash) => h === "SHA-256" ? 256 : 512;
async function hmacT(h: Hash, key: Uint8Array, msg: string | Uint8Array) {
  const k = await crypto.subtle.importKey(
    "raw",
    key as BufferSource,
    { name: "HMAC", hash: h },
    false,
    [
      "sign",
    ],
  );
  const data = typeof msg === "string" ? te.encode(msg) : msg;
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, data as BufferSource));
}
async function pbkdf2(h: Hash, password: string, salt: Uint8Array, i: number) {
  const k = await crypto.subtle.importKey("raw", te.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  return new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: "PBKDF2", hash: h, salt: salt as BufferSource, iterations: i },
      k,
      bits(h),
    ),
  );
}
const b64e = (b: Uint8Array) => btoa(String.fromCharCode(...b));
const b64d = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

async function scramLogin(
  apis: ApiSet,
  mechanism: "SCRAM-SHA-256" | "SCRAM-SHA-512",
  user: string,
  password: string,
  librdkafkaNonce = false,
) {
  const h: Hash = mechanism === "SCRAM-SHA-256" ? "SHA-256" : "SHA-512";
  const ctx = context();
  const hs = await call(apis, ApiKey.SaslHandshake, { mechanism }, ctx);
  assertEquals(hs.errorCode, 0);
  const cnonce = "rOprNGfwEbeRWgbNEkqO";
  const bare = `n=${user},r=${cnonce}`;
  const first = await call(
    apis,
    ApiKey.SaslAuthenticate,
    { authBytes: te.encode(`n,,${bare}`) },
    ctx,
  );
  if (first.errorCode !== 0) return { errorCode: first.errorCode, ctx };
  const serverFirst = td.decode(first.authBytes);
  const attrs = Object.fromEntries(serverFirst.split(",").map((p) => [p[0], p.slice(2)]));
  const salted = await pbkdf2(h, password, b64d(attrs.s), Number(attrs.i));
  const clientKey = await hmacT(h, salted, "Client Key");
  const storedKey = new Uint8Array(await crypto.subtle.digest(h, clientKey));
  // librdkafka 2.0 repeats its own nonce in front of the combined one; Kafka accepts that.
  const withoutProof = `c=biws,r=${librdkafkaNonce ? cnonce : ""}${attrs.r}`;
  const authMessage = `${bare},${serverFirst},${withoutProof}`;
  const sig = await hmacT(h, storedKey, authMessage);
  const proof = clientKey.map((b, i) => b ^ sig[i]);
  const final = await call(
    apis,
    ApiKey.SaslAuthenticate,
    { authBytes: te.encode(`${withoutProof},p=${b64e(proof)}`) },
    ctx,
  );
  if (final.errorCode === 0) {
    const serverKey = await hmacT(h, salted, "Server Key");
    assertEquals(td.decode(final.authBytes), `v=${b64e(await hmacT(h, serverKey, authMessage))}`);
  }
  return { errorCode: final.errorCode as number, ctx };
}

Deno.test("SASL/PLAIN: the right password authenticates, a wrong one fails and closes", async () => {
  await using s = await setup();
  const ctx = context();
  const hs = await call(s.apis, ApiKey.SaslHandshake, { mechanism: "PLAIN" }, ctx);
  assertEquals(hs.mechanisms, ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]);
  const ok = await call(s.apis, ApiKey.SaslAuthenticate, {
    authBytes: te.encode("\u0000alice\u0000alice-secret"),
  }, ctx);
  assertEquals([ok.errorCode, ctx.auth.principal, ctx.auth.failed], [0, "User:alice", false]);
  const bad = context();
  await call(s.apis, ApiKey.SaslHandshake, { mechanism: "PLAIN" }, bad);
  const no = await call(s.apis, ApiKey.SaslAuthenticate, {
    authBytes: te.encode("\u0000alice\u0000nope"),
  }, bad);
  assertEquals([no.errorCode, bad.auth.principal, bad.auth.failed], [
    ErrorCode.SASL_AUTHENTICATION_FAILED,
    null,
    true,
  ]);
  const unknown = await call(s.apis, ApiKey.SaslHandshake, { mechanism: "GSSAPI" }, context());
  assertEquals(unknown.errorCode, ErrorCode.UNSUPPORTED_SASL_MECHANISM);
});

Deno.test("SASL/SCRAM-SHA-256 and -512 with users from the file; bad passwords fail", async () => {
  await using s = await setup();
  for (const m of ["SCRAM-SHA-256", "SCRAM-SHA-512"] as const) {
    const good = await scramLogin(s.apis, m, "alice", "alice-secret");
    assertEquals([good.errorCode, good.ctx.auth.principal], [0, "User:alice"]);
    const bad = await scramLogin(s.apis, m, "alice", "wrong");
    assertEquals([bad.errorCode, bad.ctx.auth.failed], [
      ErrorCode.SASL_AUTHENTICATION_FAILED,
      true,
    ]);
    assertEquals((await scramLogin(s.apis, m, "alice", "alice-secret", true)).errorCode, 0);
    const nobody = await scramLogin(s.apis, m, "bob", "x");
    assertEquals(nobody.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
  }
});

Deno.test("AlterUserScramCredentials creates, describes and deletes SCRAM users", async () => {
  await using s = await setup({});
  const salt = te.encode("some-salt-bytes!");
  const upsert = await call(s.apis, ApiKey.AlterUserScramCredentials, {
    deletions: [],
    upsertions: [
      {
        name: "carol",
        mechanism: 1,
        iterations: 8192,
        salt,
        saltedPassword: await pbkdf2("SHA-256", "c-pass", salt, 8192),
      },
      { name: "dave", mechanism: 1, iterations: 100, salt, saltedPassword: salt },
    ],
  }, context());
  assertEquals(upsert.results.map((r: { errorCode: number }) => r.errorCode), [
    0,
    ErrorCode.UNACCEPTABLE_CREDENTIAL,
  ]);
  assertEquals((await scramLogin(s.apis, "SCRAM-SHA-256", "carol", "c-pass")).errorCode, 0);
  const described = await call(s.apis, ApiKey.DescribeUserScramCredentials, {
    users: [{ name: "carol" }, { name: "dave" }],
  }, context());
  assertEquals(described.results.map((r: { errorCode: number }) => r.errorCode), [
    0,
    ErrorCode.RESOURCE_NOT_FOUND,
  ]);
  assertEquals(described.results[0].credentialInfos, [{ mechanism: 1, iterations: 8192 }]);
  const del = (name: string) =>
    call(s.apis, ApiKey.AlterUserScramCredentials, {
      deletions: [{ name, mechanism: 1 }],
      upsertions: [],
    }, context());
  assertEquals((await del("carol")).results[0].errorCode, 0);
  assertEquals((await del("carol")).results[0].errorCode, ErrorCode.RESOURCE_NOT_FOUND);
  assertEquals(
    (await scramLogin(s.apis, "SCRAM-SHA-256", "carol", "c-pass")).errorCode,
    ErrorCode.SASL_AUTHENTICATION_FAILED,
  );
});
