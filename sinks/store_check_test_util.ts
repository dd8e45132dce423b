/**
 * End-to-end checks of the sinks: read topics as a read_committed reader from the beginning,
 * compute what each store must hold (the contract suite's model), and compare with what the
 * stores hold.
 *
 * @module
 */
import type cassandra from "cassandra-driver";
import type { Db } from "mongodb";
import { Admin, Consumer, type ConsumerRecord } from "@iot/kafka";
import { uniqueName } from "@iot/testing";
import { readAggregates } from "./cassandra_reader_test_util.ts";
import { decodeRecord } from "./decode.ts";
import { mongoKinds } from "./mongo_schema.ts";
import { readMongo } from "./mongo_reader_test_util.ts";
import type { SinkRoute } from "./runner.ts";
import { type SinkKind, sinkKinds, type SinkRecord } from "./record.ts";
import { readSqlite } from "./sqlite_reader_test_util.ts";
import { expectedRows } from "./writer_contract_test_util.ts";

/** Every committed record of `topics` now (each partition in offset order). */
export async function readTopics(
  bootstrap: string,
  topics: readonly string[],
): Promise<ConsumerRecord[]> {
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  const described = await admin.describeTopics(topics);
  await using consumer = new Consumer({
    config: {
      "bootstrap.servers": bootstrap,
      "group.id": uniqueName("store-check"),
      "isolation.level": "read_committed",
      "enable.auto.commit": false,
      "fetch.wait.max.ms": 20,
    },
  });
  const partitions = described.flatMap((t) =>
    t.partitions.map((p) => ({ topic: t.name, partition: p.partition }))
  );
  const highs = await Promise.all(
    partitions.map(async (tp) => (await consumer.watermarkOffsets(tp.topic, tp.partition)).high),
  );
  const records: ConsumerRecord[] = [];
  const open = partitions.filter((_, i) => highs[i] > 0);
  if (open.length === 0) return records;
  consumer.assign(open.map((tp) => ({ ...tp, offset: 0 })));
  const done = () =>
    consumer.position(open).every((tp) =>
      tp.offset! >=
        highs[partitions.findIndex((p) => p.topic === tp.topic && p.partition === tp.partition)]
    );
  const stop = new AbortController();
  const timer = setInterval(() => done() && stop.abort(), 50);
  const deadline = setTimeout(() => stop.abort(), 60_000);
  try {
    for await (const batch of consumer.batches({ signal: stop.signal })) records.push(...batch);
  } finally {
    clearInterval(timer);
    clearTimeout(deadline);
  }
  if (!done()) throw new Error(`reading ${topics.join(", ")} did not reach the end in 60 s`);
  return records;
}

/** The records of `routes`' topics decoded as the sinks decode them; undecodable ones left out. */
export function decodeAll(
  records: readonly ConsumerRecord[],
  routes: readonly SinkRoute[],
): SinkRecord[] {
  const kinds = new Map(routes.map((r) => [r.topic, r.kind]));
  const out: SinkRecord[] = [];
  for (const raw of records) {
    const kind = kinds.get(raw.topic);
    if (kind === undefined) continue;
    const decoded = decodeRecord(kind, raw);
    if (decoded.ok) out.push(decoded.record);
  }
  return out;
}

/** `value` as JSON with sorted keys and byte arrays as arrays: equal values, equal text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v) => {
    if (v instanceof Uint8Array) return [...v];
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)));
  });
}

/** How `actual` differs from `expected` (by key), in one line; null when equal. */
function mapDifference(actual: Map<string, unknown>, expected: Map<string, unknown>) {
  let missing = 0, changed = 0, example = "";
  for (const [key, value] of expected) {
    if (!actual.has(key)) missing++;
    else if (canonical(actual.get(key)) !== canonical(value)) {
      changed++;
      example ||= `${key}: ${canonical(actual.get(key))} != ${canonical(value)}`;
    }
  }
  const extra = [...actual.keys()].filter((key) => !expected.has(key)).length;
  if (missing + changed + extra === 0) return null;
  return `${actual.size} rows, expected ${expected.size}: ${missing} missing, ${extra} extra, ` +
    `${changed} different${example ? ` (e.g. ${example.slice(0, 300)})` : ""}`;
}

/** Where to look. */
export interface Stores {
  /** The embedded store's file. */
  readonly sqlitePath?: string;
  /** The MongoDB database. */
  readonly mongo?: Db;
  /** Cassandra and its keyspace. */
  readonly cassandra?: { readonly client: cassandra.Client; readonly keyspace: string };
}

/** Differences between what `stores` hold and what `records` make them hold; [] when equal. */
export async function storeDifferences(
  stores: Stores,
  records: readonly SinkRecord[],
  kinds: readonly SinkKind[] = sinkKinds,
): Promise<string[]> {
  const problems: string[] = [];
  const compare = (where: string, actual: Map<string, unknown>, kind: SinkKind) => {
    const difference = mapDifference(actual, expectedRows(records, kind));
    if (difference !== null) problems.push(`${where} ${kind}: ${difference}`);
  };
  for (const kind of kinds) {
    if (stores.sqlitePath) compare("sqlite", readSqlite(stores.sqlitePath, kind), kind);
    if (stores.mongo && (mongoKinds as readonly string[]).includes(kind)) {
      compare("mongo", await readMongo(stores.mongo, kind as (typeof mongoKinds)[number]), kind);
    }
    if (stores.cassandra && kind === "window-aggregate") {
      const { client, keyspace } = stores.cassandra;
      compare("cassandra", await readAggregates(client, keyspace), kind);
    }
  }
  return problems;
}
