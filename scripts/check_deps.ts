/**
 * Dependency-direction check for the workspace (part of `deno task ok`).
 *
 * Members are top-level folders with a deno.json. Rules:
 * - a relative import never leaves its member folder, and files outside members never reach
 *   into one by relative path (use `@iot/<member>`);
 * - `kafka` and `broker` import no other member (test and bench files may use `@iot/testing`);
 * - `@iot/testing` is imported only by `*_test.ts`, bench files and `scripts/`;
 * - apps (`producer`, `processor`, `sinks`, `api`) never import each other;
 * - `processor/core/` imports nothing from `kafka` and calls no `Deno.*` (its tests may).
 *
 * Usage: `deno run --allow-read scripts/check_deps.ts` prints `file:line: message` per
 * violation and exits 1, or prints a one-line summary and exits 0.
 *
 * @module
 */

/** A source file, `path` relative to the repo root with `/` separators. */
export interface SourceFile {
  /** Repo-relative path, e.g. `kafka/producer.ts`. */
  path: string;
  /** The file's text. */
  text: string;
}

/** One broken rule at one import (or `Deno.` use). */
export interface Violation {
  /** Repo-relative path of the importing file. */
  path: string;
  /** 1-based line of the specifier. */
  line: number;
  /** What rule was broken and what to do instead. */
  message: string;
}

/** An import or re-export specifier found in a file. */
export interface ImportRef {
  /** The module specifier as written. */
  specifier: string;
  /** 1-based line of the specifier. */
  line: number;
}

/** Members the rules know by name; used when `checkImports` is given no member list. */
export const KNOWN_MEMBERS: readonly string[] = [
  "kafka",
  "events",
  "testing",
  "broker",
  "producer",
  "processor",
  "sinks",
  "api",
];
const ISOLATED = new Set(["kafka", "broker"]);
const APPS = new Set(["producer", "processor", "sinks", "api"]);
const PROCESSOR_CORE = "processor/core/";

/**
 * Returns every rule violation in `files`. `members` defaults to {@linkcode KNOWN_MEMBERS}.
 *
 * @example
 * ```ts
 * import { checkImports } from "./check_deps.ts";
 * checkImports([{ path: "kafka/mod.ts", text: 'import "@iot/events";' }]);
 * // [{ path: "kafka/mod.ts", line: 1, message: "kafka must not import other members (@iot/events)" }]
 * ```
 */
export function checkImports(
  files: readonly SourceFile[],
  members: Iterable<string> = KNOWN_MEMBERS,
): Violation[] {
  const memberSet = new Set(members);
  const violations: Violation[] = [];
  for (const file of files) {
    const report = (line: number, message: string) =>
      violations.push({ path: file.path, line, message });
    const masked = maskCode(file.text);
    for (const ref of findImports(file.text, masked)) {
      for (const message of checkImport(file.path, ref.specifier, memberSet)) {
        report(ref.line, message);
      }
    }
    if (file.path.startsWith(PROCESSOR_CORE) && !isTestOrBench(file.path)) {
      for (const match of masked.matchAll(/\bDeno\s*\.\s*[A-Za-z_$]/g)) {
        report(lineAt(masked, match.index), "processor/core must not use Deno.* (pass it in)");
      }
    }
  }
  return violations.sort((a, b) => a.path === b.path ? a.line - b.line : a.path < b.path ? -1 : 1);
}

function checkImport(path: string, specifier: string, members: Set<string>): string[] {
  const own = memberOf(path, members);
  const messages: string[] = [];
  let target: string | null = null;
  if (specifier.startsWith("./") || specifier.startsWith("../")) {
    const resolved = resolveRelative(path, specifier);
    target = resolved === null ? null : memberOf(resolved, members);
    if (own !== null && (resolved === null || !resolved.startsWith(`${own}/`))) {
      const hint = target ? `; import "@iot/${target}" instead` : "";
      messages.push(`relative import "${specifier}" leaves member ${own}${hint}`);
    } else if (own === null && target !== null) {
      messages.push(
        `relative import "${specifier}" reaches into member ${target}; import "@iot/${target}"`,
      );
    }
  } else {
    const match = /^@iot\/([^/]+)/.exec(specifier);
    if (match) target = match[1];
  }
  if (target === null || target === own) return messages;

  const testOrBench = isTestOrBench(path);
  if (own !== null && ISOLATED.has(own) && !(target === "testing" && testOrBench)) {
    messages.push(`${own} must not import other members (@iot/${target})`);
  }
  if (target === "testing" && !testOrBench && !path.startsWith("scripts/")) {
    messages.push("@iot/testing may only be imported from *_test.ts, bench files and scripts/");
  }
  if (own !== null && APPS.has(own) && APPS.has(target)) {
    messages.push(`app ${own} must not import app ${target}`);
  }
  if (path.startsWith(PROCESSOR_CORE) && target === "kafka") {
    messages.push("processor/core must not import @iot/kafka (the runtime loop does I/O)");
  }
  return messages;
}

function memberOf(path: string, members: Set<string>): string | null {
  const first = path.split("/")[0];
  return path.includes("/") && members.has(first) ? first : null;
}

function isTestOrBench(path: string): boolean {
  return /_(test|bench)\.tsx?$/.test(path) || path.split("/").slice(0, -1).includes("bench");
}

/** Resolves `specifier` against `from`'s folder; null when it escapes the repo root. */
function resolveRelative(from: string, specifier: string): string | null {
  const parts = from.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else if (part !== "." && part !== "") {
      parts.push(part);
    }
  }
  return parts.join("/");
}

const IMPORT_PATTERNS: readonly RegExp[] = [
  // import x from "a"; import { x } from "a"; import type { X } from "a"
  /\bimport\s+(?:type\s+)?[\w$*{][^;"'`]*?\bfrom\s*(["'])/g,
  // import "a";
  /\bimport\s*(["'])/g,
  // export * from "a"; export { x } from "a"; export type { X } from "a"
  /\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\})\s*from\s*(["'])/g,
  // import("a")
  /\bimport\s*\(\s*(["'])/g,
];

/**
 * Finds static imports, re-exports and literal dynamic imports. `masked` is `maskCode(text)`,
 * so look-alikes inside comments and strings are ignored.
 */
export function findImports(text: string, masked: string = maskCode(text)): ImportRef[] {
  const refs = new Map<number, ImportRef>();
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of masked.matchAll(pattern)) {
      const open = match.index + match[0].length - 1;
      const close = text.indexOf(text[open], open + 1);
      if (close < 0) continue;
      refs.set(open, { specifier: text.slice(open + 1, close), line: lineAt(text, open) });
    }
  }
  return [...refs.entries()].sort(([a], [b]) => a - b).map(([, ref]) => ref);
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

// Characters after which a `/` starts a regex literal rather than a division ("" = file start).
const REGEX_AFTER = ["", ..."(,=:[!&|?{};+-*%<>~^"];

/**
 * Returns `text` of the same length and line breaks with comments and template literals blanked
 * and string contents replaced by `x`, so patterns only match real code.
 */
export function maskCode(text: string): string {
  const out = text.split("");
  const blank = (from: number, to: number, fill: string) => {
    for (let i = from; i < to; i++) if (out[i] !== "\n") out[i] = fill;
  };
  let i = 0;
  let prev = ""; // last significant code character, to tell a regex literal from division
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop, " ");
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop, " ");
      i = stop;
    } else if (c === '"' || c === "'") {
      const stop = skipQuoted(text, i, c);
      blank(i + 1, stop - 1, "x");
      i = stop;
      prev = c;
    } else if (c === "`") {
      const stop = skipQuoted(text, i, "`");
      blank(i, stop, " ");
      i = stop;
      prev = "`";
    } else if (
      c === "/" && (REGEX_AFTER.includes(prev) || /\b(return|typeof|case)\s*$/.test(
        text.slice(Math.max(0, i - 8), i),
      ))
    ) {
      const stop = skipRegex(text, i);
      blank(i + 1, stop - 1, "x");
      i = stop;
      prev = "/";
    } else {
      if (!/\s/.test(c)) prev = c;
      i++;
    }
  }
  return out.join("");
}

function skipQuoted(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length && text[i] !== quote) {
    if (text[i] === "\\") i++;
    else if (text[i] === "\n" && quote !== "`") break; // unterminated string
    i++;
  }
  return Math.min(i + 1, text.length);
}

function skipRegex(text: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < text.length && text[i] !== "\n") {
    const c = text[i];
    if (c === "\\") i++;
    else if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    else if (c === "/" && !inClass) return i + 1;
    i++;
  }
  return start + 1; // not a regex after all: treat as division
}

const SKIP_DIRS = new Set([".git", "node_modules", "data", "dist", "testdata", "coverage"]);

/** Reads the repo's `.ts` files and member folders under `root`. */
export async function readRepo(root: string): Promise<{ files: SourceFile[]; members: string[] }> {
  const files: SourceFile[] = [];
  const members: string[] = [];
  for await (const entry of Deno.readDir(root)) {
    if (entry.isDirectory && !SKIP_DIRS.has(entry.name) && !entry.name.startsWith(".")) {
      try {
        if ((await Deno.stat(`${root}/${entry.name}/deno.json`)).isFile) members.push(entry.name);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
    }
  }
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(`${root}/${dir}`)) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory && !SKIP_DIRS.has(entry.name) && !entry.name.startsWith(".")) {
        await walk(path);
      } else if (entry.isFile && /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
        files.push({ path, text: await Deno.readTextFile(`${root}/${path}`) });
      }
    }
  };
  await walk("");
  return { files, members: members.sort() };
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const { files, members } = await readRepo(root);
  const violations = checkImports(files, new Set([...KNOWN_MEMBERS, ...members]));
  for (const v of violations) console.log(`${v.path}:${v.line}: ${v.message}`);
  if (violations.length > 0) {
    console.log(`check_deps: ${violations.length} violation(s) in ${files.length} files`);
    Deno.exit(1);
  }
  console.log(
    `check_deps: ok, ${files.length} files in ${members.length} members (${members.join(", ")})`,
  );
}
