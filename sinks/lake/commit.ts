/**
 * Atomic commits of the Delta log on a local filesystem: the commit is written whole to a temp
 * file and synced, then published by a hard link to the next version's name, which fails when
 * that version exists (put-if-absent). A reader therefore sees a version completely or not at
 * all, and two writers can never both create one version: the loser re-reads the log, checks
 * that the winner's commit does not conflict with its own, and retries at the next version.
 *
 * @module
 */
import { join } from "node:path";
import {
  type Action,
  commitName,
  logDir,
  renderCommit,
  type Snapshot,
  updateSnapshot,
} from "./delta_log.ts";

/** Another writer committed something this commit cannot be retried over. */
export class CommitConflictError extends Error {
  /** Creates the error; `message` says what the other writer committed. */
  constructor(message: string) {
    super(message);
    this.name = "CommitConflictError";
  }
}

/** Test seam: called at each step of a commit, so a test can kill the process right there. */
export type CommitStage = "data-partial" | "data-written" | "log-temp-written" | "committed";

/** Options of {@linkcode commitActions}. */
export interface CommitOptions {
  /**
   * Called after other writers' commits were applied to the snapshot, before retrying; throws
   * {@linkcode CommitConflictError} when they conflict with this commit. Default: never.
   */
  readonly check?: (snapshot: Snapshot) => void;
  /** Gives up after this many lost races. Default: 20. */
  readonly maxAttempts?: number;
  /** Test seam, see {@linkcode CommitStage}. */
  readonly onStage?: (stage: CommitStage) => void | Promise<void>;
}

/** Writes `bytes` to `path` (which must not exist) and syncs it to disk. */
export async function writeSynced(path: string, bytes: Uint8Array): Promise<void> {
  using file = await Deno.open(path, { write: true, createNew: true });
  let done = 0;
  while (done < bytes.length) done += await file.write(bytes.subarray(done));
  await file.syncData();
}

/**
 * Commits `actions` as the version after `snapshot` (brought up to date first when others
 * committed meanwhile) and applies nothing: the caller applies its actions on success.
 *
 * @returns the version committed.
 * @throws {CommitConflictError} when `check` rejects a concurrent commit or attempts run out.
 */
export async function commitActions(
  root: string,
  snapshot: Snapshot,
  actions: readonly Action[],
  options: CommitOptions = {},
): Promise<number> {
  const dir = logDir(root);
  await Deno.mkdir(dir, { recursive: true });
  const temp = join(dir, `.tmp-${crypto.randomUUID()}.json`);
  await writeSynced(temp, new TextEncoder().encode(renderCommit(actions)));
  await options.onStage?.("log-temp-written");
  try {
    for (let attempt = 0; attempt < (options.maxAttempts ?? 20); attempt++) {
      const version = snapshot.version + 1;
      try {
        await Deno.link(temp, join(dir, commitName(version)));
        await syncDir(dir);
        await options.onStage?.("committed");
        return version;
      } catch (e) {
        if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      }
      // Lost the race for `version`: see what the winner did.
      await updateSnapshot(root, snapshot);
      options.check?.(snapshot);
    }
    throw new CommitConflictError(`gave up after ${options.maxAttempts ?? 20} concurrent commits`);
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
}

/** Makes a new directory entry durable (a crash after this keeps the commit). */
async function syncDir(dir: string): Promise<void> {
  try {
    using handle = await Deno.open(dir, { read: true });
    await handle.sync();
  } catch {
    // Some platforms cannot open or sync a directory; the link itself is still atomic.
  }
}
