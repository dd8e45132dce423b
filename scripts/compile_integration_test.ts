/**
 * What can be proven of `deno task compile` without `denort`: each existing service's module
 * graph, bundled into one file, runs `--help` with nothing but that file (`--cached-only
 * --no-config`, from another directory), and the compile arguments carry the permissions and
 * assets each executable needs.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { buildArgs, targets } from "./compile.ts";

const root = new URL("..", import.meta.url).pathname;
const existing = targets.filter((t) => {
  try {
    return Deno.statSync(`${root}${t.main}`).isFile;
  } catch {
    return false;
  }
});

Deno.test("compile: each existing service's bundle runs --help on its own", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "iot-bundle-" });
  try {
    const build = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${root}scripts/compile.ts`, "--bundle", outDir],
      stderr: "piped",
    }).output();
    const log = new TextDecoder().decode(build.stderr);
    assert(build.success, log);
    for (const target of existing) {
      const help = await new Deno.Command(Deno.execPath(), {
        // The permissions `deno compile` bakes into the executable, and nothing more.
        args: [
          "run",
          "--cached-only",
          "--no-config",
          ...target.permissions,
          `${outDir}/iot-${target.name}.js`,
          "--help",
        ],
        cwd: outDir,
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).output();
      const text = new TextDecoder().decode(help.stdout);
      assertEquals(help.code, 0, `${target.name}: ${new TextDecoder().decode(help.stderr)}`);
      assertStringIncludes(text.toLowerCase(), "usage", `${target.name} --help`);
    }
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("compile: executables get FFI and their assets; the launcher may run its siblings", () => {
  const exists = () => true;
  const mode = { bundle: false, outDir: "dist" };
  for (const target of targets) {
    const args = buildArgs(target, mode, exists);
    assertEquals(args.slice(-3), ["--output", `dist/iot-${target.name}`, target.main]);
    assert(args.includes("--allow-ffi"), target.name);
    assertEquals(args.includes("--allow-run"), target.name === "dev");
  }
  const api = buildArgs(targets.find((t) => t.name === "api")!, mode, exists);
  assertStringIncludes(api.join(" "), "--include api/dashboard");
  const absent = buildArgs(targets.find((t) => t.name === "api")!, mode, () => false);
  assert(!absent.includes("--include"), "a missing asset folder is not passed");
});
