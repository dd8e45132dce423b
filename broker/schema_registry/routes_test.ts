import { assertEquals } from "@std/assert";
import { MetadataStore } from "../storage/mod.ts";
import { createRegistryHandler, REGISTRY_CONTENT_TYPE, SchemaStore } from "./mod.ts";

const v1 = JSON.stringify({
  type: "object",
  properties: { deviceId: { type: "string" }, temperature: { type: "number" } },
  required: ["deviceId"],
  additionalProperties: false,
});
// v1 plus an optional property: BACKWARD compatible for a closed object.
const v2 = v1.replace('"temperature"', '"humidity":{"type":"number"},"temperature"');
// v1 with a new required property: not BACKWARD compatible.
const breaking = v1.replace('["deviceId"]', '["deviceId","temperature"]');

async function withRegistry(
  f: (call: Call, reopen: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "registry-test-" });
  let meta = await MetadataStore.open(dir);
  let handle = createRegistryHandler({ store: SchemaStore.open(meta) });
  const call: Call = async (method, path, body) => {
    const res = await handle(
      new Request(`http://registry${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: { "content-type": REGISTRY_CONTENT_TYPE },
      }),
    );
    assertEquals(res.headers.get("content-type"), REGISTRY_CONTENT_TYPE);
    const text = await res.text();
    return {
      status: res.status,
      body: text.startsWith("{") || text.startsWith("[") || /^\d/.test(text)
        ? JSON.parse(text)
        : text,
    };
  };
  const reopen = async () => {
    await meta.close();
    meta = await MetadataStore.open(dir);
    handle = createRegistryHandler({ store: SchemaStore.open(meta) });
  };
  try {
    await f(call, reopen);
  } finally {
    await meta.close();
    await Deno.remove(dir, { recursive: true });
  }
}

type Call = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: unknown }>;

const json = (schema: string) => ({ schemaType: "JSON", schema });

Deno.test("registry: register, ids stable across subjects, versions, lookup, schemas by id", async () => {
  await withRegistry(async (call) => {
    assertEquals(await call("POST", "/subjects/a-value/versions", json(v1)), {
      status: 200,
      body: { id: 1 },
    });
    // The same schema again (whitespace aside): the same id, no new version.
    const spaced = JSON.stringify(JSON.parse(v1), null, 2);
    assertEquals((await call("POST", "/subjects/a-value/versions", json(spaced))).body, { id: 1 });
    assertEquals((await call("POST", "/subjects/b-value/versions", json(v1))).body, { id: 1 });
    assertEquals((await call("POST", "/subjects/a-value/versions", json(v2))).body, { id: 2 });
    assertEquals((await call("GET", "/subjects")).body, ["a-value", "b-value"]);
    assertEquals((await call("GET", "/subjects?subjectPrefix=b")).body, ["b-value"]);
    assertEquals((await call("GET", "/subjects/a-value/versions")).body, [1, 2]);
    const latest = { subject: "a-value", version: 2, id: 2, schemaType: "JSON", schema: v2 };
    assertEquals((await call("GET", "/subjects/a-value/versions/latest")).body, latest);
    assertEquals((await call("GET", "/subjects/a-value/versions/-1")).body, latest);
    assertEquals((await call("GET", "/subjects/a-value/versions/1/schema")).body, JSON.parse(v1));
    assertEquals((await call("POST", "/subjects/b-value", json(spaced))).body, {
      subject: "b-value",
      version: 1,
      id: 1,
      schemaType: "JSON",
      schema: v1,
    });
    assertEquals((await call("GET", "/schemas/ids/1")).body, { schemaType: "JSON", schema: v1 });
    assertEquals((await call("GET", "/schemas/ids/1/subjects")).body, ["a-value", "b-value"]);
    assertEquals((await call("GET", "/schemas/ids/1/versions")).body, [
      { subject: "a-value", version: 1 },
      { subject: "b-value", version: 1 },
    ]);
    assertEquals((await call("GET", "/schemas/types")).body, ["AVRO", "JSON"]);
    assertEquals((await call("GET", "/subjects/a-value/versions/1/referencedby")).body, []);
  });
});

Deno.test("registry: concurrent registrations of one schema give one id and one version", async () => {
  await withRegistry(async (call) => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => call("POST", "/subjects/a/versions", json(v1))),
    );
    assertEquals(answers.map((a) => a.body), Array(5).fill({ id: 1 }));
    assertEquals((await call("GET", "/subjects/a/versions")).body, [1]);
  });
});

Deno.test("registry: Confluent's error codes", async () => {
  await withRegistry(async (call) => {
    await call("POST", "/subjects/a/versions", json(v1));
    const code = async (method: string, path: string, body?: unknown) => {
      const res = await call(method, path, body);
      return [res.status, (res.body as { error_code: number }).error_code];
    };
    assertEquals(await code("GET", "/subjects/nope/versions"), [404, 40401]);
    assertEquals(await code("GET", "/subjects/a/versions/7"), [404, 40402]);
    assertEquals(await code("GET", "/schemas/ids/99"), [404, 40403]);
    assertEquals(await code("POST", "/subjects/a", json(v2)), [404, 40403]);
    assertEquals(await code("POST", "/subjects/a/versions", json(breaking)), [409, 409]);
    assertEquals(await code("POST", "/subjects/a/versions", json('{"type":"strin"}')), [
      422,
      42201,
    ]);
    assertEquals(await code("POST", "/subjects/a/versions", json("{not json")), [422, 42201]);
    const proto = { schemaType: "PROTOBUF", schema: 'syntax = "proto3";' };
    assertEquals(await code("POST", "/subjects/a/versions", proto), [422, 42201]);
    assertEquals(await code("POST", "/subjects/b/versions", { schema: '"strin"' }), [422, 42201]);
    assertEquals(await code("GET", "/subjects/a/versions/zero"), [422, 42202]);
    assertEquals(await code("PUT", "/config", { compatibility: "SIDEWAYS" }), [422, 42203]);
    assertEquals(await code("GET", "/config/a"), [404, 40408]);
    assertEquals(await code("GET", "/nowhere"), [404, 404]);
    assertEquals(await code("GET", "/subjects/a/versions/1/schema/more"), [404, 404]);
    assertEquals(await code("PUT", "/subjects/a/versions"), [405, 405]);
  });
});

Deno.test("registry: compatibility levels and checks", async () => {
  await withRegistry(async (call) => {
    await call("POST", "/subjects/a/versions", json(v1));
    assertEquals((await call("GET", "/config")).body, { compatibilityLevel: "BACKWARD" });
    const check = (schema: string, version = "latest") =>
      call("POST", `/compatibility/subjects/a/versions/${version}?verbose=true`, json(schema));
    assertEquals((await check(v2)).body, { is_compatible: true, messages: [] });
    const no = (await check(breaking)).body as { is_compatible: boolean; messages: string[] };
    assertEquals(no.is_compatible, false);
    assertEquals(no.messages[0].includes("REQUIRED_ATTRIBUTE_ADDED"), true);
    // FORWARD: v1 must read what v2 writes; v2's extra property breaks v1's closed model.
    assertEquals((await call("PUT", "/config/a", { compatibility: "forward" })).body, {
      compatibility: "FORWARD",
    });
    assertEquals((await check(v2)).body, {
      is_compatible: false,
      messages: [
        "Found incompatible change: Difference{jsonPath='#/properties/humidity', " +
        "type=PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL}",
        "{compatibility: 'FORWARD'}",
      ],
    });
    assertEquals((await call("GET", "/config/a")).body, { compatibilityLevel: "FORWARD" });
    assertEquals((await call("DELETE", "/config/a")).body, { compatibilityLevel: "FORWARD" });
    assertEquals((await call("PUT", "/config/a", { compatibility: "NONE" })).status, 200);
    assertEquals((await call("POST", "/subjects/a/versions", json(breaking))).body, { id: 2 });
  });
});

Deno.test("registry: Avro (the default type) with schema resolution as the rule", async () => {
  const record = (fields: unknown[]) =>
    JSON.stringify({ type: "record", name: "Reading", namespace: "iot", fields });
  const a1 = record([{ name: "deviceId", type: "string" }]);
  const a2 = record([{ name: "deviceId", type: "string" }, {
    name: "n",
    type: "long",
    default: 0,
  }]);
  const a3 = record([{ name: "deviceId", type: "string" }, { name: "m", type: "long" }]);
  await withRegistry(async (call) => {
    assertEquals((await call("POST", "/subjects/r/versions", { schema: a1 })).body, { id: 1 });
    assertEquals((await call("POST", "/subjects/r/versions", { schema: a2 })).body, { id: 2 });
    const refused = await call("POST", "/subjects/r/versions", { schema: a3 });
    assertEquals((refused.body as { error_code: number }).error_code, 409);
    assertEquals(
      (refused.body as { message: string }).message.includes("READER_FIELD_MISSING_DEFAULT_VALUE"),
      true,
    );
    // Confluent leaves schemaType out for AVRO.
    assertEquals((await call("GET", "/subjects/r/versions/1")).body, {
      subject: "r",
      version: 1,
      id: 1,
      schema: a1,
    });
    assertEquals((await call("GET", "/schemas/ids/2")).body, { schema: a2 });
    // An Avro record is no JSON Schema; and a subject does not change its schema type.
    const asJson = await call("POST", "/subjects/r/versions", { schemaType: "JSON", schema: a1 });
    assertEquals((asJson.body as { error_code: number }).error_code, 42201);
    const other = { schemaType: "JSON", schema: '{"type":"object"}' };
    const changed = await call("POST", "/subjects/r/versions", other);
    assertEquals((changed.body as { error_code: number }).error_code, 409);
  });
});

Deno.test("registry: READONLY mode refuses registrations", async () => {
  await withRegistry(async (call) => {
    assertEquals((await call("GET", "/mode")).body, { mode: "READWRITE" });
    assertEquals((await call("PUT", "/mode", { mode: "READONLY" })).body, { mode: "READONLY" });
    const res = await call("POST", "/subjects/a/versions", json(v1));
    assertEquals([res.status, (res.body as { error_code: number }).error_code], [422, 42205]);
    assertEquals((await call("PUT", "/mode/a", { mode: "READWRITE" })).body, { mode: "READWRITE" });
    assertEquals((await call("POST", "/subjects/a/versions", json(v1))).body, { id: 1 });
    assertEquals((await call("PUT", "/mode", { mode: "IMPORT" })).status, 422);
  });
});

Deno.test("registry: soft and permanent deletion", async () => {
  await withRegistry(async (call) => {
    await call("POST", "/subjects/a/versions", json(v1));
    await call("POST", "/subjects/a/versions", json(v2));
    const code = async (method: string, path: string) =>
      ((await call(method, path)).body as { error_code: number }).error_code;
    assertEquals(await code("DELETE", "/subjects/a/versions/1?permanent=true"), 40407);
    assertEquals((await call("DELETE", "/subjects/a/versions/1")).body, 1);
    assertEquals(await code("DELETE", "/subjects/a/versions/1"), 40406);
    assertEquals((await call("GET", "/subjects/a/versions")).body, [2]);
    assertEquals((await call("GET", "/subjects/a/versions?deleted=true")).body, [1, 2]);
    assertEquals(await code("DELETE", "/subjects/a?permanent=true"), 40405);
    assertEquals((await call("DELETE", "/subjects/a")).body, [2]);
    assertEquals(await code("DELETE", "/subjects/a"), 40404);
    assertEquals((await call("GET", "/subjects")).body, []);
    assertEquals((await call("GET", "/subjects?deleted=true")).body, ["a"]);
    assertEquals((await call("DELETE", "/subjects/a?permanent=true")).body, [1, 2]);
    assertEquals(await code("GET", "/subjects/a/versions?deleted=true"), 40401);
    // Ids are stable: the schema keeps its id when registered again.
    assertEquals((await call("POST", "/subjects/a/versions", json(v2))).body, { id: 2 });
    assertEquals((await call("GET", "/subjects/a/versions")).body, [1]);
  });
});

Deno.test("registry: state survives reopening the metadata store", async () => {
  await withRegistry(async (call, reopen) => {
    await call("POST", "/subjects/a%2Fb-value/versions", json(v1));
    await call("POST", "/subjects/a%2Fb-value/versions", json(v2));
    await call("DELETE", "/subjects/a%2Fb-value/versions/1");
    await call("PUT", "/config", { compatibility: "FULL" });
    await reopen();
    assertEquals((await call("GET", "/subjects")).body, ["a/b-value"]);
    assertEquals((await call("GET", "/subjects/a%2Fb-value/versions?deleted=true")).body, [1, 2]);
    assertEquals((await call("GET", "/subjects/a%2Fb-value/versions")).body, [2]);
    assertEquals((await call("GET", "/config")).body, { compatibilityLevel: "FULL" });
    assertEquals((await call("POST", "/subjects/c/versions", json(v1))).body, { id: 1 });
    const v3 = JSON.stringify({ type: "string" });
    assertEquals((await call("POST", "/subjects/d/versions", json(v3))).body, { id: 3 });
  });
});
