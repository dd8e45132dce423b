/**
 * The `--help` text of an executable, generated from its option table.
 *
 * @module
 */
import { type CliSpec, envOf, flagOf, type Option } from "./options.ts";

const LEFT = 30;
const WIDTH = 100;

function showDefault(o: Option): string | undefined {
  if (o.defaultText !== undefined) return o.defaultText;
  const d = o.default;
  if (d === undefined) return undefined;
  if (Array.isArray(d)) return d.join(",");
  if (typeof d === "object" && d !== null) {
    const pairs = Object.entries(d).map(([k, v]) => `${k}=${v}`);
    return pairs.length > 0 ? pairs.join(",") : undefined;
  }
  return String(d);
}

function line(left: string, doc: string, note: string): string[] {
  const head = left.length < LEFT ? left.padEnd(LEFT) : `${left}\n${" ".repeat(LEFT)}`;
  const text = `${head}${doc}`;
  const last = text.slice(text.lastIndexOf("\n") + 1);
  if (note === "") return [text];
  if (last.length + 2 + note.length <= WIDTH) return [`${text}  ${note}`];
  return [text, `${" ".repeat(LEFT + 2)}${note}`];
}

/**
 * Renders `--help`: usage, summary, then one line per option (flag and value name, doc, and in
 * brackets the environment variable and the default), grouped under the options' headings.
 */
export function helpText(spec: CliSpec): string {
  const out = [`Usage: ${spec.usage}`, "", spec.summary.trimEnd(), ""];
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
      o.kind === "map" ? "repeatable" : null,
    ].filter((n) => n !== null);
    const left = `  --${flagOf(key, o)}${o.kind === "boolean" ? "" : ` ${o.value}`}`;
    const allowed = o.values && o.kind !== "enum" ? ` (${o.values.join(", ")})` : "";
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
