import { assertEquals } from "@std/assert";
import { checkCompatibility, incompatibleChanges } from "./compatibility.ts";
import { parseSchema } from "./formats.ts";
import { parseJsonSchema } from "./json_schema.ts";
import { closed, jsonCompatibilityCases, num, obj, str } from "./compatibility_cases_test_util.ts";

for (const [name, original, update, breaks] of jsonCompatibilityCases) {
  Deno.test(`JSON Schema BACKWARD: ${name}`, () => {
    const found = incompatibleChanges(parseJsonSchema(original), parseJsonSchema(update));
    assertEquals(found.map((d) => d.type), breaks);
  });
}

Deno.test("JSON Schema: a recursive $ref compares without looping", () => {
  const tree = (leaf: unknown) =>
    parseJsonSchema(JSON.stringify({
      $defs: {
        node: {
          type: "object",
          properties: { value: leaf, children: { type: "array", items: { $ref: "#/$defs/node" } } },
        },
      },
      $ref: "#/$defs/node",
    }));
  const v1 = tree({ type: "integer" });
  const v2 = tree({ type: "number" });
  assertEquals(incompatibleChanges(v1, v2), []);
  assertEquals(incompatibleChanges(v2, v1).map((d) => d.type), ["TYPE_NARROWED"]);
});

Deno.test("checkCompatibility: levels, directions and transitivity", () => {
  const v1 = parseSchema("JSON", obj({ a: str }, closed));
  const v2 = parseSchema("JSON", obj({ a: str, b: num }, closed)); // optional b added
  const v3 = parseSchema("JSON", obj({ a: str }, closed)); // b removed again
  // Adding an optional property to a closed object: the new reader copes, the old one does not.
  assertEquals(checkCompatibility("BACKWARD", v2, [v1]), []);
  assertEquals(checkCompatibility("FORWARD", v2, [v1]).length > 0, true);
  assertEquals(checkCompatibility("FULL", v2, [v1]).length > 0, true);
  assertEquals(checkCompatibility("NONE", v2, [v1]), []);
  assertEquals(checkCompatibility("BACKWARD", v1, []), []);
  // v3 drops b: fine against v1, broken against v2 (removed from a closed object); without
  // _TRANSITIVE only the latest version (last in the list) counts.
  assertEquals(checkCompatibility("BACKWARD", v3, [v2, v1]), []);
  const transitive = checkCompatibility("BACKWARD_TRANSITIVE", v3, [v1, v2]);
  assertEquals(transitive, [
    "Found incompatible change: Difference{jsonPath='#/properties/b', " +
    "type=PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL}",
    "{compatibility: 'BACKWARD_TRANSITIVE'}",
  ]);
  assertEquals(checkCompatibility("BACKWARD", v3, [v1, v2]).length, 2);
});
