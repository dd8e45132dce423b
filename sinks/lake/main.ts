/**
 * Lake maintenance: `deno task lake:compact --lake-dir DIR` rewrites each partition's small files
 * as one; `deno task lake:vacuum --lake-dir DIR [--retention-hours 168] [--dry-run]` deletes files
 * no version within the retention needs. Both act on every table of the lake (or `--table`).
 * Options: flags > `LAKE_*` env > `--config` file > defaults; `--help` lists them.
 *
 * @module
 */
import { join } from "node:path";
import {
  booleanOption,
  defineCli,
  enumOption,
  integerOption,
  listOption,
  parseCli,
  stringOption,
  UsageError,
} from "@iot/service";
import { lakeTables } from "./columns.ts";
import { LakeTable } from "./table.ts";
import { compactTable, vacuumTable } from "./vacuum.ts";

const tableNames = lakeTables.map((t) => t.name);

/** The maintenance command line. */
export const lakeCli = defineCli({
  name: "lake",
  usage: "deno task lake:compact|lake:vacuum --lake-dir DIR [flags]",
  summary: "Compacts small files of the lake's Delta tables, or vacuums files no version needs.",
  prefix: "LAKE",
  options: {
    action: enumOption(["compact", "vacuum"] as const, { doc: "what to do", required: true }),
    lakeDir: stringOption({
      doc: "the lake directory (the sinks' --lake-dir)",
      value: "DIR",
      required: true,
    }),
    tables: listOption(tableNames, { doc: "tables to maintain", defaultText: "all" }),
    retentionHours: integerOption({
      doc: "vacuum: keep unreferenced files younger than this",
      default: 168,
      min: 0,
      value: "H",
    }),
    dryRun: booleanOption({
      doc: "vacuum: list what would be deleted, delete nothing",
      default: false,
    }),
    smallFileMb: integerOption({
      doc: "compact: files smaller than this are merged per partition",
      default: 32,
      min: 1,
      value: "MB",
    }),
  },
});

/** Runs the maintenance with `args`; returns the exit code (2: a bad flag). */
async function main(args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCli(lakeCli, { args, env: Deno.env.toObject() });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`lake: ${e.message} (see --help)`);
    return 2;
  }
  if (parsed.help) {
    console.log(parsed.text.trimEnd());
    return 0;
  }
  const o = parsed.values;
  for (const def of lakeTables.filter((t) => (o.tables ?? tableNames).includes(t.name))) {
    const root = join(o.lakeDir, def.name);
    try {
      await Deno.stat(join(root, "_delta_log"));
    } catch {
      console.error(`lake: ${def.name}: no table at ${root} (skipped)`);
      continue;
    }
    if (o.action === "compact") {
      const r = await compactTable(new LakeTable(root, def), {
        smallFileBytes: o.smallFileMb << 20,
      });
      console.log(JSON.stringify({ table: def.name, ...r }));
    } else {
      const r = await vacuumTable(root, {
        retentionMs: o.retentionHours * 3_600_000,
        dryRun: o.dryRun,
      });
      console.log(JSON.stringify({
        table: def.name,
        dryRun: o.dryRun,
        deleted: r.deleted.length,
        kept: r.kept.length,
        files: r.deleted,
      }));
    }
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
