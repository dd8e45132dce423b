/**
 * Loads librdkafka once per process. The library comes from the operating system
 * (`apt-get install librdkafka1`, `brew install librdkafka`); `LIBRDKAFKA_PATH` names another file.
 *
 * @module
 */
import { adminSymbols } from "./admin_symbols.ts";
import { coreSymbols } from "./symbols.ts";

const symbols = { ...coreSymbols, ...adminSymbols } as const;

/** The loaded librdkafka symbols. */
export type Librdkafka = Deno.DynamicLibrary<typeof symbols>["symbols"];

/** Thrown when librdkafka cannot be found or is too old. */
export class LibrdkafkaNotFoundError extends Error {
  /** Creates the error listing the paths that were tried. */
  constructor(tried: string[], cause?: unknown) {
    super(
      `librdkafka 2.x was not found (tried ${tried.join(", ")}). Install it with ` +
        "`apt-get install librdkafka1` (Debian/Ubuntu) or `brew install librdkafka` (macOS), " +
        "or set LIBRDKAFKA_PATH to the shared library file.",
      { cause },
    );
    this.name = "LibrdkafkaNotFoundError";
  }
}

function candidates(): string[] {
  const explicit = Deno.env.get("LIBRDKAFKA_PATH");
  if (explicit) return [explicit];
  switch (Deno.build.os) {
    case "darwin":
      return [
        "/opt/homebrew/lib/librdkafka.1.dylib",
        "/usr/local/lib/librdkafka.1.dylib",
        "librdkafka.1.dylib",
      ];
    case "windows":
      return ["librdkafka.dll"];
    default:
      return ["librdkafka.so.1", "/usr/local/lib/librdkafka.so.1", "librdkafka.so"];
  }
}

let loaded: Librdkafka | undefined;

/** Returns the librdkafka symbols, loading the library on first use. */
export function librdkafka(): Librdkafka {
  if (loaded) return loaded;
  const tried = candidates();
  let lastError: unknown;
  for (const path of tried) {
    try {
      const lib = Deno.dlopen(path, symbols).symbols;
      const version = lib.rd_kafka_version();
      if (version < 0x02000000) {
        throw new LibrdkafkaNotFoundError(
          [`${path} (version 0x${version.toString(16)} is older than 2.0)`],
        );
      }
      loaded = lib;
      return lib;
    } catch (e) {
      lastError = e;
    }
  }
  throw new LibrdkafkaNotFoundError(tried, lastError);
}

/** The librdkafka version string, e.g. `2.0.2`. */
export function librdkafkaVersion(): string {
  return readCString(librdkafka().rd_kafka_version_str()) ?? "unknown";
}

const encoder = new TextEncoder();

/** Encodes a string as a NUL-terminated C string. */
export function cstr(s: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(s.length * 3 + 1);
  const { written } = encoder.encodeInto(s, bytes);
  return bytes.subarray(0, written + 1);
}

/** Reads a NUL-terminated C string, or `null` for a null pointer. */
export function readCString(ptr: Deno.PointerValue): string | null {
  return ptr === null ? null : Deno.UnsafePointerView.getCString(ptr);
}
