/**
 * The JSON Schema compatibility verdicts against a reference nobody here wrote: Python's
 * `jsonschema` validates a pool of sample values against each row's original and updated
 * schema. A change judged compatible must accept every sample the original accepts; a change
 * judged incompatible must have a witness (a sample the original accepts and the update
 * refuses), except the rows listed where Confluent's rules differ from plain validation on
 * purpose.
 */
import { assertEquals } from "@std/assert";
import { jsonCompatibilityCases } from "./compatibility_cases_test_util.ts";

const scalars: unknown[] = [
  null,
  true,
  "",
  "a",
  "abc",
  "abcdefg",
  "abcdefghij",
  "x",
  "y",
  "z",
  -5,
  -1,
  0,
  1,
  2,
  3,
  4,
  10,
  100,
  1.5,
  [],
  ["x"],
  [1],
  [1, 2],
  [1.5],
  ["x", 1],
];
const samples: unknown[] = [
  ...scalars,
  {},
  ...scalars.map((v) => ({ a: v })),
  ...scalars.map((v) => ({ a: "x", b: v })),
  ...scalars.map((v) => ({ x_1: v })),
];

// Incompatible by Confluent's rules although no value tells the schemas apart here: its rules
// compare structure, not the sets of values (anyOf of disjoint types equals their oneOf).
const noWitness = new Set(["anyOf to oneOf"]);
// Compatible by Confluent's rules although the update refuses old values: a reader fills in a
// missing property's default before validating.
const defaultFilled = new Set(["required property with a default added to a closed object"]);

Deno.test("JSON Schema verdicts agree with Python's jsonschema on sample values", async () => {
  const venv = new URL("../../scripts/schema_registry/venv.sh", import.meta.url).pathname;
  const setup = await new Deno.Command("bash", { args: [venv], stdout: "piped", stderr: "piped" })
    .output();
  if (!setup.success) throw new Error(`venv.sh failed: ${new TextDecoder().decode(setup.stderr)}`);
  const python = new TextDecoder().decode(setup.stdout).trim();
  const child = new Deno.Command(python, {
    args: [new URL("../../scripts/schema_registry/validate_samples.py", import.meta.url).pathname],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).spawn();
  const cases = jsonCompatibilityCases.map(([name, original, update]) => ({
    name,
    original,
    update,
  }));
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify({ samples, cases })));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const valid: Record<string, { original: boolean[]; update: boolean[] }> = JSON.parse(
    new TextDecoder().decode(out.stdout),
  );
  const disagreements: string[] = [];
  for (const [name, , , breaks] of jsonCompatibilityCases) {
    const { original, update } = valid[name];
    const lost = samples.filter((_, i) => original[i] && !update[i]).map((s) => JSON.stringify(s));
    if (breaks.length === 0 && lost.length > 0 && !defaultFilled.has(name)) {
      disagreements.push(`${name}: judged compatible, but the update refuses ${lost.join(", ")}`);
    }
    if (breaks.length > 0 && lost.length === 0 && !noWitness.has(name)) {
      disagreements.push(`${name}: judged incompatible, but no sample tells them apart`);
    }
  }
  assertEquals(disagreements, []);
});
