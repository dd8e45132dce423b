/**
 * Client properties files, the `key=value` format of Kafka's `client.properties` and
 * `--command-config`, for settings such as `security.protocol`, `sasl.mechanisms`,
 * `sasl.username`, `sasl.password` and `ssl.ca.location` (librdkafka names). Keeping them in a
 * file keeps secrets out of flags, environment dumps and logs.
 *
 * @module
 */
import type { KafkaConfig } from "./config.ts";

/**
 * Parses `key=value` lines (blank lines and lines starting with `#` or `!` are skipped; spaces
 * around keys and values are trimmed). Throws `TypeError` naming `source` and the line for a
 * line without `=`.
 *
 * @example
 * ```ts
 * import { parseClientProperties } from "./properties.ts";
 * parseClientProperties("security.protocol=SASL_SSL\nsasl.mechanisms=SCRAM-SHA-512\n");
 * // { "security.protocol": "SASL_SSL", "sasl.mechanisms": "SCRAM-SHA-512" }
 * ```
 */
export function parseClientProperties(text: string, source = "properties"): KafkaConfig {
  const out: KafkaConfig = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("!")) return;
    const eq = line.indexOf("=");
    if (eq <= 0) throw new TypeError(`${source}:${i + 1}: expected key=value`);
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  });
  return out;
}

/**
 * Reads and parses a client properties file; `{}` when `path` is undefined. Throws `TypeError`
 * naming the file when it cannot be read or parsed (the text is never echoed: it holds secrets).
 */
export function loadClientProperties(
  path: string | undefined,
  readFile: (path: string) => string = (p) => Deno.readTextFileSync(p),
): KafkaConfig {
  if (path === undefined) return {};
  let text: string;
  try {
    text = readFile(path);
  } catch (e) {
    throw new TypeError(`cannot read ${path}: ${(e as Error).message}`);
  }
  return parseClientProperties(text, path);
}
