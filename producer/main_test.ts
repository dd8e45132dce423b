import { assertEquals, assertStringIncludes } from "@std/assert";

const main = new URL("./main.ts", import.meta.url).pathname;

async function run(args: string[]) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

Deno.test("main: --help prints the usage and exits 0", async () => {
  const { code, stdout } = await run(["--help"]);
  assertEquals(code, 0);
  assertStringIncludes(stdout, "Usage: deno task producer");
  assertStringIncludes(stdout, "--sensors-per-vehicle");
});

Deno.test("main: a bad flag or fleet file is one line on stderr and exit code 2", async () => {
  const bad = await run(["--devices", "ten"]);
  assertEquals(bad.code, 2);
  assertEquals(bad.stderr, 'producer: --devices: expected a number, got "ten"\n');
  const file = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(file, JSON.stringify({ devices: [{ type: "climate", count: 0 }] }));
    const fleet = await run(["--fleet", file]);
    assertEquals(fleet.code, 2);
    assertEquals(fleet.stderr.split("\n").length, 2);
    assertStringIncludes(fleet.stderr, "devices.0.count");
  } finally {
    await Deno.remove(file);
  }
});
