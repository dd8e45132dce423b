import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { flagOf, helpText, parseCli, UsageError } from "@iot/service";
import { brokerCli, brokerDefaults } from "./options.ts";

const parse = (args: string[], env: Record<string, string> = {}) => {
  const r = parseCli(brokerCli, { args, env });
  if (r.help) throw new Error("unexpected --help");
  return r.values;
};

Deno.test("broker options: --help lists every flag of the table with its BROKER_* variable", () => {
  const help = helpText(brokerCli);
  for (const [key, option] of Object.entries(brokerCli.options)) {
    assertStringIncludes(help, `--${flagOf(key, option)}`);
  }
  assertStringIncludes(help, "[BROKER_RETENTION_MS, default 604800000]");
  assertStringIncludes(help, "always, interval, none");
});

Deno.test("broker options: defaults, -1 retention, booleans, env below flags", () => {
  assertEquals(parse([]).port, brokerDefaults.port);
  assertEquals(parse([]).adminPort, undefined);
  assertEquals(parse([]).schemaRegistryPort, undefined);
  assertEquals(parse(["--schema-registry-port", "8081"]).schemaRegistryPort, 8081);
  assertEquals(parse(["--retention-ms", "-1"]).retentionMs, -1);
  assertEquals(parse(["--auto-create", "false"]).autoCreate, false);
  assertEquals(parse(["--auto-create=false"]).autoCreate, false);
  assertEquals(parse([], { BROKER_AUTO_CREATE: "false" }).autoCreate, false);
  assertEquals(parse(["--port", "1"], { BROKER_PORT: "2" }).port, 1);
});

Deno.test("broker options: errors name the flag as typed and list allowed values", () => {
  const message = (args: string[], env: Record<string, string> = {}) =>
    assertThrows(() => parse(args, env), UsageError).message;
  assertEquals(
    message(["--autoCreate", "false"]),
    "unknown flag --autoCreate (did you mean --auto-create? see --help)",
  );
  assertEquals(
    message(["--auto-create", "maybe"]),
    '--auto-create: expected true or false, got "maybe"',
  );
  assertEquals(
    message(["--auto-create=maybe"]),
    '--auto-create: expected true or false, got "maybe"',
  );
  assertEquals(
    message(["--log-level", "loud"]),
    '--log-level: expected one of debug, info, warn, error; got "loud"',
  );
  assertEquals(message(["--data-dir", "--port", "0"]), "--data-dir needs a value");
  assertEquals(message(["--retention-ms", "-2"]), "--retention-ms: must be at least -1, got -2");
  assertEquals(
    message([], { BROKER_PARTITIONS: "0" }),
    "BROKER_PARTITIONS: must be at least 1, got 0",
  );
});
