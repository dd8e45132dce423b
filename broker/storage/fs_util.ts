/**
 * Small file helpers for durable metadata.
 *
 * @module
 */

/** Suffix of temp files written by {@linkcode writeFileAtomic}; stale ones are removed on open. */
export const TEMP_SUFFIX = ".tmp";

/**
 * Replaces `path` atomically: writes `path.tmp`, fsyncs it, renames it over `path`. After a
 * crash the file holds either the old or the new content, never a mix.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = path + TEMP_SUFFIX;
  await writeFileSynced(tmp, bytes);
  await Deno.rename(tmp, path);
}

/** Writes `bytes` to `path` (created or truncated) and fsyncs the file before returning. */
export async function writeFileSynced(path: string, bytes: Uint8Array): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
    await file.sync();
  } finally {
    file.close();
  }
}

/** Reads a file as text, or returns null when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}
