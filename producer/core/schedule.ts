/**
 * The simulation schedule: builds the fleet's streams and merges their reports in event-time
 * order on a simulated clock, ties broken by stream index (the order devices are defined), so
 * the output for a seed never depends on wall time, rate or batching.
 *
 * @module
 */
import { type Channel, channel, defaultSpike, SensorStream } from "./devices.ts";
import { deviceId, type Fleet, type SensorSettings, tireSensorId } from "./fleet.ts";
import { Rng } from "./rng.ts";
import { defaultSignal, SensorSignal } from "./signals.ts";
import { TimestampFormatter } from "./timestamp.ts";
import type { RecordBytes } from "./record_bytes.ts";

/** A generated record: JSON value, key and event time, ready for a sink. */
export interface SimRecord {
  /** Destination topic name. */
  topic: string;
  /** Record key (device id or tyre sensor id). */
  key: string;
  /** UTF-8 JSON text of the event. */
  value: string;
  /** Event time in epoch ms, the record's Kafka timestamp. */
  timestamp: number;
}

/** What and how much to simulate. */
export interface SimulationOptions {
  /** The fleet. */
  fleet: Fleet;
  /** Seed of every random draw. */
  seed: string;
  /** Simulated start time, epoch ms. */
  startMs: number;
  /** Topic names for climate readings and vehicle pressure readings. */
  topics: { readonly sensorReadings: string; readonly vehiclePressure: string };
  /** Stop after this many records. Default: unbounded. */
  count?: number;
  /** Stop at this much simulated time after the start (exclusive). Default: unbounded. */
  durationMs?: number;
}

function signalOf(settings: SensorSettings, rng: Rng, startMs: number): SensorSignal {
  const { min, max, noise, walk, dailyAmplitude, drift, decimals } = settings;
  const overrides = Object.fromEntries(
    Object.entries({ noise, walk, dailyAmplitude, drift }).filter(([, v]) => v !== undefined),
  );
  return new SensorSignal(defaultSignal(min, max, { ...overrides, decimals }), rng, startMs);
}

function channels(
  first: SensorSettings,
  second: SensorSettings,
  rng: Rng,
  startMs: number,
): [Channel, Channel] {
  const firstMs = startMs + rng.int(Math.min(first.period, second.period));
  return [
    channel(signalOf(first, rng, startMs), first.period, firstMs),
    channel(signalOf(second, rng, startMs), second.period, firstMs),
  ];
}

/** Builds every stream of `fleet`, in definition order, each with its own seeded RNG. */
export function buildStreams(options: SimulationOptions): SensorStream[] {
  const { fleet, seed, startMs, topics } = options;
  const streams: SensorStream[] = [];
  for (const group of fleet.devices) {
    for (let i = 0; i < group.count; i++) {
      const id = deviceId(group.idPrefix, i);
      if (group.type === "climate") {
        const rng = Rng.fromSeed(`${seed}/${id}`);
        const [a, b] = channels(group.temperature, group.humidity, rng, startMs);
        streams.push(new SensorStream("climate", id, id, topics.sensorReadings, a, b));
        continue;
      }
      for (let s = 0; s < group.sensorsPerVehicle; s++) {
        const sensorId = tireSensorId(id, s);
        const rng = Rng.fromSeed(`${seed}/${sensorId}`);
        const [a, b] = channels(group.pressure, group.temperature, rng, startMs);
        streams.push(new SensorStream("tire", sensorId, id, topics.vehiclePressure, a, b));
      }
    }
  }
  bindAnomalies(streams, fleet, startMs);
  applySkew(streams, fleet, seed);
  return streams;
}

function bindAnomalies(streams: SensorStream[], fleet: Fleet, startMs: number): void {
  for (const anomaly of fleet.anomalies) {
    for (const stream of streams) {
      if (stream.key !== anomaly.target && stream.deviceId !== anomaly.target) continue;
      const amount = anomaly.kind === "spike"
        ? anomaly.magnitude ?? defaultSpike[stream.kind]
        : anomaly.kind === "overheat"
        ? anomaly.ratePerMinute
        : 0;
      const start = startMs + anomaly.at;
      stream.anomalies.push({
        kind: anomaly.kind,
        startMs: start,
        endMs: start + anomaly.duration,
        amount,
        maxRise: anomaly.kind === "overheat" ? anomaly.maxRise ?? Infinity : Infinity,
      });
    }
  }
  for (const stream of streams) stream.anomalies.sort((x, y) => x.startMs - y.startMs);
}

function applySkew(streams: SensorStream[], fleet: Fleet, seed: string): void {
  const maxSkew = fleet.realism.clockSkew;
  if (maxSkew === 0) return;
  const skews = new Map<string, number>();
  for (const stream of streams) {
    let skew = skews.get(stream.deviceId);
    if (skew === undefined) {
      skew = Rng.fromSeed(`${seed}/skew/${stream.deviceId}`).int(2 * maxSkew + 1) - maxSkew;
      skews.set(stream.deviceId, skew);
    }
    stream.skewMs = skew;
  }
}

/**
 * Merges the streams' reports in (event time, stream index) order. Pull records with
 * {@linkcode Simulation.fill}; the clock only moves as records are pulled.
 *
 * @example
 * ```ts
 * import { Simulation } from "./schedule.ts";
 * import { fleetFromFlags } from "./fleet.ts";
 * const fleet = fleetFromFlags({
 *   devices: 2, vehicles: 0, sensorsPerVehicle: 4,
 *   tempMin: 15, tempMax: 30, humidityMin: 30, humidityMax: 70,
 * });
 * const sim = new Simulation({
 *   fleet, seed: "42", startMs: 0, count: 10,
 *   topics: { sensorReadings: "sensor-readings", vehiclePressure: "vehicle-pressure" },
 * });
 * const out: import("./schedule.ts").SimRecord[] = [];
 * sim.fill(out, 100, Infinity); // 10 records, in event-time order
 * ```
 */
export class Simulation {
  readonly #options: SimulationOptions;
  readonly #heap: Int32Array;
  readonly #times: Float64Array;
  readonly #format = new TimestampFormatter();
  #streams: SensorStream[] = [];
  #endMs = Infinity;
  #byDevice = new Map<string, SensorStream[]>();
  /** Distinct topics of the streams, and each stream's index among them. */
  #topicNames: string[] = [];
  #streamTopic = new Int32Array(0);
  #remaining: number;
  #nowMs = 0;
  #emitted = 0;

  /** Builds the fleet's streams from `options`. */
  constructor(options: SimulationOptions) {
    this.#options = options;
    this.#remaining = options.count ?? Infinity;
    this.#load(options.startMs);
    this.#heap = new Int32Array(this.#streams.length);
    this.#times = new Float64Array(this.#streams.length);
    this.#schedule();
  }

  #load(startMs: number): void {
    const options = { ...this.#options, startMs };
    this.#streams = buildStreams(options);
    this.#byDevice = new Map();
    for (const stream of this.#streams) {
      for (const id of new Set([stream.deviceId, stream.key])) {
        const list = this.#byDevice.get(id) ?? [];
        list.push(stream);
        this.#byDevice.set(id, list);
      }
    }
    this.#topicNames = [...new Set(this.#streams.map((stream) => stream.topic))];
    this.#streamTopic = Int32Array.from(
      this.#streams,
      (stream) => this.#topicNames.indexOf(stream.topic),
    );
    this.#endMs = options.durationMs === undefined ? Infinity : startMs + options.durationMs;
    this.#nowMs = startMs;
  }

  #schedule(): void {
    const n = this.#streams.length;
    for (let i = 0; i < n; i++) {
      this.#heap[i] = i;
      this.#times[i] = this.#streams[i].nextMs;
    }
    for (let i = (n >> 1) - 1; i >= 0; i--) this.#siftDown(i);
  }

  /** The streams, in definition order (index = tie-break rank). */
  get streams(): readonly SensorStream[] {
    return this.#streams;
  }

  /**
   * Starts the simulation over at `startMs` (anomalies, `durationMs` and signals count from
   * there), keeping which devices are stopped. For a real-time run, whose sending starts only
   * once Kafka is ready. Throws `Error` once records were generated.
   */
  restartAt(startMs: number): void {
    if (this.#emitted > 0) throw new Error("restartAt: records were already generated");
    const stopped = new Set(this.#streams.filter((s) => s.stopped).map((s) => s.key));
    this.#load(startMs);
    for (const stream of this.#streams) stream.stopped = stopped.has(stream.key);
    this.#schedule();
  }

  /** Records produced so far. */
  get emitted(): number {
    return this.#emitted;
  }

  /** Event time of the latest report considered (the simulated clock). */
  get nowMs(): number {
    return this.#nowMs;
  }

  /** Event time of the next report, or `Infinity` when the simulation is over. */
  get nextMs(): number {
    if (this.done) return Infinity;
    return this.#times[this.#heap[0]];
  }

  /** Whether the count or the duration is exhausted (or the fleet is empty). */
  get done(): boolean {
    return this.#remaining <= 0 || this.#heap.length === 0 ||
      this.#times[this.#heap[0]] >= this.#endMs;
  }

  /**
   * Marks the streams of a device, vehicle or sensor id as stopped (or running again), and
   * returns how many streams the id names (0 for an unknown id).
   */
  setStopped(id: string, stopped: boolean): number {
    const streams = this.#byDevice.get(id) ?? [];
    for (const stream of streams) stream.stopped = stopped;
    return streams.length;
  }

  /** Whether every stream `id` names is stopped; `undefined` for an unknown id. */
  isStopped(id: string): boolean | undefined {
    const streams = this.#byDevice.get(id);
    return streams === undefined ? undefined : streams.every((s) => s.stopped);
  }

  /**
   * Appends up to `max` records with event time at most `untilMs` to `out`, in order, and
   * returns how many it appended. It considers at most `2 * max + 1024` reports per call, so it
   * returns promptly (possibly with 0) while devices are stopped or silent.
   */
  fill(out: SimRecord[], max: number, untilMs: number): number {
    const format = this.#format;
    return this.#fill(max, untilMs, (stream, timeMs) => {
      const value = stream.report(timeMs, format);
      if (value === undefined) return false;
      out.push({ topic: stream.topic, key: stream.key, value, timestamp: timeMs + stream.skewMs });
      return true;
    });
  }

  /**
   * Like {@linkcode fill}, writing the records into `out` as bytes (the same bytes as the text
   * of `fill`'s records, UTF-8): no per-record strings or objects.
   */
  fillBytes(out: RecordBytes, max: number, untilMs: number): number {
    const format = this.#format;
    const topics = this.#topicNames.map((topic) => out.topicIndexOf(topic));
    const streamTopic = this.#streamTopic;
    return this.#fill(
      max,
      untilMs,
      (stream, timeMs, index) => stream.reportInto(timeMs, format, out, topics[streamTopic[index]]),
    );
  }

  #fill(
    max: number,
    untilMs: number,
    emit: (stream: SensorStream, timeMs: number, index: number) => boolean,
  ): number {
    const heap = this.#heap, times = this.#times, streams = this.#streams;
    const end = this.#endMs;
    let added = 0;
    // Bounds the work of one call even when every stream is stopped or silenced.
    let steps = 2 * max + 1024;
    while (added < max && this.#remaining > 0 && heap.length > 0 && steps-- > 0) {
      const index = heap[0];
      const timeMs = times[index];
      if (timeMs > untilMs || timeMs >= end) break;
      const stream = streams[index];
      const emitted = emit(stream, timeMs, index);
      times[index] = stream.nextMs;
      this.#siftDown(0);
      this.#nowMs = timeMs;
      if (!emitted) continue;
      added++;
      this.#remaining--;
    }
    this.#emitted += added;
    return added;
  }

  #siftDown(at: number): void {
    const heap = this.#heap, times = this.#times, n = heap.length;
    const item = heap[at], itemTime = times[item];
    for (;;) {
      let child = 2 * at + 1;
      if (child >= n) break;
      let childItem = heap[child];
      let childTime = times[childItem];
      const right = child + 1;
      if (right < n) {
        const rightItem = heap[right], rightTime = times[rightItem];
        if (rightTime < childTime || (rightTime === childTime && rightItem < childItem)) {
          child = right;
          childItem = rightItem;
          childTime = rightTime;
        }
      }
      if (itemTime < childTime || (itemTime === childTime && item < childItem)) break;
      heap[at] = childItem;
      at = child;
    }
    heap[at] = item;
  }
}
