/**
 * The JSON Schema compatibility table: each row is a change from `original` to `update` and
 * the types of the differences that break a reader of `update` (BACKWARD), derived from
 * Confluent's documented JSON Schema rules. `compatibility_test.ts` checks the verdicts;
 * `compatibility_reference_integration_test.ts` checks them against a JSON Schema validator.
 *
 * @module
 */
/** An object schema's text. */
export const obj = (
  properties: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): string => JSON.stringify({ type: "object", properties, ...extra });
/** A closed content model. */
export const closed = { additionalProperties: false };
/** A string schema. */
export const str = { type: "string" };
/** A number schema. */
export const num = { type: "number" };

/** The rows: name, original, update, breaking difference types. */
export const jsonCompatibilityCases: [
  name: string,
  original: string,
  update: string,
  breaks: string[],
][] = [
  ["identical", obj({ a: str }), obj({ a: str }), []],
  [
    "optional property added to a closed object",
    obj({ a: str }, closed),
    obj({ a: str, b: num }, closed),
    [],
  ],
  [
    "required property added to a closed object",
    obj({ a: str }, closed),
    obj({ a: str, b: num }, { ...closed, required: ["b"] }),
    ["REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"],
  ],
  [
    "required property with a default added to a closed object",
    obj({ a: str }, closed),
    obj({ a: str, b: { ...num, default: 0 } }, { ...closed, required: ["b"] }),
    [],
  ],
  [
    "typed property added to an open object",
    obj({ a: str }),
    obj({ a: str, b: num }),
    ["PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"],
  ],
  [
    "property with an empty schema added to an open object",
    obj({ a: str }),
    obj({ a: str, b: {} }),
    [],
  ],
  ["property removed, update open", obj({ a: str, b: num }), obj({ a: str }), []],
  [
    "property removed, update closed",
    obj({ a: str, b: num }, closed),
    obj({ a: str }, closed),
    ["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"],
  ],
  [
    "property added that the partially open original covered",
    obj({ a: str }, { additionalProperties: str }),
    obj({ a: str, b: str }, { additionalProperties: str }),
    [],
  ],
  [
    "property added that the partially open original did not cover",
    obj({ a: str }, { additionalProperties: str }),
    obj({ a: str, b: num }, { additionalProperties: str }),
    ["TYPE_CHANGED", "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"],
  ],
  [
    "property added matching a patternProperties entry",
    obj({}, { patternProperties: { "^x_": num }, ...closed }),
    obj({ x_1: { type: "integer" } }, { patternProperties: { "^x_": num }, ...closed }),
    ["TYPE_NARROWED", "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"],
  ],
  ["integer widened to number", obj({ a: { type: "integer" } }), obj({ a: num }), []],
  ["number narrowed to integer", obj({ a: num }), obj({ a: { type: "integer" } }), [
    "TYPE_NARROWED",
  ]],
  [
    "string widened to string or null",
    obj({ a: str }),
    obj({ a: { type: ["string", "null"] } }),
    [],
  ],
  [
    "string or null narrowed to string",
    obj({ a: { type: ["string", "null"] } }),
    obj({ a: str }),
    ["TYPE_CHANGED"],
  ],
  ["string changed to number", obj({ a: str }), obj({ a: num }), ["TYPE_CHANGED"]],
  ["enum extended", obj({ a: { enum: ["x", "y"] } }), obj({ a: { enum: ["x", "y", "z"] } }), []],
  ["enum narrowed", obj({ a: { enum: ["x", "y"] } }), obj({ a: { enum: ["x"] } }), [
    "ENUM_ARRAY_NARROWED",
  ]],
  ["enum changed", obj({ a: { enum: ["x", "y"] } }), obj({ a: { enum: ["x", "z"] } }), [
    "ENUM_ARRAY_CHANGED",
  ]],
  [
    "typed enum extended",
    obj({ a: { type: "string", enum: ["x"] } }),
    obj({ a: { type: "string", enum: ["x", "y"] } }),
    [],
  ],
  [
    "maxLength increased",
    obj({ a: { ...str, maxLength: 5 } }),
    obj({ a: { ...str, maxLength: 9 } }),
    [],
  ],
  [
    "maxLength decreased",
    obj({ a: { ...str, maxLength: 9 } }),
    obj({ a: { ...str, maxLength: 5 } }),
    ["MAX_LENGTH_DECREASED"],
  ],
  [
    "minimum decreased, maximum removed",
    obj({ a: { ...num, minimum: 0, maximum: 9 } }),
    obj({ a: { ...num, minimum: -1 } }),
    [],
  ],
  ["minimum added", obj({ a: num }), obj({ a: { ...num, minimum: 0 } }), ["MINIMUM_ADDED"]],
  [
    "multipleOf reduced",
    obj({ a: { ...num, multipleOf: 4 } }),
    obj({ a: { ...num, multipleOf: 2 } }),
    [],
  ],
  [
    "multipleOf expanded",
    obj({ a: { ...num, multipleOf: 2 } }),
    obj({ a: { ...num, multipleOf: 4 } }),
    ["MULTIPLE_OF_EXPANDED"],
  ],
  ["pattern removed", obj({ a: { ...str, pattern: "^a" } }), obj({ a: str }), []],
  ["pattern added", obj({ a: str }), obj({ a: { ...str, pattern: "^a" } }), ["PATTERN_ADDED"]],
  ["required removed", obj({ a: str }, { required: ["a"] }), obj({ a: str }), []],
  ["required added", obj({ a: str }), obj({ a: str }, { required: ["a"] }), [
    "REQUIRED_ATTRIBUTE_ADDED",
  ]],
  ["additionalProperties allowed", obj({ a: str }, closed), obj({ a: str }), []],
  [
    "additionalProperties forbidden",
    obj({ a: str }),
    obj({ a: str }, closed),
    ["ADDITIONAL_PROPERTIES_REMOVED"],
  ],
  [
    "anyOf extended",
    obj({ a: { anyOf: [str, num] } }),
    obj({ a: { anyOf: [str, num, { type: "null" }] } }),
    [],
  ],
  [
    "anyOf narrowed",
    obj({ a: { anyOf: [str, num] } }),
    obj({ a: { anyOf: [str] } }),
    ["SUM_TYPE_NARROWED"],
  ],
  ["oneOf to anyOf", obj({ a: { oneOf: [str, num] } }), obj({ a: { anyOf: [str, num] } }), []],
  [
    "anyOf to oneOf",
    obj({ a: { anyOf: [str, num] } }),
    obj({ a: { oneOf: [str, num] } }),
    ["COMBINED_TYPE_CHANGED"],
  ],
  [
    "array items widened, minItems increased",
    obj({ a: { type: "array", items: { type: "integer" } } }),
    obj({ a: { type: "array", items: num, minItems: 1 } }),
    ["MIN_ITEMS_ADDED"],
  ],
  [
    "tuple item added to a closed tuple",
    obj({ a: { type: "array", prefixItems: [str], items: false } }),
    obj({ a: { type: "array", prefixItems: [str, num], items: false } }),
    [],
  ],
  [
    "title and description changed",
    obj({ a: str }, { title: "A" }),
    obj({ a: { ...str, description: "x" } }, { title: "B" }),
    [],
  ],
  ["false to anything", "false", obj({ a: str }), []],
  ["anything to true", obj({ a: str }), "true", []],
  [
    "not narrowed",
    JSON.stringify({ not: { type: ["string", "null"] } }),
    JSON.stringify({ not: str }),
    [],
  ],
  [
    "not extended",
    JSON.stringify({ not: str }),
    JSON.stringify({ not: { type: ["string", "null"] } }),
    ["NOT_TYPE_EXTENDED"],
  ],
];
