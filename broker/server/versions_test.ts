import { assertEquals } from "@std/assert";
import { ApiKey } from "../protocol/mod.ts";
import type { HandlerTable } from "./handler.ts";
import { servedVersions } from "./versions.ts";

Deno.test("servedVersions keeps only APIs with handlers, within limits", () => {
  const handlers: HandlerTable = {
    [ApiKey.ApiVersions]: () => null,
    [ApiKey.Fetch]: () => null,
  };
  const table = servedVersions(handlers, new Map([[ApiKey.Fetch, { min: 4, max: 12 }]]));
  assertEquals([...table.keys()].sort((a, b) => a - b), [ApiKey.Fetch, ApiKey.ApiVersions]);
  assertEquals(table.get(ApiKey.Fetch), { min: 4, max: 12 });
  assertEquals(table.get(ApiKey.ApiVersions), { min: 0, max: 4 });
  const empty = servedVersions(handlers, new Map([[ApiKey.Fetch, { min: 50, max: 60 }]]));
  assertEquals(empty.has(ApiKey.Fetch), false);
});
