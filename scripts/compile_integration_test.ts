/**
 * What can be proven of `deno task compile` without `denort`: each service's module graph (the
 * five services and the launcher), bundled into one file, runs `--help` with nothing but that
 * file (`--cached-only --no-config`, from another directory); the API's bundle serves its
 * dashboard, uPlot and Swagger UI (text imports: part of the module graph, so `deno compile`
 * embeds them as it bundles them); and the compile arguments carry the permissions and assets
 * each executable needs.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { waitFor } from "@iot/testing";
import { buildArgs, targets } from "./compile.ts";

const root = new URL("..", import.meta.url).pathname;
const decoder = new TextDecoder();

/** Runs the API's bundle alone on a free port and fetches what the browser needs. */
async function apiBundleServesAssets(bundle: string, permissions: readonly string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--cached-only", "--no-config", ...permissions, bundle, "--sqlite", ":memory:"],
    cwd: bundle.slice(0, bundle.lastIndexOf("/")),
    env: { NO_COLOR: "1", API_PORT: "0" },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let out = "";
  const reading = (async () => {
    for await (const chunk of child.stdout) out += decoder.decode(chunk, { stream: true });
  })();
  try {
    await waitFor(() => /"url":"http:\/\/127\.0\.0\.1:\d+\/"/.test(out), {
      timeoutMs: 30_000,
      message: "the API bundle to listen",
    });
    const base = out.match(/"url":"(http:\/\/127\.0\.0\.1:\d+\/)"/)![1];
    const expected: Record<string, string> = {
      "": "<!doctype html",
      "assets/app.js": "",
      "assets/uPlot.iife.min.js": "uPlot",
      "docs": "swagger-ui",
      "docs/swagger-ui-bundle.js": "SwaggerUIBundle",
    };
    for (const [path, text] of Object.entries(expected)) {
      const response = await fetch(base + path);
      const body = await response.text();
      assertEquals(response.status, 200, `GET /${path}`);
      assertStringIncludes(body.slice(0, 200_000), text, `GET /${path}`);
    }
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await reading;
  }
}

Deno.test("compile: the bundle of each service and of the launcher runs on its own", async () => {
  assertEquals(targets.map((t) => t.name).join(" "), "broker producer processor sinks api dev");
  const outDir = await Deno.makeTempDir({ prefix: "iot-bundle-" });
  try {
    const build = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${root}scripts/compile.ts`, "--bundle", outDir],
      stderr: "piped",
    }).output();
    const log = new TextDecoder().decode(build.stderr);
    assert(build.success, log);
    console.log(log.trim());
    for (const target of targets) {
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
    const api = targets.find((t) => t.name === "api")!;
    await apiBundleServesAssets(`${outDir}/iot-api.js`, api.permissions);
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
