import { assertEquals, assertMatch } from "@std/assert";
import { commandLine, startRun } from "./run_info.ts";

Deno.test("commandLine quotes only what the shell would split", () => {
  assertEquals(
    commandLine("bench:flink", ["--jobs", "aggregates,sliding", "--events=200000"]),
    "deno task bench:flink --jobs aggregates,sliding --events=200000",
  );
  assertEquals(
    commandLine("bench:x", ["--name", "a b", "it's"]),
    "deno task bench:x --name 'a b' 'it'\\''s'",
  );
});

Deno.test("startRun's summary names the command, a commit and the load average", async () => {
  const info = await startRun("bench:scaling", ["--devices", "1000"]);
  assertMatch(
    info.summary(),
    /^Command: `deno task bench:scaling --devices 1000`; commit (\w{7,}(\+dirty)?|unknown commit); load average \(1\/5\/15 min\) (\S+ \S+ \S+|n\/a) at start, .* at end; \d+ cores\.$/,
  );
});
