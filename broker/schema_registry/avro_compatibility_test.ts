import { assertEquals, assertThrows } from "@std/assert";
import { avroReadProblems } from "./avro_compatibility.ts";
import { parseAvroSchema } from "./avro_schema.ts";
import { InvalidSchemaError } from "./schema_model.ts";

// Each row: reader and writer schemas and the error types of resolving the writer's data with
// the reader, derived from the Avro specification's "Schema Resolution" section.
const rec = (fields: unknown[], name = "R") => ({ type: "record", name, fields });
const f = (name: string, type: unknown, extra: Record<string, unknown> = {}) => ({
  name,
  type,
  ...extra,
});

const cases: [name: string, reader: unknown, writer: unknown, errors: string[]][] = [
  ["same primitive", "string", "string", []],
  ["int promoted to long", "long", "int", []],
  ["int promoted to double", "double", "int", []],
  ["long not readable as int", "int", "long", ["TYPE_MISMATCH"]],
  ["string read as bytes", "bytes", "string", []],
  ["string not readable as int", "int", "string", ["TYPE_MISMATCH"]],
  [
    "reader field with a default the writer lacks",
    rec([f("a", "int"), f("b", "string", { default: "" })]),
    rec([f("a", "int")]),
    [],
  ],
  [
    "reader field without a default the writer lacks",
    rec([f("a", "int"), f("b", "string")]),
    rec([f("a", "int")]),
    ["READER_FIELD_MISSING_DEFAULT_VALUE"],
  ],
  [
    "writer field the reader ignores",
    rec([f("a", "int")]),
    rec([f("a", "int"), f("b", "string")]),
    [],
  ],
  ["field found by alias", rec([f("b", "int", { aliases: ["a"] })]), rec([f("a", "int")]), []],
  ["field type promoted", rec([f("a", "long")]), rec([f("a", "int")]), []],
  ["field type narrowed", rec([f("a", "int")]), rec([f("a", "long")]), ["TYPE_MISMATCH"]],
  ["record renamed", rec([f("a", "int")], "S"), rec([f("a", "int")], "R"), ["NAME_MISMATCH"]],
  ["namespace ignored for matching", rec([f("a", "int")], "x.R"), rec([f("a", "int")], "y.R"), []],
  [
    "enum symbol added by the reader",
    { type: "enum", name: "E", symbols: ["A", "B", "C"] },
    { type: "enum", name: "E", symbols: ["A", "B"] },
    [],
  ],
  [
    "enum symbol removed by the reader",
    { type: "enum", name: "E", symbols: ["A"] },
    { type: "enum", name: "E", symbols: ["A", "B"] },
    ["MISSING_ENUM_SYMBOLS"],
  ],
  [
    "enum symbol removed, reader has a default",
    { type: "enum", name: "E", symbols: ["A"], default: "A" },
    { type: "enum", name: "E", symbols: ["A", "B"] },
    [],
  ],
  ["fixed size changed", { type: "fixed", name: "F", size: 8 }, {
    type: "fixed",
    name: "F",
    size: 4,
  }, ["FIXED_SIZE_MISMATCH"]],
  ["array items promoted", { type: "array", items: "long" }, { type: "array", items: "int" }, []],
  ["map values changed", { type: "map", values: "int" }, { type: "map", values: "string" }, [
    "TYPE_MISMATCH",
  ]],
  ["writer type joins a reader union", ["null", "string"], "string", []],
  ["writer union branch missing in reader", "string", ["null", "string"], ["MISSING_UNION_BRANCH"]],
  ["union widened", ["null", "string", "int"], ["null", "string"], []],
  ["union narrowed", ["null", "string"], ["null", "string", "int"], ["MISSING_UNION_BRANCH"]],
  ["union branch promoted", ["null", "long"], ["null", "int"], []],
];

for (const [name, reader, writer, errors] of cases) {
  Deno.test(`Avro resolution: ${name}`, () => {
    const problems = avroReadProblems(
      parseAvroSchema(JSON.stringify(reader)),
      parseAvroSchema(JSON.stringify(writer)),
    );
    assertEquals(problems.map((p) => /errorType:'(\w+)'/.exec(p)![1]), errors);
  });
}

Deno.test("Avro resolution: recursive records terminate", () => {
  const list = (valueType: string) =>
    parseAvroSchema(JSON.stringify(rec([f("value", valueType), f("next", ["null", "R"])])));
  assertEquals(avroReadProblems(list("long"), list("int")), []);
  assertEquals(avroReadProblems(list("int"), list("long")).length > 0, true);
});

Deno.test("parseAvroSchema: refuses unusable schemas", () => {
  const bad: [unknown, string][] = [
    ["strng", "unknown type"],
    [{ type: "record", name: "R" }, '"fields" must be a list'],
    [rec([f("a", "int"), f("a", "int")]), "unique name"],
    [{ type: "enum", name: "E", symbols: ["A", "A"] }, "duplicate symbols"],
    [{ type: "fixed", name: "F", size: -1 }, '"size"'],
    [["null", ["int"]], "may not contain a union"],
    [["string", "string"], "two branches of type string"],
    [{ type: "record", name: "1R", fields: [] }, 'valid "name"'],
    [[rec([], "R"), rec([], "R")], "defined twice"],
  ];
  for (const [schema, message] of bad) {
    const e = assertThrows(() => parseAvroSchema(JSON.stringify(schema)), InvalidSchemaError);
    assertEquals(e.message.includes(message), true, `${JSON.stringify(schema)}: ${e.message}`);
  }
});
