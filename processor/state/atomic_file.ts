/**
 * Crash-safe file writes: write a temporary file, fsync it, rename it over the target, fsync the
 * directory. After a crash the target holds either the old or the new content, never a mix.
 *
 * @module
 */

/** Suffix of temporary files; leftovers from a crash are removed when a store opens. */
export const TEMP_SUFFIX = ".tmp";

/** Writes `bytes` to `path` atomically; with `sync` (default true) also durably. */
export async function writeFileAtomic(
  dir: string,
  name: string,
  bytes: Uint8Array,
  sync = true,
): Promise<void> {
  const path = `${dir}/${name}`;
  const temp = `${path}${TEMP_SUFFIX}`;
  const file = await Deno.open(temp, { write: true, create: true, truncate: true });
  try {
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
    if (sync) await file.sync();
  } finally {
    file.close();
  }
  await Deno.rename(temp, path);
  if (sync) await syncDir(dir);
}

/** Flushes a directory's entries (renames, creations) to disk. */
export async function syncDir(dir: string): Promise<void> {
  if (Deno.build.os === "windows") return;
  const handle = await Deno.open(dir, { read: true });
  try {
    await handle.sync();
  } finally {
    handle.close();
  }
}

/** Removes `path`, ignoring a file that is already gone. */
export async function removeIfExists(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}
