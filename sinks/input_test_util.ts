/**
 * Input of the sinks' integration tests that run the whole sinks process: chunks of every kind
 * with unique natural keys, plus invalid records.
 *
 * @module
 */
import { keyOf, type Topics } from "@iot/events";
import type { ProducerRecord } from "@iot/kafka";
import type { SinkKind } from "./record.ts";
import { sampleRecord } from "./writer_contract_test_util.ts";

const T0 = Date.parse("2026-01-01T00:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** A valid value of `kind` whose natural key is unique for `n` (values stay within range). */
export function valueOf(
  kind: Exclude<SinkKind, "dead-letter">,
  n: number,
): Record<string, unknown> {
  const base = sampleRecord(kind, n % 40).value;
  const ts = iso(T0 + n * 1000);
  switch (kind) {
    case "climate-reading":
    case "vehicle-pressure-reading":
    case "vehicle-pressure-max":
      return { ...base, ts };
    case "window-aggregate":
      return { ...base, windowStart: ts, windowEnd: iso(T0 + n * 1000 + 60_000) };
    case "alert":
      return { ...base, alertId: `overheating-d1-${n}` };
    case "device-command":
    case "command-status":
      return { ...base, commandId: `cmd-${n}` };
  }
}

/**
 * One chunk of input: every kind (`scale` times the usual counts, rounded up), plus an invalid
 * reading and a schema-violating alert.
 */
export function chunk(t: Topics, i: number, scale = 1): ProducerRecord[] {
  const records: ProducerRecord[] = [];
  const add = (kind: Exclude<SinkKind, "dead-letter">, topic: string, count: number) => {
    for (let j = 0; j < Math.ceil(count * scale); j++) {
      const value = valueOf(kind, i * 1000 + j);
      records.push({ topic, key: keyOf(kind, value as never), value: JSON.stringify(value) });
    }
  };
  add("climate-reading", t.sensorReadings, 150);
  add("vehicle-pressure-reading", t.vehiclePressure, 30);
  add("window-aggregate", t.sensorAggregates, 20);
  add("alert", t.alerts, 4);
  add("command-status", t.commandStatus, 4);
  add("vehicle-pressure-max", t.vehiclePressureMax, 6);
  records.push({ topic: t.sensorReadings, key: "d1", value: `{"deviceId":"d1",${i}` });
  records.push({ topic: t.alerts, key: "d1", value: JSON.stringify({ alertId: `bad-${i}` }) });
  return records;
}
