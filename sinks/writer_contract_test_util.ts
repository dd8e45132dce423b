/**
 * The behaviour every {@linkcode SinkWriter} backend must show, written once and run against each
 * backend from its test (SQLite in the unit tests, MongoDB and Cassandra on real servers).
 *
 * @module
 */
import { assert, assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import { replacesMax, rowId } from "./keys.ts";
import type { SinkKind, SinkRecord, SinkRecordOf, SinkValueMap } from "./record.ts";
import { type SinkWriter, StoreUnavailableError } from "./writer.ts";

/** A fresh, empty store (own file, database or keyspace) for one test. */
export interface ContractStore extends AsyncDisposable {
  /** The writer under test; `ensureSchema()` has not been called yet. */
  readonly writer: SinkWriter;
  /** Reads every stored row of `kind` back as its value, by row id (`keys.ts` rowId). */
  read(kind: SinkKind): Promise<Map<string, unknown>>;
  /** A record of a kind the writer stores that this store refuses (a value it cannot hold). */
  readonly rejectable: SinkRecord;
  /** Makes the store unable to take writes (stops the server, takes the write lock). */
  makeUnavailable(): Promise<void>;
  /** Undoes {@linkcode ContractStore.makeUnavailable}. */
  makeAvailable(): Promise<void>;
}

/** What a test needs from its store. */
export interface StoreNeeds {
  /**
   * The test calls `makeUnavailable()`: give it a server of its own (dedicated), not a shared one.
   */
  lifecycle: boolean;
}

/** Creates a {@linkcode ContractStore}. */
export type StoreFactory = (needs: StoreNeeds) => Promise<ContractStore>;

const T0 = Date.parse("2025-07-22T22:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** Source coordinates for a test record at `offset` of `topic`. */
export function sourceAt(topic: string, offset: number, partition = 0): SinkRecord["source"] {
  return { topic, partition, offset, timestamp: T0 + offset, key: null, headers: [] };
}

/** One record of `kind` whose values vary with `n` (and whose natural key is `n`'s). */
export function sampleRecord<K extends SinkKind>(kind: K, n: number, offset = n): SinkRecordOf<K> {
  const values: { [Q in SinkKind]: () => SinkValueMap[Q] } = {
    "climate-reading": () => ({
      deviceId: `d${n % 3}`,
      ts: iso(T0 + n * 1000),
      temperature: 20 + n / 4,
      humidity: 40 + n / 8,
    }),
    "vehicle-pressure-reading": () => ({
      vehicleId: `v${n % 2}`,
      sensorId: `s${n % 4}`,
      ts: iso(T0 + n * 1000),
      pressure: 2 + n / 16,
      temperature: 30 + n / 4,
    }),
    "window-aggregate": () => ({
      deviceId: `d${n % 3}`,
      windowStart: iso(T0 + n * 60_000),
      windowEnd: iso(T0 + (n + 1) * 60_000),
      count: n + 1,
      temperature: { avg: 21.5, min: 20, max: 23 + n },
      humidity: { avg: 45, min: 40, max: 50 },
    }),
    "alert": () => ({
      alertId: `overheating-d1-${n}`,
      deviceId: "d1",
      type: "overheating",
      severity: "critical",
      state: n % 2 === 0 ? "active" : "cleared",
      value: 80 + n,
      threshold: 75,
      windowStart: iso(T0 + n * 60_000),
      windowEnd: iso(T0 + (n + 5) * 60_000),
      ts: iso(T0 + (n + 5) * 60_000),
    }),
    "device-command": () => ({
      commandId: `cmd-${n}`,
      deviceId: `d${n % 3}`,
      command: n % 2 === 0 ? "shutdown" : "restart",
      reason: "overheating",
      issuedAt: iso(T0 + n * 1000),
      expiresAt: iso(T0 + n * 1000 + 300_000),
      // The processor's commands carry the event time that triggered them; the API's do not.
      ...(n % 2 === 0 ? { eventTime: iso(T0 + n * 1000 - 5_000) } : {}),
    }),
    "command-status": () => ({
      commandId: `cmd-${n}`,
      deviceId: "d1",
      status: "delivered",
      ts: iso(T0 + n * 1000),
    }),
    "vehicle-pressure-max": () => ({
      vehicleId: `v${n % 2}`,
      sensorId: "s1",
      pressureMax: 3 + n / 10,
      temperature: 40,
      ts: iso(T0 + n * 1000),
    }),
    "dead-letter": () => ({
      payload: new Uint8Array([123, 0xff, n & 0xff]),
      reason: `humidity: must be at most 100 (record ${n})`,
      code: "schema",
      sourceTopic: "sensor-readings",
      sourcePartition: 0,
      sourceOffset: n,
      job: "device-aggregates",
    }),
  };
  const value = values[kind]() as SinkValueMap[K];
  return { kind, value, source: sourceAt(`${kind}-topic`, offset) } as SinkRecordOf<K>;
}

/** What the store must hold after `records` were written in order: the model of every backend. */
export function expectedRows(records: readonly SinkRecord[], kind: SinkKind): Map<string, unknown> {
  const rows = new Map<string, { value: unknown; source: SinkRecord["source"] }>();
  for (const record of records) {
    if (record.kind !== kind) continue;
    const id = rowId(record);
    const stored = rows.get(id);
    if (kind === "vehicle-pressure-max" && stored && !replacesMax(stored.source, record.source)) {
      continue;
    }
    rows.set(id, { value: record.value, source: record.source });
  }
  return new Map([...rows].map(([id, row]) => [id, row.value]));
}

async function assertStoreHolds(store: ContractStore, records: readonly SinkRecord[]) {
  for (const kind of store.writer.kinds) {
    const actual = await store.read(kind);
    const expected = expectedRows(records, kind);
    const sorted = (m: Map<string, unknown>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));
    assertEquals(sorted(actual), sorted(expected), `rows of ${kind}`);
  }
}

/** A batch with `count` records of each kind the writer stores, offsets from `firstOffset`. */
function batchFor(writer: SinkWriter, count: number, first = 0): SinkRecord[] {
  const batch: SinkRecord[] = [];
  for (let n = first; n < first + count; n++) {
    for (const kind of writer.kinds) batch.push(sampleRecord(kind, n) as SinkRecord);
  }
  return batch;
}

/** Registers the contract tests for `name` with Deno.test. */
export function sinkWriterContract(name: string, factory: StoreFactory): void {
  const test = (what: string, fn: (store: ContractStore) => Promise<void>, lifecycle = false) =>
    Deno.test(`${name}: ${what}`, async () => {
      await using store = await factory({ lifecycle });
      await fn(store);
    });

  test("ensureSchema is idempotent and the store starts empty", async (store) => {
    await store.writer.ensureSchema();
    await store.writer.ensureSchema();
    await assertStoreHolds(store, []);
  });

  test("a batch is stored as the model says, every kind", async (store) => {
    await store.writer.ensureSchema();
    const batch = batchFor(store.writer, 6);
    const result = await store.writer.write(batch);
    assertEquals(result.rejected, []);
    assertEquals(result.written + result.superseded, batch.length);
    await assertStoreHolds(store, batch);
  });

  test("replaying batches (whole and overlapping) leaves the same rows", async (store) => {
    await store.writer.ensureSchema();
    const first = batchFor(store.writer, 5);
    const second = batchFor(store.writer, 5, 3); // overlaps records 3 and 4
    await store.writer.write(first);
    await store.writer.write(second);
    const afterOnce = [...first, ...second];
    await assertStoreHolds(store, afterOnce);
    await store.writer.write(first); // a replay after a crash: from the first batch again
    await store.writer.write(second);
    await assertStoreHolds(store, afterOnce);
  });

  test("the same natural key twice in one batch keeps the later record", async (store) => {
    await store.writer.ensureSchema();
    const kind = [...store.writer.kinds].find((k) => k !== "dead-letter")!;
    const older = sampleRecord(kind, 4, 10) as SinkRecord;
    // Same natural key, different other content, a later offset: it must win.
    const changed = withChangedContent({ ...older, source: sourceAt(older.source.topic, 11) });
    assertEquals(rowId(changed), rowId(older));
    await store.writer.write([older, changed]);
    await assertStoreHolds(store, [older, changed]);
    assertEquals((await store.read(kind)).get(rowId(older)), changed.value);
  });

  test("an older vehicle maximum never overwrites a newer one", async (store) => {
    if (!store.writer.kinds.has("vehicle-pressure-max")) return;
    await store.writer.ensureSchema();
    const at = (offset: number, pressureMax: number) => {
      const r = sampleRecord("vehicle-pressure-max", 0, offset);
      return { ...r, value: { ...r.value, pressureMax } } as SinkRecord;
    };
    const newest = at(20, 9.5);
    const first = await store.writer.write([at(10, 4), newest]);
    assertEquals(first.written + first.superseded, 2);
    const replay = await store.writer.write([at(10, 4), at(15, 7)]);
    assertEquals([replay.written, replay.superseded], [0, 2]);
    const rows = await store.read("vehicle-pressure-max");
    assertEquals(rows.get("v0"), newest.value);
    assertEquals((await store.writer.write([at(20, 9.5)])).written, 1, "same offset rewrites");
    const inBatch = await store.writer.write([at(30, 3), at(25, 11)]);
    assertEquals([inBatch.written, inBatch.superseded], [1, 1]);
    assertEquals((await store.read("vehicle-pressure-max")).get("v0"), at(30, 3).value);
  });

  test("a record the store refuses is rejected alone; the rest is written", async (store) => {
    await store.writer.ensureSchema();
    const good = batchFor(store.writer, 4);
    const batch = [...good.slice(0, 2), store.rejectable, ...good.slice(2)];
    const result = await store.writer.write(batch);
    assertEquals(result.rejected.length, 1);
    assert(result.rejected[0].record === store.rejectable, "the refused record is the one named");
    assertEquals(result.rejected[0].code, "rejected-by-store");
    assert(result.rejected[0].reason.length > 0);
    assertEquals(result.written + result.superseded, good.length);
    await assertStoreHolds(store, good);
  });

  test(
    "an unavailable store throws StoreUnavailableError; the batch is written after",
    async (store) => {
      await store.writer.ensureSchema();
      const batch = batchFor(store.writer, 3);
      await store.makeUnavailable();
      const error = await assertRejects(() => store.writer.write(batch), StoreUnavailableError);
      assertInstanceOf(error, StoreUnavailableError);
      assertEquals([error.retriable, error.store], [true, store.writer.store]);
      await store.makeAvailable();
      // Drivers reconnect on their own schedule: retry while the store is still unavailable, as
      // a sink's retry loop does.
      await writeWhenAvailable(store.writer, batch);
      await assertStoreHolds(store, batch);
    },
    true,
  );
}

/** `record` with the same natural key and different other content. */
function withChangedContent(record: SinkRecord): SinkRecord {
  const v = record.value as unknown as Record<string, unknown>;
  const bump: Record<SinkKind, string> = {
    "climate-reading": "temperature",
    "vehicle-pressure-reading": "pressure",
    "window-aggregate": "count",
    "alert": "value",
    "device-command": "reason",
    "command-status": "deviceId",
    "vehicle-pressure-max": "pressureMax",
    "dead-letter": "reason",
  };
  const field = bump[record.kind];
  const old = v[field];
  // Smaller than before: a store that breaks ties by value (Cassandra, for cells written with
  // one timestamp) would keep the older record.
  const changed = typeof old === "number" ? old - 1 : `0-${String(old)}`;
  return { ...record, value: { ...v, [field]: changed } } as SinkRecord;
}

async function writeWhenAvailable(writer: SinkWriter, batch: readonly SinkRecord[]) {
  const deadline = Date.now() + 60_000;
  while (true) {
    try {
      return await writer.write(batch);
    } catch (e) {
      if (!(e instanceof StoreUnavailableError) || Date.now() > deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
