/**
 * The input of `deno task bench:flink` and `deno task bench:scaling`: a topic of JSON climate
 * readings, as `sensor-readings` carries them, keyed by device.
 *
 * @module
 */
import { Admin, Producer } from "@iot/kafka";
import type { BenchInput } from "./flink_runs.ts";

/**
 * Event time of the first reading: a day ago on a whole hour. Results are stamped with their
 * window's end, so older event times would fall to the broker's 7-day retention at once.
 */
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 86_400_000;

/**
 * Fills `topic` with `events` readings of `devices` devices, one per device and second (jittered
 * by up to 0.6 s); devices run hot (about 43 °C) one minute in four, so alerts rise and clear.
 */
export async function fill(
  bootstrap: string,
  topic: string,
  events: number,
  devices: number,
  partitions: number,
): Promise<BenchInput> {
  await using admin = new Admin({ config: { "bootstrap.servers": bootstrap } });
  await admin.createTopics([{ name: topic, partitions }]);
  await using producer = new Producer({
    config: { "bootstrap.servers": bootstrap, "linger.ms": 20, "compression.type": "lz4" },
  });
  const encoder = new TextEncoder();
  let maxTs = 0;
  for (let start = 0; start < events; start += 50_000) {
    const records = [];
    for (let i = start; i < Math.min(events, start + 50_000); i++) {
      const device = i % devices, second = Math.floor(i / devices);
      const deviceId = `device-${device}`;
      const ts = T0 + second * 1_000 + (i % 7) * 100;
      maxTs = Math.max(maxTs, ts);
      const hot = (second + device * 13) % 240 < 60;
      const temperature = hot ? 41 + (i % 5) / 2 : 22 + (i % 50) / 10;
      const value = `{"deviceId":"${deviceId}","ts":"${new Date(ts).toISOString()}",` +
        `"temperature":${temperature},"humidity":${40 + (i % 200) / 10}}`;
      records.push({ topic, key: deviceId, value: encoder.encode(value) });
    }
    await producer.sendBatch(records);
  }
  return { topic, events, devices, partitions, maxTs };
}
