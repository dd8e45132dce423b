/**
 * Dependency-direction check for the workspace (part of `deno task ok`), over the import graph
 * that `deno info --json` resolves (the same resolution `deno check` and `deno run` use, so
 * import maps, workspace names and `import type` are all seen as Deno sees them).
 *
 * Members are top-level folders with a deno.json. Rules:
 * - a relative import never leaves its member folder, and files outside members never reach
 *   into one by relative path (use `@iot/<member>`);
 * - `kafka` and `service` import no other member, `broker` only `service` (their test code may
 *   also use `@iot/testing`); only `broker`, the apps and the `dev` launcher import `service`;
 * - `@iot/testing` (and anything resolving into `testing/`, e.g. `@std/assert`) is imported only
 *   by test code and `scripts/`; product code never imports test code (`*_test_util.ts`...);
 * - apps (`producer`, `processor`, `sinks`, `api`) never import each other;
 * - `processor/core/` imports neither `@iot/kafka` nor `@iot/service`;
 * - every import resolves.
 * Rules on the code itself (`Deno.env`, `Deno.exit`, `Deno.dlopen`, listening sockets, `Deno.*`
 * in processor/core) are lint rules: `scripts/lint_plugin.ts`, run by `deno lint`.
 *
 * Usage: `deno run --allow-read --allow-run=deno scripts/check_deps.ts` prints
 * `file:line: message` per violation and exits 1, or prints a one-line summary and exits 0.
 *
 * @module
 */
import { APPS, isProcessorCore, isTestCode, KNOWN_MEMBERS, memberOf } from "./code_roles.ts";

export { KNOWN_MEMBERS };

/** The part of `deno info --json` output the rules read. */
export interface ModuleGraph {
  /** Every module reached from the roots. */
  modules: readonly GraphModule[];
}

/** One module of a {@linkcode ModuleGraph}. */
export interface GraphModule {
  /** Resolved URL, e.g. `file:///repo/kafka/mod.ts`, `npm:/zod@4.6.7` or `node:util`. */
  specifier: string;
  /** Why the module could not be loaded (e.g. the file does not exist). */
  error?: string;
  /** Its imports and re-exports, static and literal dynamic ones. */
  dependencies?: readonly GraphDependency[];
}

/** One import of a module: the specifier as written and what it resolved to. */
export interface GraphDependency {
  /** As written in the source, e.g. `@iot/kafka` or `../mod.ts`. */
  specifier: string;
  /** Resolution of a value import. */
  code?: ResolvedImport;
  /** Resolution of a type-only import (`import type`). */
  type?: ResolvedImport;
}

/** Where an import resolved to and where it is written. */
export interface ResolvedImport {
  /** The resolved URL; absent when resolution failed. */
  specifier?: string;
  /** Why resolution failed. */
  error?: string;
  /** Where the specifier is written; lines are 0-based. */
  span: { start: { line: number; character: number } };
}

/** One broken rule at one import. */
export interface Violation {
  /** Repo-relative path of the importing file. */
  path: string;
  /** 1-based line of the import. */
  line: number;
  /** What rule was broken and what to do instead. */
  message: string;
}

/** Options of {@linkcode checkGraph}. */
export interface CheckGraphOptions {
  /** The repo root as a `file:` URL ending in `/`; modules outside it are external. */
  root: string;
  /** Member folder names. Default: {@linkcode KNOWN_MEMBERS}. */
  members?: Iterable<string>;
}

/** Members and the members their product code may import (test code may add `testing`). */
const LEAF_DEPS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["kafka", new Set<string>()],
  ["service", new Set<string>()],
  ["broker", new Set(["service"])],
]);
// The dev launcher is an executable too: its command line is an option table like the services'.
const SERVICE_IMPORTERS = new Set(["broker", "dev", ...APPS]);

/**
 * Returns every rule violation in `graph`, sorted by path and line.
 *
 * @example
 * ```ts
 * import { checkGraph } from "./check_deps.ts";
 * const span = { start: { line: 0, character: 7 } };
 * const kafkaMod = {
 *   specifier: "file:///repo/kafka/mod.ts",
 *   dependencies: [{ specifier: "@iot/events", code: { specifier: "file:///repo/events/mod.ts", span } }],
 * };
 * checkGraph({ modules: [kafkaMod] }, { root: "file:///repo/" });
 * // [{ path: "kafka/mod.ts", line: 1, message: "kafka must not import @iot/events (member events)" }]
 * ```
 */
export function checkGraph(graph: ModuleGraph, options: CheckGraphOptions): Violation[] {
  const members = new Set(options.members ?? KNOWN_MEMBERS);
  const failed = new Map<string, string>();
  for (const module of graph.modules) {
    if (module.error !== undefined) failed.set(module.specifier, module.error);
  }
  const repoPath = (url: string) =>
    url.startsWith(options.root) ? decodeURIComponent(url.slice(options.root.length)) : null;
  const violations: Violation[] = [];
  for (const module of graph.modules) {
    const path = repoPath(module.specifier);
    if (path === null) continue; // external, or the synthetic root listing every file
    for (const dep of module.dependencies ?? []) {
      const resolved = dep.code ?? dep.type;
      if (resolved === undefined) continue;
      const report = (message: string) =>
        violations.push({ path, line: resolved.span.start.line + 1, message });
      const error = resolved.error ??
        (resolved.specifier === undefined ? "unresolved" : failed.get(resolved.specifier));
      const target = resolved.specifier === undefined ? null : repoPath(resolved.specifier);
      if (error !== undefined && (target !== null || resolved.specifier === undefined)) {
        report(`cannot resolve "${dep.specifier}": ${firstLine(error)}`);
      } else if (target !== null) {
        for (const message of checkImport(path, dep.specifier, target, members)) report(message);
      }
    }
  }
  // Stable sort: the messages of one import keep the order of the rules.
  return violations.sort((a, b) => a.path === b.path ? a.line - b.line : a.path < b.path ? -1 : 1);
}

/** The rules for one import of `path` (written `specifier`) that resolved to repo file `target`. */
function checkImport(
  path: string,
  specifier: string,
  target: string,
  members: ReadonlySet<string>,
): string[] {
  const own = memberOf(path, members);
  const to = memberOf(target, members);
  const messages: string[] = [];
  if (specifier.startsWith("./") || specifier.startsWith("../")) {
    if (own !== null && to !== own) {
      const hint = to === null ? "" : `; import "@iot/${to}" instead`;
      messages.push(`relative import "${specifier}" leaves member ${own}${hint}`);
    } else if (own === null && to !== null) {
      messages.push(
        `relative import "${specifier}" reaches into member ${to}; import "@iot/${to}"`,
      );
    }
  }
  const test = isTestCode(path);
  if (to !== null && to !== own) {
    const named = `${specifier} (member ${to})`;
    const allowed = own === null ? undefined : LEAF_DEPS.get(own);
    if (allowed !== undefined && !allowed.has(to) && !(to === "testing" && test)) {
      const only = allowed.size === 0 ? "" : ` (only @iot/${[...allowed].join(", @iot/")})`;
      messages.push(`${own} must not import ${named}${only}`);
    }
    if (to === "service" && own !== null && !SERVICE_IMPORTERS.has(own)) {
      messages.push(
        `only broker, apps and dev may import @iot/service (${own} imports ${specifier})`,
      );
    }
    if (own !== null && APPS.has(own) && APPS.has(to)) {
      messages.push(`app ${own} must not import app ${to}`);
    }
    if (isProcessorCore(path) && (to === "kafka" || to === "service")) {
      messages.push(`processor/core must not import @iot/${to} (the runtime loop does I/O)`);
    }
  }
  if (!test && !path.startsWith("scripts/") && isTestCode(target)) {
    messages.push(
      to === "testing"
        ? `${specifier} (test code) may only be imported from test code and scripts/`
        : `product code must not import test code (${target})`,
    );
  }
  return messages;
}

function firstLine(text: string): string {
  const end = text.indexOf("\n");
  return end < 0 ? text : text.slice(0, end);
}

const SKIP_DIRS = new Set(["node_modules", "data", "dist", "coverage"]);

/** The repo's `.ts` files (repo-relative) and its member folders (those with a deno.json). */
export async function listRepo(root: string): Promise<{ files: string[]; members: string[] }> {
  const files: string[] = [];
  const members: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(dir ? `${root}/${dir}` : root)) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory && !SKIP_DIRS.has(entry.name) && !entry.name.startsWith(".")) {
        await walk(path);
      } else if (entry.isFile && /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
        files.push(path);
      } else if (entry.isFile && entry.name === "deno.json" && dir && !dir.includes("/")) {
        members.push(dir);
      }
    }
  };
  await walk("");
  return { files: files.sort(), members: members.sort() };
}

/** Longest data: URL handed to one `deno info` (Linux caps one argument at 128 KiB). */
const MAX_ROOT_URL = 96 * 1024;

/**
 * Resolves the import graph of `files` (repo-relative) with `deno info --json`, run in `root`
 * so the workspace's deno.json applies. `deno info` takes one root module, so each batch of
 * files becomes one `data:` module importing them all; npm and remote modules are not loaded
 * (they are external to every rule), which keeps it offline and fast.
 */
export async function readGraph(root: string, files: readonly string[]): Promise<ModuleGraph> {
  const rootUrl = new URL(`file://${root}/`).href;
  const batches: string[] = [];
  let source = "";
  for (const file of files) {
    const line = `import ${JSON.stringify(new URL(file, rootUrl).href)};\n`;
    if (source.length + line.length > MAX_ROOT_URL / 2 && source) {
      batches.push(source);
      source = "";
    }
    source += line;
  }
  if (source) batches.push(source);
  const graphs = await Promise.all(batches.map((batch) => denoInfo(root, batch)));
  const modules = new Map<string, GraphModule>();
  for (const graph of graphs) for (const m of graph.modules) modules.set(m.specifier, m);
  return { modules: [...modules.values()] };
}

async function denoInfo(root: string, source: string): Promise<ModuleGraph> {
  const url = `data:application/typescript,${encodeURIComponent(source)}`;
  const { code, stdout, stderr } = await new Deno.Command("deno", {
    args: ["info", "--json", "--no-npm", "--no-remote", "--no-lock", url],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    const why = new TextDecoder().decode(stderr).trim();
    throw new Error(`deno info failed (exit ${code}): ${firstLine(why)}`);
  }
  return JSON.parse(new TextDecoder().decode(stdout)) as ModuleGraph;
}

if (import.meta.main) {
  const started = performance.now();
  const root = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
  const { files, members } = await listRepo(root);
  const graph = await readGraph(root, files);
  const violations = checkGraph(graph, {
    root: new URL(`file://${root}/`).href,
    members: [...KNOWN_MEMBERS, ...members],
  });
  for (const v of violations) console.log(`${v.path}:${v.line}: ${v.message}`);
  const ms = Math.round(performance.now() - started);
  if (violations.length > 0) {
    console.log(
      `check_deps: ${violations.length} violation(s) in ${files.length} files (${ms} ms)`,
    );
    Deno.exit(1);
  }
  console.log(
    `check_deps: ok, ${files.length} files in ${members.length} members ` +
      `(${members.join(", ")}), ${ms} ms`,
  );
}
