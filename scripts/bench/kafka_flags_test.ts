import { assertEquals, assertThrows } from "@std/assert";
import { DEFAULT_MESSAGES, FlagError, parseFlags } from "./kafka_flags.ts";

Deno.test("parseFlags() defaults to 1M messages, 3 rounds, table output", () => {
  assertEquals(parseFlags([]), { messages: DEFAULT_MESSAGES, rounds: 3, json: false, help: false });
});

Deno.test("parseFlags() reads --rounds within 1..20", () => {
  assertEquals(parseFlags(["--rounds", "5"]).rounds, 5);
  assertThrows(() => parseFlags(["--rounds", "21"]), FlagError, "--rounds must be 1..20, got 21");
  assertThrows(() => parseFlags(["--rounds"]), FlagError, "--rounds needs a value");
});

Deno.test("parseFlags() reads --messages in both spellings, with underscores", () => {
  assertEquals(parseFlags(["--messages", "200000"]).messages, 200_000);
  assertEquals(parseFlags(["--messages=1_000"]).messages, 1000);
  assertEquals(parseFlags(["--json", "-h"]), {
    messages: DEFAULT_MESSAGES,
    rounds: 3,
    json: true,
    help: true,
  });
});

Deno.test("parseFlags() rejects bad values and unknown flags with one-line messages", () => {
  for (
    const [args, message] of [
      [["--messages"], "--messages needs a value, e.g. --messages 200000"],
      [["--messages", "1e6"], '--messages must be a whole number, got "1e6"'],
      [["--messages", "-5"], '--messages must be a whole number, got "-5"'],
      [["--messages=0"], "--messages must be between 1 and 100000000, got 0"],
      [["--json=yes"], "--json takes no value"],
      [["--msgs", "5"], 'unknown flag "--msgs" (see --help)'],
    ] as const
  ) {
    assertThrows(() => parseFlags(args), FlagError, message);
  }
});
