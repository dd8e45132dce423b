/**
 * Benchmarks of the hot path: `deno bench events/codec_bench.ts`.
 *
 * @module
 */
import { decodeClimateReading, encodeEvent, parseClimateReading } from "./mod.ts";

const canonical = {
  deviceId: "dev-1",
  ts: "2025-07-22T22:30:45.123Z",
  temperature: 21.5,
  humidity: 40.25,
};
const canonicalBytes = new TextEncoder().encode(JSON.stringify(canonical));
const legacyBytes = new TextEncoder().encode(
  '{"device_id":"dev-1","timestamp":1753223445123,"temperature":21.5,"humidity":40.25}',
);

Deno.bench("parseClimateReading, canonical object", { group: "parse", baseline: true }, () => {
  parseClimateReading(canonical);
});

Deno.bench("decodeClimateReading, canonical bytes", { group: "decode", baseline: true }, () => {
  decodeClimateReading(canonicalBytes);
});

Deno.bench("decodeClimateReading, legacy bytes", { group: "decode" }, () => {
  decodeClimateReading(legacyBytes);
});

Deno.bench("encodeEvent, climate reading", () => {
  encodeEvent(canonical);
});
