/**
 * An exclusive lock on a data or state directory, so two processes never share one: a lock file
 * `<dir>/.lock` holding the owner's pid, hostname and start time, created atomically; released on
 * close or exit; a lock whose process is gone (same host) is stale and taken over.
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
  /** Called when a stale lock (dead process) is taken over, e.g. to log it. */
  onStale?: (previous: LockOwner) => void;
  /** Whether `pid` runs on this host. Default: `/proc/<pid>` exists, else a harmless signal. */
  isAlive?: (pid: number) => boolean;
}

/** A held lock; `release()` (or disposal) removes the lock file; idempotent. */
export interface DirLock extends Disposable {
  /** The lock file's path. */
  readonly path: string;
  /** Removes the lock file if it is still ours. */
  release(): void;
}

/** The lock file's name inside the directory. */
export const LOCK_FILE = ".lock";

function processAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/self`);
    try {
      Deno.statSync(`/proc/${pid}`);
      return true;
    } catch {
      return false;
    }
  } catch {
    // No /proc (macOS): SIGCONT is harmless to a running process; ESRCH means gone.
    try {
      Deno.kill(pid, "SIGCONT");
      return true;
    } catch (e) {
      return !(e instanceof Deno.errors.NotFound);
    }
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const o = JSON.parse(Deno.readTextFileSync(path));
    return typeof o?.pid === "number" && typeof o?.hostname === "string" ? o : null;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    return { pid: -1, hostname: "unknown", startedAt: "unknown" };
  }
}

/** Writes the owner to a private file, then links it into place: the lock appears whole or not at all. */
function tryCreate(dir: string, path: string, owner: LockOwner): boolean {
  const temp = `${dir}/.lock.${owner.pid}.${crypto.randomUUID()}`;
  Deno.writeTextFileSync(temp, JSON.stringify(owner) + "\n");
  try {
    Deno.linkSync(temp, path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) return false;
    throw e;
  } finally {
    Deno.removeSync(temp);
  }
}

/**
 * Takes the exclusive lock of `dir` (created if missing). Throws {@linkcode DirLockedError} if a
 * live process (this one included) holds it.
 *
 * @example
 * ```ts
 * import { lockDir } from "@iot/service";
 * using lock = lockDir(await Deno.makeTempDir());
 * ```
 */
export function lockDir(dir: string, options: DirLockOptions = {}): DirLock {
  const isAlive = options.isAlive ?? processAlive;
  Deno.mkdirSync(dir, { recursive: true });
  const path = `${dir}/${LOCK_FILE}`;
  const owner: LockOwner = {
    pid: Deno.pid,
    hostname: Deno.hostname(),
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; !tryCreate(dir, path, owner); attempt++) {
    const holder = readOwner(path);
    if (holder === null) continue; // released meanwhile
    const stale = holder.hostname === owner.hostname && holder.pid !== owner.pid &&
      holder.pid > 0 && !isAlive(holder.pid);
    if (!stale || attempt > 0) throw new DirLockedError(dir, holder);
    options.onStale?.(holder);
    Deno.removeSync(path);
  }
  const release = () => {
    removeEventListener("unload", release);
    const holder = readOwner(path);
    if (holder?.pid === owner.pid && holder.startedAt === owner.startedAt) {
      try {
        Deno.removeSync(path);
      } catch {
        // already gone
      }
    }
  };
  // A backstop for an exit without release(); SIGKILL leaves a stale lock, taken over next time.
  addEventListener("unload", release);
  return { path, release, [Symbol.dispose]: release };
}
