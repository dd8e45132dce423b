/**
 * The binary checkpoint data file (`data-<n>.bin`, file format version 2; version 1 is the JSON
 * `data-<n>.json` of `format.ts`, still read). Each operator snapshot is stored as the columns
 * of `core/columnar_snapshot.ts`, which are read back as typed-array views over the file's bytes
 * (no parsing, no copy):
 *
 * ```text
 * 0   "IOTSTATE"                 magic (8 bytes)
 * 8   u32 version                2
 * 12  u32 header length H
 * 16  f64 file length            detects a truncated or extended file before anything else
 * 24  header, H bytes of JSON    kind, and per operator its columnar header and section places
 * ..  sections, each 8-aligned   key bytes, key offsets, shape ids, numbers, JSON states
 * -8  u32 CRC-32                 of every byte before it
 * -4  "END!"
 * ```
 *
 * All integers and floats are little-endian. A torn write cannot be mistaken for a checkpoint:
 * the length, the trailer and the checksum all have to match (and the atomic rename in
 * `atomic_file.ts` means a reader sees either a whole file or none).
 *
 * @module
 */
import { crc32 } from "node:zlib";
import { type ColumnarHeader, fromColumns, toColumns } from "../core/columnar_snapshot.ts";
import type { AnySnapshot, CheckpointData } from "./format.ts";
import { CheckpointError } from "./format.ts";

/** The version of the binary data file this code writes and reads. */
export const BINARY_DATA_VERSION = 2;

const MAGIC = "IOTSTATE";
const TRAILER = "END!";
const PREFIX = 24;
const SUFFIX = 8;
const SECTIONS = ["keyBytes", "keyOffsets", "shapeIds", "numbers", "json"] as const;
type Section = typeof SECTIONS[number];
type Place = readonly [offset: number, length: number];

interface FileHeader {
  readonly kind: "base" | "delta";
  readonly operators: Record<string, ColumnarHeader & { sections: Record<Section, Place> }>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const align8 = (n: number) => (n + 7) & ~7;

/** Whether `bytes` start like a binary data file (the magic). */
export function isBinaryData(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length &&
    decoder.decode(bytes.subarray(0, MAGIC.length)) === MAGIC;
}

/** Encodes a data file: every operator snapshot as columns, framed and checksummed. */
export function encodeBinaryData(data: CheckpointData): Uint8Array {
  const parts: Uint8Array[] = [];
  const operators: FileHeader["operators"] = {};
  let size = 0;
  for (const [name, snapshot] of Object.entries(data.operators)) {
    // A snapshot that already is columns (lazily restored state) is written as it is.
    const columns = snapshot.columns ?? toColumns(snapshot);
    const sections = {} as Record<Section, Place>;
    for (const section of SECTIONS) {
      const c = columns[section];
      const bytes = new Uint8Array(c.buffer, c.byteOffset, c.byteLength);
      sections[section] = [size, bytes.length];
      parts.push(bytes);
      size = align8(size + bytes.length);
    }
    operators[name] = { ...columns.header, sections };
  }
  const header = encoder.encode(JSON.stringify({ kind: data.kind, operators } as FileHeader));
  const start = align8(PREFIX + header.length);
  const total = start + size + SUFFIX;
  const file = new Uint8Array(total);
  const view = new DataView(file.buffer);
  file.set(encoder.encode(MAGIC), 0);
  view.setUint32(8, BINARY_DATA_VERSION, true);
  view.setUint32(12, header.length, true);
  view.setFloat64(16, total, true);
  file.set(header, PREFIX);
  let at = start;
  for (const part of parts) {
    file.set(part, at);
    at = align8(at + part.length);
  }
  view.setUint32(total - 8, crc32(file.subarray(0, total - 8)), true);
  file.set(encoder.encode(TRAILER), total - 4);
  return file;
}

/**
 * Decodes a binary data file read from `file`. The snapshots' columns are views over `bytes`
 * (a lazily restoring operator keeps them until every key is taken); per-key states built from
 * them are fresh (the caller owns them).
 *
 * @throws {CheckpointError} naming the file and what is wrong: truncated, not this format, of
 * another version, or corrupt (checksum mismatch).
 */
export function decodeBinaryData(bytes: Uint8Array, file: string): CheckpointData {
  const fail = (why: string): never => {
    throw new CheckpointError(`Cannot read checkpoint data ${file}: ${why}`);
  };
  if (!isBinaryData(bytes)) fail("not a binary checkpoint file (bad magic)");
  if (bytes.length < PREFIX + SUFFIX) fail(`truncated (${bytes.length} bytes)`);
  // Typed-array views need aligned offsets; a file read on its own buffer starts at 0.
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== BINARY_DATA_VERSION) {
    fail(`format version ${version} is not supported (expected ${BINARY_DATA_VERSION})`);
  }
  const total = view.getFloat64(16, true);
  if (total !== bytes.length) {
    fail(`truncated or torn: the header says ${total} bytes, the file has ${bytes.length}`);
  }
  const stored = view.getUint32(total - 8, true);
  const actual = crc32(bytes.subarray(0, total - 8));
  if (decoder.decode(bytes.subarray(total - 4)) !== TRAILER || stored !== actual) {
    fail(`corrupt: checksum ${actual.toString(16)} does not match ${stored.toString(16)}`);
  }
  const headerLength = view.getUint32(12, true);
  const header = JSON.parse(
    decoder.decode(bytes.subarray(PREFIX, PREFIX + headerLength)),
  ) as FileHeader;
  const base = align8(PREFIX + headerLength);
  const operators: Record<string, AnySnapshot> = {};
  for (const [name, op] of Object.entries(header.operators)) {
    const at = (s: Section) => {
      const [offset, length] = op.sections[s];
      if (base + offset + length > total - SUFFIX) fail(`section ${s} of ${name} out of bounds`);
      return bytes.byteOffset + base + offset;
    };
    const len = (s: Section) => op.sections[s][1];
    try {
      operators[name] = fromColumns({
        header: op,
        keyBytes: new Uint8Array(bytes.buffer, at("keyBytes"), len("keyBytes")),
        keyOffsets: new Uint32Array(bytes.buffer, at("keyOffsets"), len("keyOffsets") / 4),
        shapeIds: new Uint32Array(bytes.buffer, at("shapeIds"), len("shapeIds") / 4),
        numbers: new Float64Array(bytes.buffer, at("numbers"), len("numbers") / 8),
        json: new Uint8Array(bytes.buffer, at("json"), len("json")),
      });
    } catch (e) {
      if (e instanceof CheckpointError) throw e;
      fail(`operator ${name}: ${(e as Error).message}`);
    }
  }
  return { version: 1, kind: header.kind, operators };
}
