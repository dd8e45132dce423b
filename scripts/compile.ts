/**
 * `deno task compile`: one standalone executable per service, `dist/iot-<name>`, with
 * `deno compile` (the runtime `denort` is fetched by deno from dl.deno.land on first use).
 * `--bundle DIR` instead writes `DIR/iot-<name>.js` with `deno bundle`: the same module graph in
 * one file, runnable with `deno run --cached-only --no-config`, which is what can be proven on a
 * machine without `denort` (scripts/compile_integration_test.ts).
 *
 * Usage: deno task compile [--bundle DIR] [--target TRIPLE] [NAME...]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { brokerV8Flags } from "@iot/broker";

/** One executable to build. */
export interface CompileTarget {
  /** Service name: the executable is `iot-<name>`. */
  name: string;
  /** Repo-relative entry point. */
  main: string;
  /** Permissions granted to the executable (it cannot ask at run time). */
  permissions: readonly string[];
  /**
   * Repo-relative files or folders embedded for the program to read at run time. Assets imported
   * `with { type: "text" }` (the API's dashboard, uPlot, Swagger UI) are part of the module graph
   * and embedded without it; listed here they also stay readable as files.
   */
  include: readonly string[];
  /** V8 flags baked into the executable (`deno compile --v8-flags`). */
  v8Flags?: readonly string[];
}

// Every service talks to Kafka through librdkafka over FFI, and reads its env and config files.
const service = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-ffi",
  "--allow-sys",
];

/** The executables, in build order. */
export const targets: readonly CompileTarget[] = [
  // Small young-generation semi-spaces keep the broker's memory low (broker/v8_flags.ts).
  {
    name: "broker",
    main: "broker/main.ts",
    permissions: service,
    include: [],
    v8Flags: brokerV8Flags,
  },
  { name: "producer", main: "producer/main.ts", permissions: service, include: [] },
  { name: "processor", main: "processor/main.ts", permissions: service, include: [] },
  // The schema files the sinks apply at start.
  { name: "sinks", main: "sinks/main.ts", permissions: service, include: ["sinks/schema"] },
  // The dashboard's static files.
  { name: "api", main: "api/main.ts", permissions: service, include: ["api/dashboard"] },
  // The launcher starts the other executables next to it.
  { name: "dev", main: "dev/main.ts", permissions: [...service, "--allow-run"], include: [] },
];

/** The `deno` arguments that build `target` (compile, or bundle into `outDir`). */
export function buildArgs(
  target: CompileTarget,
  mode: { bundle: boolean; outDir: string; targetTriple?: string },
  exists: (path: string) => boolean,
): string[] {
  if (mode.bundle) {
    return ["bundle", "--quiet", "-o", `${mode.outDir}/iot-${target.name}.js`, target.main];
  }
  const args = ["compile", "--quiet", ...target.permissions];
  if (target.v8Flags?.length) args.push(`--v8-flags=${target.v8Flags.join(",")}`);
  for (const path of target.include) if (exists(path)) args.push("--include", path);
  if (mode.targetTriple) args.push("--target", mode.targetTriple);
  args.push("--output", `${mode.outDir}/iot-${target.name}`, target.main);
  return args;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { bundle: { type: "string" }, target: { type: "string" } },
  });
  Deno.chdir(new URL("..", import.meta.url).pathname);
  const unknown = positionals.filter((n) => !targets.some((t) => t.name === n));
  if (unknown.length > 0) {
    console.error(`compile: unknown service ${unknown.join(", ")} (${targets.map((t) => t.name)})`);
    return 2;
  }
  const bundle = values.bundle !== undefined;
  const outDir = values.bundle ?? "dist";
  await Deno.mkdir(outDir, { recursive: true });
  let failed = 0;
  for (const target of targets) {
    if (positionals.length > 0 && !positionals.includes(target.name)) continue;
    if (!exists(target.main)) {
      console.error(`compile: ${target.name} skipped: ${target.main} does not exist`);
      continue;
    }
    const mode = { bundle, outDir, ...(values.target ? { targetTriple: values.target } : {}) };
    const output = await new Deno.Command(Deno.execPath(), {
      args: buildArgs(target, mode, exists),
      stdout: "inherit",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const file = `${outDir}/iot-${target.name}${bundle ? ".js" : ""}`;
    if (output.success) {
      const mb = (Deno.statSync(file).size / 1e6).toFixed(1);
      console.error(`compile: ${file} (${mb} MB)`);
    } else {
      failed++;
      // deno prints a backtrace; the first error line says what failed.
      const why = new TextDecoder().decode(output.stderr).split("\n")
        .find((l) => l.startsWith("error")) ?? "failed";
      // deno says no more when it cannot fetch its runtime (dl.deno.land unreachable).
      const hint = why.includes("Writing deno compile executable")
        ? " (deno compile needs its denort runtime from dl.deno.land, or DENORT_BIN set to one)"
        : "";
      console.error(`compile: ${target.name}: ${why}${hint}`);
    }
  }
  return failed > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
