import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { UsageError } from "@iot/service";
import { parseTailArgs, type TailOptions, tailUsage } from "./options.ts";

Deno.test("parseTailArgs: defaults follow new records on the local shim", () => {
  assertEquals(parseTailArgs(["alerts"]), {
    topic: "alerts",
    bootstrap: "127.0.0.1:9092",
    fromBeginning: false,
    readCommitted: false,
    count: undefined,
  });
});

Deno.test("parseTailArgs: flags win over the environment", () => {
  const env = { KAFKA_BOOTSTRAP_SERVERS: "env:2" };
  assertEquals(
    parseTailArgs(
      ["--from-beginning", "--read-committed", "--count", "5", "--bootstrap=h:1", "t"],
      env,
    ),
    { topic: "t", bootstrap: "h:1", fromBeginning: true, readCommitted: true, count: 5 },
  );
  assertEquals((parseTailArgs(["t"], env) as TailOptions).bootstrap, "env:2");
  // A boolean flag before the topic does not swallow it.
  assertEquals((parseTailArgs(["--from-beginning", "t"]) as TailOptions).topic, "t");
  assertEquals(parseTailArgs(["--help"]), "help");
  assertEquals(parseTailArgs(["t", "--nope", "-h"]), "help", "--help wins over a bad flag");
});

Deno.test("parseTailArgs: bad input is one clear UsageError naming the flag", () => {
  const message = (args: string[]) => assertThrows(() => parseTailArgs(args), UsageError).message;
  assertEquals(message([]), "missing TOPIC");
  assertEquals(message(["a", "b"]), 'unexpected argument "b" after TOPIC');
  assertEquals(message(["t", "--count", "0"]), "--count: must be at least 1, got 0");
  assertEquals(message(["t", "--count", "x"]), '--count: expected a number, got "x"');
  assertEquals(message(["t", "--nope"]), "unknown flag --nope (see --help)");
  assertEquals(
    message(["t", "--bootstrap", "nohost"]),
    "--bootstrap: expected HOST:PORT[,HOST:PORT...]",
  );
  assertEquals(
    assertThrows(() => parseTailArgs(["t"], { KAFKA_BOOTSTRAP_SERVERS: "x" }), UsageError).message,
    "KAFKA_BOOTSTRAP_SERVERS: expected HOST:PORT[,HOST:PORT...]",
  );
  for (const args of [[], ["a", "b"], ["t", "--nope"]]) assert(!message(args).includes("\n"));
});

Deno.test("parseTailArgs: --kafka-properties wins over TAIL_KAFKA_PROPERTIES", () => {
  const file = (args: string[], env?: string) =>
    (parseTailArgs(
      ["t", ...args],
      env === undefined ? {} : { TAIL_KAFKA_PROPERTIES: env },
    ) as TailOptions)
      .kafkaProperties;
  assertEquals(file(["--kafka-properties", "/a.properties"], "/b.properties"), "/a.properties");
  assertEquals(file([], "/b.properties"), "/b.properties");
  assertEquals(file([]), undefined);
  assertEquals(file([], ""), undefined, "an empty variable is none");
  assertThrows(() => parseTailArgs(["t", "--kafka-properties"]), UsageError, "kafka-properties");
});

Deno.test("tailUsage: --help names TOPIC and every flag with its variable and default", () => {
  const lines = tailUsage.split("\n");
  assertEquals(lines[0], "Usage: deno task tail TOPIC [flags]");
  assertStringIncludes(tailUsage, "\nArguments:\n  TOPIC ");
  for (
    const [flag, note] of [
      ["--from-beginning", "[TAIL_FROM_BEGINNING, default false]"],
      ["--read-committed", "[TAIL_READ_COMMITTED, default false]"],
      ["--count N", "[TAIL_COUNT, default follow forever]"],
      ["--bootstrap HOST:PORT", "[KAFKA_BOOTSTRAP_SERVERS, default 127.0.0.1:9092]"],
      ["--kafka-properties FILE", "[TAIL_KAFKA_PROPERTIES, default none]"],
      ["--help, -h", "this text"],
    ]
  ) {
    assert(lines.some((l) => l.startsWith(`  ${flag}`)), `${flag} listed`);
    assertStringIncludes(tailUsage, note);
  }
  assert(!tailUsage.includes("--config"), "the tail takes no config file");
  for (const line of lines) assert(line.length <= 100, `too wide: ${line}`);
});
