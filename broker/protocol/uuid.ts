/**
 * Kafka UUIDs (topic ids) in their string form: base64url without padding, as `Uuid.toString`
 * prints them.
 *
 * @module
 */

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The all-zero UUID in Kafka's string form (base64url, no padding). */
export const ZERO_UUID_STRING = "AAAAAAAAAAAAAAAAAAAAAA";

/** Formats 16 UUID bytes as Kafka does (`Uuid.toString`: base64url without padding). */
export function uuidToString(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 3 <= 15; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64URL[n >> 18] + B64URL[(n >> 12) & 63] + B64URL[(n >> 6) & 63] + B64URL[n & 63];
  }
  const last = bytes[15];
  return out + B64URL[last >> 2] + B64URL[(last & 3) << 4];
}

/** Parses Kafka's base64url UUID form; throws `RangeError` if it is not 22 valid characters. */
export function uuidFromString(text: string): Uint8Array {
  if (text === ZERO_UUID_STRING) return new Uint8Array(16);
  const b64 = text.replaceAll("-", "+").replaceAll("_", "/");
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(b64 + "=="), (c) => c.charCodeAt(0));
  } catch {
    throw new RangeError(`invalid UUID "${text}": not base64url`);
  }
  if (text.length !== 22 || bytes.length !== 16) {
    throw new RangeError(`invalid UUID "${text}": expected 22 base64url characters`);
  }
  return bytes;
}
