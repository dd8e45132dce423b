/**
 * The schema files in `sinks/schema/`, rendered from the one definition of each store
 * (`cassandra_schema.ts`, `sqlite_schema.ts`, `mongo_schema.ts`); a test keeps the files equal
 * to the definitions, and `deno task sinks:schema --write-files` rewrites them.
 *
 * @module
 */
import { cassandraDdl } from "./cassandra_schema.ts";
import { mongoIndexFile } from "./mongo_schema.ts";
import { sqliteDdl } from "./sqlite_schema.ts";

const header = (comment: string, what: string) =>
  `${comment} Generated from sinks/${what}; edit that file, then run\n` +
  `${comment} \`deno task sinks:schema --write-files\`. The writers apply it at start (idempotent).\n\n`;

/** File name (in `sinks/schema/`) to content. */
export function renderSchemaFiles(): Record<string, string> {
  return {
    "cassandra.cql": header("--", "cassandra_schema.ts") + cassandraDdl().join("\n\n") + "\n",
    "sqlite.sql": header("--", "sqlite_schema.ts") + sqliteDdl().join("\n\n") + "\n",
    "mongo_indexes.json": JSON.stringify(mongoIndexFile(), null, 2) + "\n",
  };
}
