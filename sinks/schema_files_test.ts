import { assertEquals } from "@std/assert";
import { renderSchemaFiles } from "./schema_files.ts";

Deno.test("sinks/schema/* equal what the store definitions render", async () => {
  for (const [name, expected] of Object.entries(renderSchemaFiles())) {
    const actual = await Deno.readTextFile(new URL(`./schema/${name}`, import.meta.url));
    if (name.endsWith(".json")) {
      assertEquals(JSON.parse(actual), JSON.parse(expected), `${name} is stale`);
    } else {
      assertEquals(actual, expected, `${name} is stale: run deno task sinks:schema --write-files`);
    }
  }
});
