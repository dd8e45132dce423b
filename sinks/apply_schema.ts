/**
 * `deno task sinks:schema`: creates the sinks' tables, collections and indexes (idempotent), as
 * the seed's `setup_cassandra.sh` did, or rewrites the schema files.
 *
 * ```sh
 * deno task sinks:schema --cassandra 127.0.0.1:9042 [--keyspace iot_data] [--local-dc datacenter1]
 * deno task sinks:schema --mongo mongodb://127.0.0.1:27017/ [--mongo-database iot]
 * deno task sinks:schema --sqlite ./data/iot.db
 * deno task sinks:schema --write-files      # regenerate sinks/schema/* from the definitions
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { CassandraWriter } from "./cassandra_writer.ts";
import { MongoWriter } from "./mongo_writer.ts";
import { renderSchemaFiles } from "./schema_files.ts";
import { SqliteWriter } from "./sqlite_writer.ts";
import type { SinkWriter } from "./writer.ts";

const USAGE =
  "usage: deno task sinks:schema [--sqlite PATH] [--mongo URL [--mongo-database NAME]] " +
  "[--cassandra HOST:PORT[,HOST:PORT] [--keyspace NAME] [--local-dc NAME]] [--write-files]";

/** Applies the schema to every store named in `args`; returns what it did, one line each. */
export async function applySchema(args: string[]): Promise<string[]> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      "sqlite": { type: "string" },
      "mongo": { type: "string" },
      "mongo-database": { type: "string", default: "iot" },
      "cassandra": { type: "string" },
      "keyspace": { type: "string", default: "iot_data" },
      "local-dc": { type: "string", default: "datacenter1" },
      "write-files": { type: "boolean", default: false },
    },
  });
  const done: string[] = [];
  if (values["write-files"]) {
    for (const [name, text] of Object.entries(renderSchemaFiles())) {
      await Deno.writeTextFile(new URL(`./schema/${name}`, import.meta.url), text);
      done.push(`wrote sinks/schema/${name}`);
    }
  }
  const writers: Array<[string, SinkWriter]> = [];
  if (values.sqlite) writers.push([values.sqlite, new SqliteWriter({ path: values.sqlite })]);
  if (values.mongo) {
    const database = values["mongo-database"];
    writers.push([`${database} on MongoDB`, new MongoWriter({ url: values.mongo, database })]);
  }
  if (values.cassandra) {
    const writer = new CassandraWriter({
      contactPoints: values.cassandra.split(","),
      keyspace: values.keyspace,
      localDataCenter: values["local-dc"],
    });
    writers.push([`keyspace ${values.keyspace} on ${values.cassandra}`, writer]);
  }
  if (done.length === 0 && writers.length === 0) throw new TypeError(USAGE);
  for (const [where, writer] of writers) {
    try {
      await writer.ensureSchema();
      done.push(`schema applied: ${writer.store} (${where})`);
    } finally {
      await writer.close();
    }
  }
  return done;
}

if (import.meta.main) {
  try {
    for (const line of await applySchema(Deno.args)) console.log(line);
  } catch (e) {
    console.error(`sinks:schema: ${e instanceof Error ? e.message : String(e)}`);
    Deno.exitCode = 1;
  }
}
