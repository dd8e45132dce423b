import { assertEquals } from "@std/assert";
import {
  type ApiKey,
  requestReaders,
  requestWriters,
  responseReaders,
  responseWriters,
} from "./generated/apis.ts";
import { sampleValue, SCHEMAS } from "./sample_values_test_util.ts";
import { concatChunks, Reader, Writer } from "./wire.ts";

type AnyWrite = (w: Writer, v: unknown, version: number) => void;
type AnyRead = (r: Reader, version: number) => unknown;

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

for (const schema of SCHEMAS) {
  const key = schema.apiKey as ApiKey;
  const isRequest = schema.type === "request";
  const write = (isRequest ? requestWriters[key] : responseWriters[key]) as AnyWrite;
  const read = (isRequest ? requestReaders[key] : responseReaders[key]) as AnyRead;
  Deno.test(`${schema.name} round-trips every version ${schema.valid.min}-${schema.valid.max}`, () => {
    for (let version = schema.valid.min; version <= schema.valid.max; version++) {
      for (const seed of SEEDS) {
        const value = sampleValue(schema, version, seed);
        const w = new Writer(16);
        write(w, value, version);
        const bytes = concatChunks(w.chunks());
        const r = new Reader(bytes);
        const decoded = read(r, version);
        const where = `${schema.name} v${version} seed ${seed}`;
        assertEquals(r.remaining, 0, `${where}: unread bytes`);
        assertEquals(decoded, value, where);
        const again = new Writer();
        write(again, decoded, version);
        assertEquals(again.finish(), bytes, `${where}: re-encoding differs`);
      }
    }
  });
}
