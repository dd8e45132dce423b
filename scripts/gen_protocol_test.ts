import { assertEquals, assertThrows } from "@std/assert";
import { fileStem, stripJsonComments } from "./gen_protocol.ts";
import { camelCase, parseRange } from "./gen_protocol_schema.ts";

Deno.test("stripJsonComments keeps // inside strings", () => {
  const text = '// header\n{ "a": "http://x", // trailing\n "b": 1 }';
  assertEquals(JSON.parse(stripJsonComments(text)), { a: "http://x", b: 1 });
});

Deno.test("parseRange handles open, closed, single and none", () => {
  assertEquals(parseRange("3+"), { min: 3, max: 32767 });
  assertEquals(parseRange("0-2"), { min: 0, max: 2 });
  assertEquals(parseRange("5"), { min: 5, max: 5 });
  assertEquals(parseRange("none"), { min: 1, max: 0 });
  assertEquals(parseRange(undefined), { min: 1, max: 0 });
  assertThrows(() => parseRange("x"));
});

Deno.test("names: camelCase fields and snake_case file stems", () => {
  assertEquals(camelCase("ThrottleTimeMs"), "throttleTimeMs");
  assertEquals(camelCase("ISRNodes"), "isrNodes");
  assertEquals(camelCase("V3AndBelowTopics"), "v3AndBelowTopics");
  assertEquals(fileStem("OffsetForLeaderEpoch"), "offset_for_leader_epoch");
  assertEquals(fileStem("ApiVersions"), "api_versions");
});

Deno.test("generated codecs are up to date with the generator and schemas", async () => {
  const root = new URL("..", import.meta.url).pathname;
  const out = await Deno.makeTempDir({ prefix: "gen-protocol-" });
  try {
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${root}scripts/gen_protocol.ts`, "--out", out],
      cwd: root,
      stdout: "null",
    }).output();
    assertEquals(run.success, true, new TextDecoder().decode(run.stderr));
    const committed = `${root}broker/protocol/generated`;
    const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assertEquals(names(out), names(committed));
    for (const name of names(out)) {
      assertEquals(
        await Deno.readTextFile(`${out}/${name}`),
        await Deno.readTextFile(`${committed}/${name}`),
        `${name} is stale: run deno run -A scripts/gen_protocol.ts`,
      );
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
