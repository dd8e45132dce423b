import { assertEquals, assertThrows } from "@std/assert";
import { ApiKey } from "../protocol/mod.ts";
import { ApiRegistry, handlersOf } from "./registry.ts";

Deno.test("registry serves registered APIs within their versions; ApiVersions derived", async () => {
  const registry = new ApiRegistry().register("test", {
    [ApiKey.Fetch]: { handler: () => null, versions: { min: 4, max: 12 } },
    [ApiKey.Metadata]: { handler: () => null },
  });
  const keys = [...registry.versions.keys()].sort((a, b) => a - b);
  assertEquals(keys, [ApiKey.Fetch, ApiKey.Metadata, ApiKey.ApiVersions]);
  assertEquals(registry.versions.get(ApiKey.Fetch), { min: 4, max: 12 });
  assertEquals(registry.versions.get(ApiKey.ApiVersions), { min: 0, max: 4 });
  const answer = registry.handlers[ApiKey.ApiVersions]!;
  const res = await answer({ clientSoftwareName: "", clientSoftwareVersion: "" }, {
    header: { apiKey: 18, apiVersion: 3, correlationId: 1, clientId: null },
    connectionId: 1,
    remoteAddress: "",
    signal: new AbortController().signal,
  });
  assertEquals(res?.apiKeys.find((k) => k.apiKey === ApiKey.Fetch), {
    apiKey: ApiKey.Fetch,
    minVersion: 4,
    maxVersion: 12,
  });
  assertEquals(res?.apiKeys.length, 3);
});

Deno.test("registry rejects a key registered twice and versions outside the schema", () => {
  const registry = new ApiRegistry().register("producers", {
    [ApiKey.InitProducerId]: { handler: () => null },
  });
  const twice = assertThrows(
    () => registry.register("txn", { [ApiKey.InitProducerId]: { handler: () => null } }),
    Error,
  );
  assertEquals(twice.message, "InitProducerId (22) registered twice: by producers and by txn");
  assertThrows(
    () =>
      registry.register("x", {
        [ApiKey.Fetch]: { handler: () => null, versions: { min: 50, max: 60 } },
      }),
    RangeError,
    "outside the schema",
  );
  assertThrows(() => registry.register("x", { [ApiKey.ApiVersions]: { handler: () => null } }));
});

Deno.test("handlersOf drops versions", () => {
  const handler = () => null;
  assertEquals(handlersOf({ [ApiKey.Heartbeat]: { handler, versions: { min: 0, max: 4 } } }), {
    [ApiKey.Heartbeat]: handler,
  });
});
