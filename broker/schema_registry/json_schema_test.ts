import { assertEquals, assertThrows } from "@std/assert";
import { parseJsonSchema } from "./json_schema.ts";
import { InvalidSchemaError } from "./schema_model.ts";

Deno.test("parseJsonSchema: refuses what is not a usable schema, naming where", () => {
  const cases: [string, string][] = [
    ["{not json", "not JSON"],
    ["[]", "#: a schema must be an object or a boolean"],
    ['{"type":"strin"}', '#: "type" must be one of'],
    ['{"type":"object","required":"a"}', "#/required: must be an array of strings"],
    [
      '{"properties":{"a":{"pattern":"("}}}',
      '#/properties/a/pattern: "(" is not a regular expression',
    ],
    ['{"maxLength":-1}', '#: "maxLength" must be a non-negative integer'],
    ['{"multipleOf":0}', '#: "multipleOf" must be greater than 0'],
    ['{"$ref":"other.json"}', "schema references are not supported"],
    ['{"$ref":"#/$defs/missing"}', '"$ref" #/$defs/missing does not resolve'],
    ['{"anyOf":[]}', '"anyOf" must be a non-empty array'],
    ['{"$defs":{"x":{"type":7}},"$ref":"#/$defs/x"}', '#/$defs/x: "type" must be one of'],
    ['{"enum":"a"}', '"enum" must be an array'],
  ];
  for (const [text, message] of cases) {
    const e = assertThrows(() => parseJsonSchema(text), InvalidSchemaError);
    assertEquals(e.message.includes(message), true, `${text}: ${e.message}`);
  }
});

Deno.test("parseJsonSchema: kinds, type lists and keyword-only schemas", () => {
  assertEquals(parseJsonSchema("true").kind, "true");
  assertEquals(parseJsonSchema("{}").kind, "true");
  assertEquals(parseJsonSchema('{"title":"t"}'), { kind: "true", title: "t" });
  const nullable = parseJsonSchema('{"type":["string","null"]}');
  assertEquals(nullable.kind === "combined" && nullable.criterion, "anyOf");
  // Several kinds in one object are a synthetic allOf of them.
  const typedEnum = parseJsonSchema('{"type":"string","enum":["a","b","a"]}');
  assertEquals(
    typedEnum.kind === "combined" && typedEnum.subschemas.map((s) => s.kind),
    ["string", "enum"],
  );
  // Without "type", object keywords still make an object schema.
  const obj = parseJsonSchema('{"properties":{"a":{"type":"integer","exclusiveMinimum":0}}}');
  assertEquals(obj.kind, "object");
  const a = obj.kind === "object" ? obj.properties.get("a") : undefined;
  assertEquals(a, { kind: "number", integer: true, exclusiveMinimum: 0 });
  // 2020-12 tuples: prefixItems plus items for the rest.
  const tuple = parseJsonSchema('{"type":"array","prefixItems":[{"type":"string"}],"items":false}');
  assertEquals(tuple.kind === "array" && [tuple.tuple.length, tuple.additional], [1, false]);
});
