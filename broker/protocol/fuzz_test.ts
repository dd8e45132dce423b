/**
 * Bounded fuzzing: random bytes and mutated valid frames must decode or fail with
 * {@link ProtocolError}, never another exception. About 2 s in total.
 */
import { fail } from "@std/assert";
import { seededRandom } from "@iot/testing";
import { decodeRequest } from "./dispatch.ts";
import {
  type ApiKey,
  requestReaders,
  requestWriters,
  responseReaders,
  responseWriters,
} from "./generated/apis.ts";
import { writeRequestHeader } from "./header.ts";
import { sampleValue, SCHEMAS } from "./sample_values_test_util.ts";
import { ProtocolError, Reader, Writer } from "./wire.ts";

type AnyWrite = (w: Writer, v: unknown, version: number) => void;
type AnyRead = (r: Reader, version: number) => unknown;

const BUDGET_MS = 1000;
const MAX_ITERATIONS = 200_000;

interface Target {
  name: string;
  version: number;
  read: AnyRead;
  valid: Uint8Array;
}

function targets(): Target[] {
  const out: Target[] = [];
  for (const s of SCHEMAS) {
    const key = s.apiKey as ApiKey;
    const req = s.type === "request";
    const write = (req ? requestWriters[key] : responseWriters[key]) as AnyWrite;
    const read = (req ? requestReaders[key] : responseReaders[key]) as AnyRead;
    for (let v = s.valid.min; v <= s.valid.max; v++) {
      const w = new Writer();
      write(w, sampleValue(s, v, 99), v);
      out.push({ name: s.name, version: v, read, valid: w.finish() });
    }
  }
  return out;
}

function mutate(bytes: Uint8Array, rand: () => number): Uint8Array {
  const out = bytes.slice();
  const kind = rand();
  if (kind < 0.4 && out.length > 0) {
    for (let i = 0, n = 1 + Math.floor(rand() * 3); i < n; i++) {
      out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256);
    }
    return out;
  }
  if (kind < 0.7) return out.subarray(0, Math.floor(rand() * out.length));
  if (kind < 0.85 && out.length > 0) {
    out[Math.floor(rand() * out.length)] = rand() < 0.5 ? 0xff : 0x80;
    return out;
  }
  const extra = Uint8Array.from({ length: 1 + Math.floor(rand() * 8) }, () => rand() * 256);
  const grown = new Uint8Array(out.length + extra.length);
  grown.set(out);
  grown.set(extra, out.length);
  return grown;
}

function expectProtocolError(what: string, bytes: Uint8Array, fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) return;
    fail(`${what} threw ${e} for ${Array.from(bytes, (b) => b.toString(16)).join(" ")}`);
  }
}

Deno.test("body decoders never crash on mutated or random input", () => {
  const all = targets();
  const rand = seededRandom(12345);
  const deadline = performance.now() + BUDGET_MS;
  for (let i = 0; i < MAX_ITERATIONS && performance.now() < deadline; i++) {
    const t = all[i % all.length];
    const bytes = i % 5 === 0
      ? Uint8Array.from({ length: Math.floor(rand() * 64) }, () => rand() * 256)
      : mutate(t.valid, rand);
    expectProtocolError(
      `${t.name} v${t.version}`,
      bytes,
      () => t.read(new Reader(bytes), t.version),
    );
  }
});

Deno.test("decodeRequest never crashes on mutated frames", () => {
  const frames: Uint8Array[] = [];
  for (const s of SCHEMAS.filter((s) => s.type === "request")) {
    for (let v = s.valid.min; v <= s.valid.max; v++) {
      const w = new Writer();
      writeRequestHeader(w, { apiKey: s.apiKey, apiVersion: v, correlationId: 1, clientId: "f" });
      (requestWriters[s.apiKey as ApiKey] as AnyWrite)(w, sampleValue(s, v, 7), v);
      frames.push(w.finish());
    }
  }
  for (const e of Deno.readDirSync(new URL("./testdata/", import.meta.url))) {
    if (e.name.endsWith(".bin")) {
      frames.push(Deno.readFileSync(new URL(`./testdata/${e.name}`, import.meta.url)));
    }
  }
  const rand = seededRandom(54321);
  const deadline = performance.now() + BUDGET_MS;
  for (let i = 0; i < MAX_ITERATIONS && performance.now() < deadline; i++) {
    const bytes = mutate(frames[i % frames.length], rand);
    expectProtocolError("decodeRequest", bytes, () => decodeRequest(bytes));
  }
});
