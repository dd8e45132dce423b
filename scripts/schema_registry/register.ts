/**
 * `deno task schemas:register --url URL`: registers the `@iot/events` schemas as JSON Schema
 * under `<topic>-value` in a Schema Registry (the broker's `--schema-registry-port`, or
 * Confluent's), so producers using Confluent's serializers find them. Prints one line per
 * subject with its id and version; re-running is harmless (same schema, same id). A schema the
 * registry refuses (incompatible with what is there) is one line with the registry's message,
 * and the exit code is 1.
 *
 * @module
 */
import { defineCli, stringOption } from "@iot/service";
import { parseBenchArgs } from "../bench/flink_flags.ts";
import { eventSubjects } from "./event_schemas.ts";

const cli = defineCli({
  name: "schemas:register",
  usage: "deno task schemas:register --url URL",
  summary: "Register the @iot/events JSON Schemas under <topic>-value subjects.",
  prefix: "SCHEMAS",
  configFile: false,
  options: {
    url: stringOption({ doc: "Schema Registry base URL", value: "URL", required: true }),
  },
});

/** The outcome of one subject's registration. */
export interface Registration {
  /** The subject. */
  subject: string;
  /** Its global schema id, when registered. */
  id?: number;
  /** Its version in the subject, when registered. */
  version?: number;
  /** The registry's error message, when refused. */
  error?: string;
}

const CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

/** Registers every event subject at `url`; refusals are reported, not thrown. */
export async function registerEventSchemas(url: string): Promise<Registration[]> {
  const base = url.replace(/\/+$/, "");
  const out: Registration[] = [];
  for (const { subject, schema } of eventSubjects()) {
    const path = `${base}/subjects/${encodeURIComponent(subject)}`;
    const body = JSON.stringify({ schemaType: "JSON", schema });
    const headers = { "content-type": CONTENT_TYPE };
    const res = await fetch(`${path}/versions`, { method: "POST", body, headers });
    const answer = await res.json();
    if (!res.ok) {
      out.push({ subject, error: `${answer.error_code}: ${answer.message}` });
      continue;
    }
    // The registration answers only the id; a lookup gives the version it is.
    const found = await (await fetch(path, { method: "POST", body, headers })).json();
    out.push({ subject, id: answer.id, version: found.version });
  }
  return out;
}

async function main(): Promise<number> {
  const { url } = parseBenchArgs(cli);
  let results: Registration[];
  try {
    results = await registerEventSchemas(url);
  } catch (e) {
    console.error(`schemas:register: cannot reach ${url}: ${(e as Error).message}`);
    return 1;
  }
  for (const r of results) {
    console.log(
      r.error
        ? `${r.subject}: refused: ${r.error}`
        : `${r.subject}: id ${r.id}, version ${r.version}`,
    );
  }
  return results.some((r) => r.error) ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
