/**
 * Opening a partition log directory: remove crash leftovers, open segments (CRC-checking the
 * last one and cutting a torn tail), and read the persisted log start offset.
 *
 * @module
 */
import { removeIfExists, Segment } from "./segment.ts";
import { CLEANED_SUFFIX } from "./compaction.ts";
import { readTextIfExists, TEMP_SUFFIX, writeFileAtomic } from "./fs_util.ts";

/** File holding the log start offset advanced by retention or DeleteRecords. */
export const START_FILE = "log-start-offset";

/** What opening a log directory found and repaired. */
export interface RecoveryReport {
  /** Bytes cut from the last segment (torn or corrupt tail). */
  truncatedBytes: number;
  /** Leftover temp, `.cleaned` and orphan index files removed. */
  removedFiles: string[];
}

/** Segments and start offset of an opened directory. */
export interface OpenedLogDir {
  /** Segments, oldest first; never empty. */
  segments: Segment[];
  /** The log start offset. */
  logStartOffset: number;
  /** Repairs done. */
  recovery: RecoveryReport;
}

/** Opens (creating) the log directory `dir`. */
export async function openLogDir(dir: string, indexIntervalBytes: number): Promise<OpenedLogDir> {
  await Deno.mkdir(dir, { recursive: true });
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.isFile) names.push(e.name);
  const bases: number[] = [];
  const removedFiles: string[] = [];
  for (const name of names) {
    const m = /^(\d{20})\.log$/.exec(name);
    if (m) bases.push(Number(m[1]));
    else if (name.endsWith(CLEANED_SUFFIX) || name.endsWith(TEMP_SUFFIX)) removedFiles.push(name);
    else if (
      /^\d{20}\.(index|timeindex)$/.test(name) && !names.includes(`${name.slice(0, 20)}.log`)
    ) {
      removedFiles.push(name);
    }
  }
  for (const name of removedFiles) removeIfExists(`${dir}/${name}`);
  bases.sort((a, b) => a - b);
  const checkpoint = Number((await readTextIfExists(`${dir}/${START_FILE}`))?.trim() ?? "0");
  const startBase = Number.isSafeInteger(checkpoint) && checkpoint >= 0 ? checkpoint : 0;
  const segments: Segment[] = [];
  let truncatedBytes = 0;
  for (let i = 0; i < bases.length; i++) {
    const opened = Segment.open(dir, bases[i], indexIntervalBytes, i === bases.length - 1);
    segments.push(opened.segment);
    truncatedBytes += opened.truncatedBytes;
  }
  if (segments.length === 0) segments.push(Segment.create(dir, startBase, indexIntervalBytes));
  const end = segments[segments.length - 1].nextOffset;
  const logStartOffset = Math.max(segments[0].baseOffset, Math.min(startBase, end));
  return { segments, logStartOffset, recovery: { truncatedBytes, removedFiles } };
}

/** Persists the log start offset atomically. */
export async function writeLogStartOffset(dir: string, offset: number): Promise<void> {
  await writeFileAtomic(`${dir}/${START_FILE}`, new TextEncoder().encode(`${offset}\n`));
}
