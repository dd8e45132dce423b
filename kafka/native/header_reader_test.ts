import { assert, assertEquals, assertStrictEquals } from "@std/assert";
import { HeaderReader, type HeaderSymbols } from "./header_reader.ts";
import { addressOf, NativeReader } from "./message.ts";

type Header = [string, Uint8Array | null];
const te = new TextEncoder();

function setU64(out: unknown, value: number): void {
  const bytes = out as Uint8Array;
  new DataView(bytes.buffer, bytes.byteOffset).setBigUint64(0, BigInt(value), true);
}

/**
 * Lays records' header lists out in one JavaScript buffer the way librdkafka 2.x does in native
 * memory (rd_list_t, element array, one allocation per header: fixed fields, name, NUL, value,
 * NUL), and answers `rd_kafka_header_get_all()` from the records themselves, not the memory.
 */
class FakeHeap {
  readonly heap = new Uint8Array(1 << 16);
  readonly view = new DataView(this.heap.buffer);
  readonly base = addressOf(this.heap);
  readonly lists: number[] = [];
  readonly #byList = new Map<number, Array<{ header: Header; name: number; value: number }>>();
  publicCalls = 0;
  #top = 8;

  constructor(records: Array<Header[] | null>) {
    for (const headers of records) this.lists.push(headers === null ? 0 : this.#list(headers));
  }

  readonly symbols: HeaderSymbols = {
    rd_kafka_header_get_all: (list, index, name, value, size) => {
      this.publicCalls++;
      const entry = this.#byList.get(Number(Deno.UnsafePointer.value(list)))?.[Number(index)];
      if (!entry) return -1;
      const length = entry.header[1]?.length ?? 0;
      setU64(name, entry.name);
      setU64(value, entry.value);
      setU64(size, length);
      return 0;
    },
  } as HeaderSymbols;

  #alloc(size: number): number {
    const at = this.#top;
    this.#top += Math.ceil((size + 16) / 16) * 16; // malloc-like spacing
    return at;
  }

  #list(headers: Header[]): number {
    const list = this.#alloc(40);
    const elems = this.#alloc(8 * headers.length);
    this.view.setInt32(list + 4, headers.length, true);
    this.view.setBigUint64(list + 8, BigInt(this.base + elems), true);
    const entries = headers.map((header, k) => {
      const name = te.encode(header[0]);
      const value = header[1];
      const at = this.#alloc(32 + name.length + 1 + (value?.length ?? 0) + 1);
      this.view.setBigUint64(elems + 8 * k, BigInt(this.base + at), true);
      this.view.setBigUint64(at + 8, BigInt(value?.length ?? 0), true);
      this.view.setBigUint64(at + 16, BigInt(name.length), true);
      this.heap.set(name, at + 32);
      const valueAt = at + 32 + name.length + 1;
      if (value) this.heap.set(value, valueAt);
      this.view.setBigUint64(at + 24, value ? BigInt(this.base + valueAt) : 0n, true);
      return {
        header,
        name: this.base + at + 32,
        value: value ? this.base + valueAt : 0,
      };
    });
    this.#byList.set(this.base + list, entries);
    return this.base + list;
  }
}

const records: Array<Header[] | null> = [
  [["content-type", te.encode("json")], ["trace", null], ["content-type", te.encode("again")]],
  null,
  [],
  [["température", new Uint8Array(0)], ["🔥", te.encode("hot")]],
  [["content-type", te.encode("json")]],
];

function read(reader: HeaderReader, lists: number[]): Header[][] {
  const columns = reader.read(lists, lists.length);
  return lists.map((_, j) => columns.headersOf(j));
}

Deno.test("HeaderReader reads a batch's headers like the public calls, in order", () => {
  const fake = new FakeHeap(records);
  const reader = new HeaderReader(fake.symbols, new NativeReader(fake.heap));
  const expected = records.map((headers) => headers ?? []);
  assertEquals(read(reader, fake.lists), expected);
  assert(reader.batched);
  // Once the layout matched, no more public calls: the second batch is read as memory.
  const calls = fake.publicCalls;
  const columns = reader.read(fake.lists, fake.lists.length);
  assertEquals(fake.publicCalls, calls);
  assertEquals(fake.lists.map((_, j) => columns.headersOf(j)), expected);
  // Null stays null, empty stays empty; repeated names are one string.
  assertStrictEquals(columns.value(1), null);
  assertEquals(columns.value(3), new Uint8Array(0));
  assertEquals([0, 1, 2, 3, 4].map((j) => columns.count(j)), [3, 0, 0, 2, 1]);
  assertEquals(columns.names[0], columns.names[5]);
});

Deno.test("HeaderReader waits for a batch with headers before trusting the layout", () => {
  const fake = new FakeHeap([null, []]);
  const reader = new HeaderReader(fake.symbols, new NativeReader(fake.heap));
  assertEquals(read(reader, fake.lists), [[], []]);
  const calls = fake.publicCalls;
  read(reader, fake.lists);
  assert(fake.publicCalls > calls, "still checking against the public calls");
});

Deno.test("HeaderReader falls back to the public calls when the layout does not match", () => {
  const fake = new FakeHeap(records);
  // A library whose header struct differs: the name size is not where we read it.
  const first = Number(fake.view.getBigUint64(fake.lists[0] - fake.base + 8, true)) - fake.base;
  const header = Number(fake.view.getBigUint64(first, true)) - fake.base;
  fake.view.setBigUint64(header + 16, 3n, true);
  const reader = new HeaderReader(fake.symbols, new NativeReader(fake.heap));
  const expected = records.map((headers) => headers ?? []);
  assertEquals(read(reader, fake.lists), expected);
  assert(!reader.batched);
  assertEquals(read(reader, fake.lists), expected);
});

Deno.test("HeaderReader falls back on an impossible header count", () => {
  const fake = new FakeHeap(records);
  fake.view.setInt32(fake.lists[0] - fake.base + 4, -5, true);
  const reader = new HeaderReader(fake.symbols, new NativeReader(fake.heap));
  assertEquals(read(reader, fake.lists), records.map((headers) => headers ?? []));
  assert(!reader.batched);
});
