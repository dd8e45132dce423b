import { assert, assertEquals } from "@std/assert";
import { eventContentType, eventHeaderNames, eventHeaders, schemaVersion } from "./headers.ts";

Deno.test("eventHeaders carries the content type and schema version", () => {
  assertEquals(eventHeaders, { "content-type": "application/json", "schema-version": "1" });
  assertEquals(eventHeaders[eventHeaderNames.contentType], eventContentType);
  assertEquals(eventHeaders[eventHeaderNames.schemaVersion], schemaVersion);
  assert(Object.isFrozen(eventHeaders));
  assert(Object.isFrozen(eventHeaderNames));
});
