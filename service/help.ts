/**
 * The `--help` text of an executable, generated from its option table.
 *
 * @module
 */
import { type CliSpec, envOf, flagOf, type Option } from "./options.ts";

const LEFT = 32;
const WIDTH = 100;

function showDefault(o: Option): string | undefined {
  if (o.defaultText !== undefined) return o.defaultText;
  const d = o.default;
  if (d === undefined) return undefined;
  if (Array.isArray(d)) return d.length > 0 ? d.join(",") : undefined;
  if (typeof d === "object" && d !== null) {
    const pairs = Object.entries(d).map(([k, v]) => `${k}=${v}`);
    return pairs.length > 0 ? pairs.join(",") : undefined;
  }
  return String(d);
}

/** Wraps words into lines no wider than `width`. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(" ")) {
    if (current !== "" && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current === "" ? word : `${current} ${word}`;
  }
  return [...lines, current];
}

/** `left` padded to the doc column, then the doc and the note, wrapped at {@linkcode WIDTH}. */
function line(left: string, doc: string, note: string): string[] {
  const out = left.length < LEFT ? [] : [left];
  const first = left.length < LEFT ? left.padEnd(LEFT) : " ".repeat(LEFT);
  const body = wrap(doc, WIDTH - LEFT);
  const last = body.length - 1;
  const indent = " ".repeat(LEFT + 2);
  if (note !== "" && body[last].length + 2 + note.length <= WIDTH - LEFT) {
    body[last] = `${body[last]}  ${note}`;
    note = "";
  }
  out.push(`${first}${body[0]}`, ...body.slice(1).map((b) => `${" ".repeat(LEFT)}${b}`));
  if (note !== "") out.push(...wrap(note, WIDTH - LEFT - 2).map((n) => `${indent}${n}`));
  return out;
}

/**
 * Renders `--help`: usage, summary, then one line per option (flag and value name, doc, and in
 * brackets the environment variable and the default), grouped under the options' headings.
 */
export function helpText(spec: CliSpec): string {
  const out = [`Usage: ${spec.usage}`, "", spec.summary.trimEnd(), ""];
  if (spec.positionals?.length) {
    out.push("Arguments:");
    for (const p of spec.positionals) {
      out.push(...line(`  ${p.name}`, p.doc, p.required === false ? "[optional]" : ""));
    }
    out.push("");
  }
  const config = spec.configFile === false ? "" : ", then --config FILE";
  out.push(
    `Flags (each also an environment variable; flags win, then the environment${config}):`,
  );
  let group: string | undefined;
  for (const [key, o] of Object.entries(spec.options)) {
    if (o.group !== undefined && o.group !== group) {
      group = o.group;
      out.push("", `${group}:`);
    }
    const env = envOf(spec.prefix, key, o);
    const shown = showDefault(o);
    const notes = [
      env,
      o.required ? "required" : shown === undefined ? null : `default ${shown}`,
      o.kind === "map" || o.kind === "repeatable" ? "repeatable" : null,
    ].filter((n) => n !== null);
    const left = `  --${flagOf(key, o)}${o.kind === "boolean" ? " [true|false]" : ` ${o.value}`}`;
    const listed = o.kind === "enum" && o.value === o.values?.join("|");
    const allowed = o.values && !listed ? `: ${o.values.join(", ")}` : "";
    out.push(
      ...line(
        left,
        `${o.doc}${allowed}`,
        notes.length ? `[${notes.join(", ")}]` : "",
      ),
    );
  }
  out.push("");
  if (spec.configFile !== false) {
    out.push(
      ...line(
        "  --config FILE",
        "JSON settings; keys are the flags in camelCase (--data-dir: dataDir)",
        `[${spec.prefix}_CONFIG]`,
      ),
    );
  }
  out.push(...line("  --help, -h", "this text", ""));
  if (spec.epilog) out.push("", spec.epilog.trimEnd());
  return out.join("\n") + "\n";
}
