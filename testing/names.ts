const NAME_CHARS = /^[A-Za-z0-9._-]+$/;

/**
 * Returns `prefix` plus a time-and-random suffix, for topic and group names that must not clash
 * between tests or runs. Only Kafka's legal topic characters are allowed in `prefix`.
 *
 * @example
 * ```ts
 * import { uniqueName } from "@iot/testing";
 * const topic = uniqueName("readings"); // e.g. "readings-m3x1k2-4f9a1c"
 * ```
 */
export function uniqueName(prefix: string): string {
  if (!NAME_CHARS.test(prefix)) {
    throw new TypeError(`Name prefix must match ${NAME_CHARS}, got "${prefix}"`);
  }
  const random = crypto.getRandomValues(new Uint8Array(3));
  const hex = Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${prefix}-${Date.now().toString(36)}-${hex}`;
}
