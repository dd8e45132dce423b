import { assertEquals } from "@std/assert";
import { MetadataStore } from "../storage/mod.ts";
import { ErrorCode } from "../protocol/mod.ts";
import { ClientQuotas } from "./client_quotas.ts";
import { isQuotaError, parseFilter, type QuotaFilter } from "./entity.ts";

const client = (name: string | null) => [{ entityType: "client-id", entityName: name }];
const user = (name: string | null) => [{ entityType: "user", entityName: name }];
const set = (key: string, value: number) => ({ key, value, remove: false });

function filter(
  components: { entityType: string; matchType: number; match: string | null }[],
  strict = false,
): QuotaFilter {
  const f = parseFilter(components, strict);
  if (isQuotaError(f)) throw new Error(f.errorMessage);
  return f;
}

/** A metadata store in a temp dir that is removed with it. */
async function tempStore(): Promise<MetadataStore & AsyncDisposable> {
  const dir = await Deno.makeTempDir();
  const store = await MetadataStore.open(dir);
  const close = store.close.bind(store);
  return Object.assign(store, {
    [Symbol.asyncDispose]: async () => {
      await close();
      await Deno.remove(dir, { recursive: true });
    },
  });
}

const described = (q: ClientQuotas, f: QuotaFilter) =>
  q.describe(f).map((e) => [Object.fromEntries(e.entity), e.values]);

Deno.test("quotas are stored, described by filter, and survive a reopen", async () => {
  const dir = await Deno.makeTempDir();
  try {
    {
      await using meta = await MetadataStore.open(dir);
      const q = new ClientQuotas(meta);
      const errors = await q.alter([
        { entity: client("app"), ops: [set("producer_byte_rate", 1024)] },
        { entity: user(null), ops: [set("consumer_byte_rate", 2048)] },
        {
          entity: [...user("alice"), ...client(null)],
          ops: [set("request_percentage", 12.5)],
        },
      ], false);
      assertEquals(errors, [null, null, null]);
    }
    await using meta = await MetadataStore.open(dir);
    const q = new ClientQuotas(meta);
    assertEquals(described(q, filter([{ entityType: "client-id", matchType: 0, match: "app" }])), [
      [{ "client-id": "app" }, { producer_byte_rate: 1024 }],
    ]);
    // Default match; not strict, so alice+default client-id is included.
    assertEquals(described(q, filter([{ entityType: "client-id", matchType: 1, match: null }])), [
      [{ user: "alice", "client-id": null }, { request_percentage: 12.5 }],
    ]);
    assertEquals(
      described(q, filter([{ entityType: "user", matchType: 2, match: null }], true)),
      [[{ user: null }, { consumer_byte_rate: 2048 }]],
    );
    assertEquals(described(q, filter([])).length, 3);
    assertEquals(described(q, filter([], true)).length, 0);
    // Removing the last key removes the entity.
    await q.alter([{
      entity: client("app"),
      ops: [{ key: "producer_byte_rate", value: 0, remove: true }],
    }], false);
    assertEquals(
      described(q, filter([{ entityType: "client-id", matchType: 0, match: "app" }])),
      [],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("invalid alterations are refused one by one, as Kafka words them", async () => {
  await using meta = await tempStore();
  const q = new ClientQuotas(meta);
  const errors = await q.alter([
    { entity: [], ops: [set("producer_byte_rate", 1)] },
    { entity: client("app"), ops: [set("producer_byte_rate", 1.5)] },
    { entity: client("app"), ops: [set("no_such_quota", 1)] },
    { entity: client("app"), ops: [set("consumer_byte_rate", -1)] },
    { entity: [{ entityType: "group", entityName: "g" }], ops: [set("producer_byte_rate", 1)] },
    { entity: [{ entityType: "ip", entityName: "1.2.3.4" }, ...user("u")], ops: [] },
    { entity: [{ entityType: "ip", entityName: "nope" }], ops: [] },
    {
      entity: [{ entityType: "ip", entityName: "10.0.0.1" }],
      ops: [set("connection_creation_rate", 5)],
    },
    { entity: client("ok"), ops: [set("producer_byte_rate", 100)] },
  ], false);
  assertEquals(errors.map((e) => e?.errorMessage ?? null), [
    "Invalid empty client quota entity",
    "producer_byte_rate cannot be a fractional value.",
    "Invalid configuration key no_such_quota",
    "Quota consumer_byte_rate must be greater than 0",
    "Unhandled client quota entity type: group",
    "Invalid quota entity combination, IP entity should not be combined with User or ClientId",
    "Invalid IP address in client quota entity",
    null,
    null,
  ]);
  for (const e of errors) if (e) assertEquals(e.errorCode, ErrorCode.INVALID_REQUEST);
  assertEquals(described(q, filter([])).length, 2);
  // validateOnly stores nothing.
  assertEquals(
    await q.alter([{ entity: client("dry"), ops: [set("producer_byte_rate", 1)] }], true),
    [null],
  );
  assertEquals(described(q, filter([{ entityType: "client-id", matchType: 0, match: "dry" }])), []);
});

Deno.test("bad filters get Kafka's errors", () => {
  const err = (c: { entityType: string; matchType: number; match: string | null }[]) => {
    const f = parseFilter(c, false);
    return isQuotaError(f) ? [f.errorCode, f.errorMessage] : null;
  };
  assertEquals(err([{ entityType: "user", matchType: 0, match: null }]), [
    ErrorCode.INVALID_REQUEST,
    "Request specified MATCH_TYPE_EXACT, but set match string to null.",
  ]);
  assertEquals(
    err([{ entityType: "user", matchType: 1, match: null }, {
      entityType: "user",
      matchType: 2,
      match: null,
    }]),
    [
      ErrorCode.INVALID_REQUEST,
      "Entity type user cannot appear more than once in the filter.",
    ],
  );
  assertEquals(err([{ entityType: "topic", matchType: 2, match: null }]), [
    ErrorCode.UNSUPPORTED_VERSION,
    "Unsupported entity type topic",
  ]);
  assertEquals(
    err([{ entityType: "ip", matchType: 2, match: null }, {
      entityType: "user",
      matchType: 2,
      match: null,
    }])?.[0],
    ErrorCode.INVALID_REQUEST,
  );
});

Deno.test("the most specific quota applies, with Kafka's sensor sharing", async () => {
  await using meta = await tempStore();
  const q = new ClientQuotas(meta);
  const P = "producer_byte_rate";
  assertEquals(q.resolve(P, "alice", "app"), null);
  await q.alter([
    { entity: client(null), ops: [set(P, 8)] },
    { entity: client("app"), ops: [set(P, 7)] },
    { entity: user(null), ops: [set(P, 6)] },
    { entity: [...user(null), ...client(null)], ops: [set(P, 5)] },
    { entity: [...user(null), ...client("app")], ops: [set(P, 4)] },
    { entity: user("alice"), ops: [set(P, 3)] },
    { entity: [...user("alice"), ...client(null)], ops: [set(P, 2)] },
    { entity: [...user("alice"), ...client("app")], ops: [set(P, 1)] },
  ], false);
  // Peel the entities off from the most specific one and check the next takes over.
  const steps: [{ entityType: string; entityName: string | null }[], number, string[]][] = [
    [[...user("alice"), ...client("app")], 1, ["alice", "app"]],
    [[...user("alice"), ...client(null)], 2, ["alice", "app"]],
    [user("alice"), 3, ["alice", ""]],
    [[...user(null), ...client("app")], 4, ["alice", "app"]],
    [[...user(null), ...client(null)], 5, ["alice", "app"]],
    [user(null), 6, ["alice", ""]],
    [client("app"), 7, ["", "app"]],
    [client(null), 8, ["", "app"]],
  ];
  for (const [entity, bound, [su, sc]] of steps) {
    assertEquals(q.resolve(P, "alice", "app"), { bound, sensor: JSON.stringify([P, su, sc]) });
    await q.alter([{ entity, ops: [{ key: P, value: 0, remove: true }] }], false);
  }
  assertEquals(q.resolve(P, "alice", "app"), null);
});
