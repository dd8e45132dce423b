/**
 * The output check of `deno task bench:flink`: reads two output topics as a read_committed
 * reader and compares their results (window aggregates, or overheating alerts) as plain data.
 *
 * @module
 */
import { Admin, Consumer } from "@iot/kafka";
import { uniqueName } from "@iot/testing";

/** Every committed value of `topic` (all partitions, from the start), as parsed JSON. */
export async function committedValues(
  bootstrap: string,
  topic: string,
): Promise<Record<string, unknown>[]> {
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  const [described] = await admin.describeTopics([topic]);
  await using consumer = new Consumer({
    config: {
      "bootstrap.servers": bootstrap,
      "group.id": uniqueName("flink-bench-check"),
      "isolation.level": "read_committed",
      "enable.auto.commit": false,
      "fetch.wait.max.ms": 20,
    },
  });
  const starts = new Map<number, number>(), ends = new Map<number, number>();
  for (const { partition } of described.partitions) {
    const { low, high } = await consumer.watermarkOffsets(topic, partition);
    if (high > low) {
      starts.set(partition, low);
      ends.set(partition, high);
    }
  }
  const values: Record<string, unknown>[] = [];
  if (ends.size === 0) return values;
  const open = [...ends.keys()].map((partition) => ({ topic, partition }));
  consumer.assign(open.map((tp) => ({ ...tp, offset: starts.get(tp.partition)! })));
  const atEnd = () => consumer.position(open).every((tp) => tp.offset! >= ends.get(tp.partition)!);
  const stop = new AbortController();
  const check = setInterval(() => atEnd() && stop.abort(), 50);
  const deadline = setTimeout(() => stop.abort(), 120_000);
  const decoder = new TextDecoder();
  try {
    for await (const batch of consumer.batches({ signal: stop.signal })) {
      for (const r of batch) values.push(JSON.parse(decoder.decode(r.value!)));
    }
  } finally {
    clearInterval(check);
    clearTimeout(deadline);
  }
  if (!atEnd()) throw new Error(`reading ${topic} did not reach its end in 120 s`);
  return values;
}

/** How two outputs compare over the results both must hold. */
export interface Comparison {
  /** Results compared (those both must have produced). */
  compared: number;
  /** Results equal in both. */
  same: number;
  /** Results in one output only, or with different values. */
  onlyPeer: number;
  onlyOurs: number;
  different: number;
  /** Results written more than once (exactly-once says: none). */
  duplicates: number;
  /** Results read from each output, cut-off or not. */
  peerTotal: number;
  oursTotal: number;
}

/** The identity of a result: device and window (plus alert state for alerts). */
function identity(v: Record<string, unknown>): string {
  const end = Date.parse(String(v.windowEnd));
  return v.alertId === undefined ? `${v.deviceId}|${end}` : `${v.alertId}|${v.state}|${end}`;
}

/** The compared content of a result: numbers as numbers, timestamps as epoch ms. */
function content(v: Record<string, unknown>): unknown[] {
  const nums = (o: unknown) => {
    const s = o as Record<string, number>;
    return [s.avg, s.min, s.max];
  };
  const start = Date.parse(String(v.windowStart));
  return v.alertId === undefined
    ? [start, v.count, ...nums(v.temperature), ...nums(v.humidity)]
    : [start, v.value, v.threshold, v.state];
}

function close(a: unknown, b: unknown): boolean {
  if (typeof a !== "number" || typeof b !== "number") return a === b;
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * Compares the results whose window ended at or before the last window end in `peer`. Flink's
 * watermark is the minimum over all input partitions, ours is per partition and never behind it,
 * so when both stop, every window Flink fired has fired here too; ours may have fired later ones.
 */
export function compareOutputs(
  peer: readonly Record<string, unknown>[],
  ours: readonly Record<string, unknown>[],
): Comparison {
  const cutoffMs = Math.max(...peer.map((v) => Date.parse(String(v.windowEnd))));
  let duplicates = 0;
  const index = (values: readonly Record<string, unknown>[]) => {
    const map = new Map<string, unknown[]>();
    for (const v of values) {
      if (Date.parse(String(v.windowEnd)) > cutoffMs) continue;
      const id = identity(v);
      if (map.has(id)) duplicates++;
      map.set(id, content(v));
    }
    return map;
  };
  const p = index(peer), o = index(ours);
  const result = { compared: 0, same: 0, onlyPeer: 0, onlyOurs: 0, different: 0, duplicates: 0 };
  for (const [id, value] of p) {
    result.compared++;
    const other = o.get(id);
    if (other === undefined) result.onlyPeer++;
    else if (value.every((x, i) => close(x, other[i]))) result.same++;
    else result.different++;
  }
  for (const id of o.keys()) if (!p.has(id)) result.onlyOurs++;
  return { ...result, duplicates, peerTotal: peer.length, oursTotal: ours.length };
}
