import { assert, assertEquals } from "@std/assert";
import { decodeClimateReading } from "./climate.ts";
import { scanCanonicalClimateReading } from "./climate_canonical.ts";
import { encodeEvent } from "./registry.ts";
import { formatTimestamp } from "./time.ts";

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);
const canonical = (o: Record<string, unknown>) => encoder.encode(JSON.stringify(o));

/**
 * The contract: whatever the scanner accepts, the reference decoder accepts with the same values
 * and `encodeEvent` of it is the input byte for byte; whatever the scanner declines is left to
 * the decoder (no verdict here).
 */
function check(input: Uint8Array): boolean {
  const scanned = scanCanonicalClimateReading(input);
  if (scanned === undefined) return false;
  const reference = decodeClimateReading(input);
  assert(reference.ok, `accepted what the decoder rejects: ${new TextDecoder().decode(input)}`);
  const { deviceId, temperature, humidity } = reference.value;
  assertEquals(scanned, {
    deviceId,
    timeMs: Date.parse(reference.value.ts),
    temperature,
    humidity,
  });
  assertEquals(formatTimestamp(scanned.timeMs), reference.value.ts);
  assertEquals(encodeEvent(reference.value), input);
  return true;
}

const base = {
  deviceId: "device-7",
  ts: "2025-07-22T22:30:45.123Z",
  temperature: 21.5,
  humidity: 40,
};

Deno.test("scanCanonicalClimateReading accepts encodeEvent's bytes and agrees with the decoder", () => {
  assert(check(encodeEvent(base)));
  assertEquals(scanCanonicalClimateReading(encodeEvent(base))?.timeMs, 1753223445123);
  for (
    const ts of [
      "0000-01-01T00:00:00.000Z",
      "0000-02-29T23:59:59.999Z",
      "1900-02-28T12:00:00.000Z",
      "1969-12-31T23:59:59.999Z",
      "2000-02-29T00:00:00.000Z",
      "2024-12-31T23:59:59.999Z",
      "9999-12-31T23:59:59.999Z",
    ]
  ) assert(check(canonical({ ...base, ts })), ts);
  for (const temperature of [-273.15, 0, -0.5, 0.000001, 1234567.25, 99.123456789012]) {
    assert(check(canonical({ ...base, temperature })), String(temperature));
  }
  assert(check(canonical({ ...base, deviceId: "x".repeat(256) })));
  assert(check(canonical({ ...base, deviceId: "a b~!#$%&'()*+,-./:;<=>?@[]^_`{|}" })));
});

Deno.test("scanCanonicalClimateReading declines everything but the exact canonical encoding", () => {
  const declined = [
    ...[
      " " + JSON.stringify(base),
      JSON.stringify(base, null, 1),
      JSON.stringify({ ts: base.ts, deviceId: base.deviceId, temperature: 21.5, humidity: 40 }),
      JSON.stringify({ ...base, battery: 50 }),
      JSON.stringify({ deviceId: "d1", ts: base.ts, temperature: 1 }),
      '{"deviceId":"d1","ts":"2025-07-22T22:30:45.123Z","temperature":21.50,"humidity":40}',
      '{"deviceId":"d1","ts":"2025-07-22T22:30:45.123Z","temperature":2.15e1,"humidity":40}',
      '{"deviceId":"d1","ts":"2025-07-22T22:30:45.123Z","temperature":021,"humidity":40}',
      '{"deviceId":"d1","ts":"2025-07-22T22:30:45.123Z","temperature":21.,"humidity":40}',
      '{"deviceId":"d1","ts":"2025-07-22T22:30:45.123Z","temperature":21,"humidity":-0}',
      '{"deviceId":"d1","ts":"2025-07-22T22:30:45.123Z","temperature":0.0000001,"humidity":4}',
      '{"deviceId":"d1","ts":"2025-07-22T22:30:45.123Z","temperature":1.2345678901234567,"humidity":4}',
      '{"deviceId":"d\\u0031","ts":"2025-07-22T22:30:45.123Z","temperature":21,"humidity":40}',
      '{"deviceId":"dé","ts":"2025-07-22T22:30:45.123Z","temperature":21,"humidity":40}',
      '{"deviceId":"d1","ts":"2025-07-22T22:30:45.123Z","temperature":21,"humidity":40} ',
      '{"deviceId":"d1","ts":"2025-07-22T22:30:45.123Z","temperature":21,"humidity":40',
      '{"deviceId":"d1","ts":"2025-07-22T22:30:45.123Z","temperature":21,"humidity":',
      '{"deviceId":"d1","ts":"2025-07-22T22:30:45.123Z","temperature":',
      '{"deviceId":"d1","ts":"2025-07-22T22:30:45',
      '{"deviceId":"',
      "",
    ].map(bytes),
    ...[
      { ...base, deviceId: "" },
      { ...base, deviceId: "x".repeat(257) },
      { ...base, deviceId: 'a"b' },
      { ...base, deviceId: "a\nb" },
      { ...base, ts: "2023-02-29T00:00:00.000Z" },
      { ...base, ts: "1900-02-29T00:00:00.000Z" },
      { ...base, ts: "2024-04-31T00:00:00.000Z" },
      { ...base, ts: "2024-13-01T00:00:00.000Z" },
      { ...base, ts: "2024-00-01T00:00:00.000Z" },
      { ...base, ts: "2024-01-00T00:00:00.000Z" },
      { ...base, ts: "2024-01-01T24:00:00.000Z" },
      { ...base, ts: "2024-01-01T23:60:00.000Z" },
      { ...base, ts: "2024-01-01T23:59:60.000Z" },
      { ...base, ts: "2024-01-01T23:59:59.99Z" },
      { ...base, ts: "2024-01-01T23:59:59.9999Z" },
      { ...base, ts: "2024-01-01T23:59:59.999z" },
      { ...base, ts: "2024-01-01 23:59:59.999Z" },
      { ...base, ts: "2024-01-01T23:59:59,999Z" },
      { ...base, ts: "2024-01-01T23:59:59.999+00:00" },
      { ...base, ts: "+02024-01-01T23:59:59.999Z" },
      { ...base, ts: 1753223445123 },
      { ...base, temperature: -273.16 },
      { ...base, temperature: "21.5" },
      { ...base, temperature: null },
      { ...base, humidity: 100.0001 },
      { ...base, humidity: -1 },
    ].map(canonical),
  ];
  for (const input of declined) {
    assertEquals(scanCanonicalClimateReading(input), undefined, new TextDecoder().decode(input));
  }
});

Deno.test("scanCanonicalClimateReading keeps its contract on generated and mutated readings", () => {
  // A small deterministic generator (no dependency on Math.random's sequence).
  let seed = 42;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const numbers = () => {
    const r = next();
    if (r < 0.3) return Math.round((next() * 400 - 273) * 100) / 100;
    if (r < 0.5) return Math.floor(next() * 101);
    if (r < 0.7) return next() * 100;
    if (r < 0.8) return 10 ** Math.floor(next() * 30 - 10) * next();
    return Number((next() * 100).toPrecision(1 + Math.floor(next() * 17)));
  };
  const alphabet = '0123456789ZT:.-"\\, e+';
  let accepted = 0;
  for (let n = 0; n < 20_000; n++) {
    const ms = Math.floor(next() * 253_402_300_800_000); // years 0000 to 9999
    const reading = {
      deviceId: `device-${Math.floor(next() * 1e6)}`,
      ts: new Date(ms).toISOString(),
      temperature: numbers(),
      humidity: numbers(),
    };
    const text = JSON.stringify(reading);
    if (check(bytes(text))) accepted++;
    // One byte changed: accepted only if still canonical and valid.
    const at = Math.floor(next() * text.length);
    const c = alphabet[Math.floor(next() * alphabet.length)];
    check(bytes(text.slice(0, at) + c + text.slice(at + 1)));
  }
  assert(accepted > 5_000, `only ${accepted} generated readings were accepted`);
});
