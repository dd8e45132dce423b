import { assertEquals, assertThrows } from "@std/assert";
import { parseTailArgs, type TailOptions } from "./options.ts";

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
  assertEquals(
    parseTailArgs(
      ["--from-beginning", "--read-committed", "--count", "5", "--bootstrap=h:1", "t"],
      "env:2",
    ),
    { topic: "t", bootstrap: "h:1", fromBeginning: true, readCommitted: true, count: 5 },
  );
  assertEquals((parseTailArgs(["t"], "env:2") as TailOptions).bootstrap, "env:2");
  assertEquals(parseTailArgs(["--help"]), "help");
});

Deno.test("parseTailArgs: bad input is one clear TypeError", () => {
  assertThrows(() => parseTailArgs([]), TypeError, "missing TOPIC");
  assertThrows(() => parseTailArgs(["a", "b"]), TypeError, "one TOPIC expected, got a b");
  assertThrows(() => parseTailArgs(["t", "--count", "0"]), TypeError, "--count");
  assertThrows(() => parseTailArgs(["t", "--count", "x"]), TypeError, "--count");
  assertThrows(() => parseTailArgs(["t", "--nope"]), TypeError, "--nope");
  assertThrows(() => parseTailArgs(["t", "--bootstrap", "nohost"]), TypeError, "--bootstrap");
});

Deno.test("parseTailArgs: --kafka-properties wins over TAIL_KAFKA_PROPERTIES", () => {
  const file = (args: string[], env?: string) =>
    (parseTailArgs(["t", ...args], undefined, env) as TailOptions).kafkaProperties;
  assertEquals(file(["--kafka-properties", "/a.properties"], "/b.properties"), "/a.properties");
  assertEquals(file([], "/b.properties"), "/b.properties");
  assertEquals(file([]), undefined);
  assertThrows(() => parseTailArgs(["t", "--kafka-properties"]), TypeError, "kafka-properties");
});
