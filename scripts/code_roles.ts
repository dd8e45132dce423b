/**
 * What role a file plays, from its repo-relative path alone; shared by the import-graph check
 * (`scripts/check_deps.ts`) and the Deno API lint rules (`scripts/lint_plugin.ts`) so both
 * agree on what is test code, an entry point or a server module.
 *
 * @module
 */

/** Workspace members the rules know by name, including planned ones. */
export const KNOWN_MEMBERS: readonly string[] = [
  "kafka",
  "events",
  "testing",
  "service",
  "broker",
  "producer",
  "processor",
  "sinks",
  "api",
  "dev",
];

/** Apps: deployable programs that never import each other. */
export const APPS: ReadonlySet<string> = new Set(["producer", "processor", "sinks", "api"]);

const TEST_SUFFIX = /_(test|integration_test|bench|test_util)\.tsx?$/;

/**
 * Test code: `*_test.ts`, `*_integration_test.ts`, `*_bench.ts`, `*_test_util.ts` (helpers used
 * only by tests), everything in the `testing/` member, and `testdata/` folders (fixtures and the
 * scripts that record them). Test code may read the environment, exit and listen; product code
 * may not import it.
 */
export function isTestCode(path: string): boolean {
  return TEST_SUFFIX.test(path) || path.startsWith("testing/") || path.startsWith("testdata/") ||
    path.includes("/testdata/");
}

/**
 * Files that may read `Deno.env` and call `Deno.exit` (and `process.env`/`process.exit`):
 * program entry points, i.e. files named `main.ts` and the tools under `scripts/`, plus test code.
 * Everything else is a library and gets its configuration passed in.
 */
export function mayReadEnvAndExit(path: string): boolean {
  return baseName(path) === "main.ts" || path.startsWith("scripts/") || isTestCode(path);
}

/**
 * Server modules, the only product files that open listening sockets: files under a `server/`
 * folder or named `*server.ts` (e.g. `service/http_server.ts`).
 */
export function isServerModule(path: string): boolean {
  return path.split("/").slice(0, -1).includes("server") || baseName(path).endsWith("server.ts");
}

/** The FFI layer, the only place that may call `Deno.dlopen`. */
export function isFfiModule(path: string): boolean {
  return path.startsWith("kafka/native/");
}

/** The processor's pure core: no Kafka, no `Deno.*` (its tests may use both). */
export function isProcessorCore(path: string): boolean {
  return path.startsWith("processor/core/");
}

/** The member a repo-relative path belongs to, or null outside members (e.g. `scripts/`). */
export function memberOf(path: string, members: ReadonlySet<string>): string | null {
  const slash = path.indexOf("/");
  if (slash < 0) return null;
  const first = path.slice(0, slash);
  return members.has(first) ? first : null;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
