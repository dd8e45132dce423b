/**
 * Reads a lake table with readers nobody here wrote: delta-rs (Python `deltalake`) and DuckDB's
 * delta extension, through `scripts/lake/read_table.py` in the venv `scripts/lake/venv.sh`
 * installs (idempotent; `scripts/setup.sh` runs it).
 *
 * @module
 */

/** A row as a reader returns it: timestamps as ISO strings with ms, dates as YYYY-MM-DD. */
export type ReaderRow = Record<string, string | number | null>;

/** What delta-rs and DuckDB read from one table. */
export interface ReadersView {
  /** delta-rs: the version, live file count, columns, rows and (when asked) one hour. */
  readonly deltars: {
    version: number;
    files: number;
    columns: string[];
    rows: ReaderRow[];
    hour?: ReaderRow[];
    hourFiles?: number;
  };
  /** DuckDB `delta_scan`: rows and (when asked) one hour and how long it took. */
  readonly duckdb: { rows: ReaderRow[]; hour?: ReaderRow[]; hourMs?: number };
}

const repo = new URL("../../", import.meta.url).pathname;
let python: Promise<string> | null = null;

/** The lake venv's python (installed on first use when missing). */
export function lakePython(): Promise<string> {
  python ??= (async () => {
    const out = await new Deno.Command("bash", {
      args: [`${repo}scripts/lake/venv.sh`],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error("scripts/lake/venv.sh failed");
    return new TextDecoder().decode(out.stdout).trim();
  })();
  return python;
}

/** Reads the table at `root` with both readers; with `hour`, also that one hour's rows. */
export async function readWithReaders(
  root: string,
  hour?: { date: string; hour: number },
): Promise<ReadersView> {
  const args = [`${repo}scripts/lake/read_table.py`, root];
  if (hour) args.push(hour.date, String(hour.hour));
  const out = await new Deno.Command(await lakePython(), { args, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`read_table.py ${root} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout)) as ReadersView;
}
