/**
 * Parquet checkpoints of the Delta log (`NNNNNNNNNNNNNNNNNNNN.checkpoint.parquet`, one row per
 * action of the snapshot, each action type a nullable struct column) and `_last_checkpoint`, so
 * readers start from the checkpoint instead of replaying every JSON commit.
 *
 * @module
 */
import { join } from "node:path";
import { ByteWriter, parquetWrite } from "hyparquet-writer";
import { writeSynced } from "./commit.ts";
import { logDir, type Snapshot } from "./delta_log.ts";

/** Versions between checkpoints. */
export const CHECKPOINT_INTERVAL = 10;

// deno-lint-ignore no-explicit-any
type El = any;
const opt = "OPTIONAL";
const str = (name: string, rep = opt): El => ({
  name,
  repetition_type: rep,
  type: "BYTE_ARRAY",
  converted_type: "UTF8",
});
const i64 = (name: string): El => ({ name, repetition_type: opt, type: "INT64" });
const i32 = (name: string): El => ({ name, repetition_type: opt, type: "INT32" });
const bool = (name: string): El => ({ name, repetition_type: opt, type: "BOOLEAN" });
const group = (name: string, children: El[][]): El[] => [
  { name, repetition_type: opt, num_children: children.length },
  ...children.flat(),
];
const leaf = (e: El): El[] => [e];
const stringMap = (name: string): El[] => [
  { name, repetition_type: opt, converted_type: "MAP", num_children: 1 },
  { name: "key_value", repetition_type: "REPEATED", num_children: 2 },
  str("key", "REQUIRED"),
  str("value"),
];
const stringList = (name: string): El[] => [
  { name, repetition_type: opt, converted_type: "LIST", num_children: 1 },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  str("element"),
];

/** The checkpoint's Parquet schema (the subset of Delta's checkpoint schema this writer uses). */
function checkpointSchema(): El[] {
  return [
    { name: "root", num_children: 5 },
    ...group("txn", [leaf(str("appId")), leaf(i64("version")), leaf(i64("lastUpdated"))]),
    ...group("add", [
      leaf(str("path")),
      stringMap("partitionValues"),
      leaf(i64("size")),
      leaf(i64("modificationTime")),
      leaf(bool("dataChange")),
      leaf(str("stats")),
    ]),
    ...group("remove", [
      leaf(str("path")),
      leaf(i64("deletionTimestamp")),
      leaf(bool("dataChange")),
    ]),
    ...group("metaData", [
      leaf(str("id")),
      leaf(str("name")),
      group("format", [leaf(str("provider")), stringMap("options")]),
      leaf(str("schemaString")),
      stringList("partitionColumns"),
      stringMap("configuration"),
      leaf(i64("createdTime")),
    ]),
    ...group("protocol", [leaf(i32("minReaderVersion")), leaf(i32("minWriterVersion"))]),
  ];
}

/** The checkpoint rows of `snapshot`: protocol, metaData, each txn, add and remove. */
function checkpointRows(snapshot: Snapshot): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const row = (key: string, value: unknown) => rows.push({ [key]: value });
  row("protocol", snapshot.protocol);
  const m = snapshot.metaData!;
  row("metaData", { ...m, createdTime: BigInt(m.createdTime) });
  for (const t of snapshot.txns.values()) {
    row("txn", { ...t, version: BigInt(t.version), lastUpdated: BigInt(t.lastUpdated) });
  }
  for (const a of snapshot.files.values()) {
    row("add", {
      ...a,
      size: BigInt(a.size),
      modificationTime: BigInt(a.modificationTime),
      dataChange: false,
    });
  }
  for (const r of snapshot.tombstones.values()) {
    row("remove", {
      path: r.path,
      deletionTimestamp: BigInt(r.deletionTimestamp),
      dataChange: false,
    });
  }
  return rows;
}

/**
 * Writes the checkpoint of `snapshot` (at its version) and then `_last_checkpoint` pointing at
 * it. A crash between the two leaves `_last_checkpoint` at the previous checkpoint, still valid.
 */
export async function writeCheckpoint(root: string, snapshot: Snapshot): Promise<void> {
  const rows = checkpointRows(snapshot);
  const keys = ["txn", "add", "remove", "metaData", "protocol"];
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    schema: checkpointSchema(),
    columnData: keys.map((k) => ({ name: k, data: rows.map((r) => r[k] ?? null) })),
    codec: "SNAPPY",
    rowGroupSize: 1_000_000,
  });
  const dir = logDir(root);
  const name = `${String(snapshot.version).padStart(20, "0")}.checkpoint.parquet`;
  const temp = join(dir, `.tmp-${crypto.randomUUID()}.parquet`);
  await writeSynced(temp, writer.getBytes());
  await Deno.rename(temp, join(dir, name));
  const last = JSON.stringify({ version: snapshot.version, size: rows.length });
  const lastTemp = join(dir, `.tmp-${crypto.randomUUID()}.last`);
  await writeSynced(lastTemp, new TextEncoder().encode(last));
  await Deno.rename(lastTemp, join(dir, "_last_checkpoint"));
}
