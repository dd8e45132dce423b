/**
 * An exclusive lock on a data or state directory, so two processes never share one: a lock file
 * `<dir>/.lock` holding the owner's pid, hostname and start time, created atomically (complete or
 * not at all) and held with an OS file lock (`flock`) for the process's life. A lock file whose
 * OS lock is free belongs to a process that is gone (killed, crashed): it is stale and taken over.
 * The OS lock, not the pid, says whether the owner lives, so a reused pid is never mistaken for it.
 *
 * @module
 */
/** Another live process holds the directory; the message is the line to print. */
export class DirLockedError extends Error {
  /** The locked directory. */
  readonly dir: string;
  /** The holder's pid. */
  readonly pid: number;
  /** @param dir the directory; @param owner who holds it. */
  constructor(dir: string, owner: LockOwner, options?: ErrorOptions) {
    super(
      `${dir} is in use by process ${owner.pid} on ${owner.hostname} (since ${owner.startedAt}); ` +
        `stop it or use another directory`,
      options,
    );
    this.name = "DirLockedError";
    this.dir = dir;
    this.pid = owner.pid;
  }
}

/** The content of a lock file. */
export interface LockOwner {
  /** Process id. */
  pid: number;
  /** Host name. */
  hostname: string;
  /** ISO-8601 time the lock was taken. */
  startedAt: string;
}

/** Options of {@linkcode lockDir}. */
export interface DirLockOptions {
  /** Called when a stale lock (its process is gone) is taken over, e.g. to log it. */
  onStale?: (previous: LockOwner) => void;
}

/** A held lock; `release()` (or disposal) removes the lock file; idempotent. */
export interface DirLock extends Disposable {
  /** The lock file's path. */
  readonly path: string;
  /** Removes the lock file and drops the OS lock. */
  release(): void;
}

/** The lock file's name inside the directory. */
export const LOCK_FILE = ".lock";

const unknownOwner: LockOwner = { pid: -1, hostname: "unknown", startedAt: "unknown" };

function parseOwner(text: string): LockOwner {
  try {
    const o = JSON.parse(text);
    return typeof o?.pid === "number" && typeof o?.hostname === "string" ? o : unknownOwner;
  } catch {
    return unknownOwner;
  }
}

function readOwner(file: Deno.FsFile): LockOwner {
  const bytes = new Uint8Array(4096);
  const n = file.readSync(bytes) ?? 0;
  return parseOwner(new TextDecoder().decode(bytes.subarray(0, n)));
}

/**
 * Writes the owner to a private file, locks it, then links it into place: the lock file appears
 * whole and already locked, or not at all. Returns the locked file, or null if one exists.
 */
function tryCreate(dir: string, path: string, owner: LockOwner): Deno.FsFile | null {
  const temp = `${dir}/${LOCK_FILE}.${owner.pid}.${crypto.randomUUID()}`;
  Deno.writeTextFileSync(temp, JSON.stringify(owner) + "\n");
  const file = Deno.openSync(temp, { read: true });
  try {
    file.tryLockSync(true);
    Deno.linkSync(temp, path);
    return file;
  } catch (e) {
    file.close();
    if (e instanceof Deno.errors.AlreadyExists) return null;
    throw e;
  } finally {
    Deno.removeSync(temp);
  }
}

/**
 * Opens the existing lock file; if its OS lock is free (its owner is gone) takes the OS lock and
 * returns the stale owner, so the caller removes the file. Throws if a live process holds it.
 */
function claimStale(dir: string, path: string): { file: Deno.FsFile; previous: LockOwner } | null {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null; // released meanwhile
    throw e;
  }
  const previous = readOwner(file);
  if (!file.tryLockSync(true)) {
    file.close();
    throw new DirLockedError(dir, previous);
  }
  // Still the file at `path`? (Another process may have replaced it meanwhile.)
  try {
    if (file.statSync().ino === Deno.statSync(path).ino) return { file, previous };
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  file.close();
  return null;
}

/**
 * Takes the exclusive lock of `dir` (created if missing). Throws {@linkcode DirLockedError} if a
 * live process (this one included) holds it; takes over a stale one (calls `onStale`).
 *
 * @example
 * ```ts
 * import { lockDir } from "@iot/service";
 * using lock = lockDir(await Deno.makeTempDir());
 * ```
 */
export function lockDir(dir: string, options: DirLockOptions = {}): DirLock {
  Deno.mkdirSync(dir, { recursive: true });
  const path = `${dir}/${LOCK_FILE}`;
  const owner: LockOwner = {
    pid: Deno.pid,
    hostname: Deno.hostname(),
    startedAt: new Date().toISOString(),
  };
  let file: Deno.FsFile | null = null;
  for (let attempt = 0; file === null; attempt++) {
    if (attempt === 10) throw new Error(`cannot take the lock ${path}: it keeps changing`);
    file = tryCreate(dir, path, owner);
    if (file !== null) break;
    const stale = claimStale(dir, path);
    if (stale === null) continue;
    Deno.removeSync(path);
    stale.file.close();
    options.onStale?.(stale.previous);
  }
  const held = file;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    removeEventListener("unload", release);
    try {
      if (held.statSync().ino === Deno.statSync(path).ino) Deno.removeSync(path);
    } catch {
      // already gone
    }
    held.close();
  };
  // The OS drops the file lock when the process ends anyway; this also removes the file.
  addEventListener("unload", release);
  return { path, release, [Symbol.dispose]: release };
}
