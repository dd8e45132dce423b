/**
 * Device models. Every keyed source of records is one {@linkcode SensorStream}: a climate device
 * (temperature and humidity) or one tyre sensor of a vehicle (pressure and temperature). A
 * stream has two channels sampled at their own periods; it reports whenever either channel
 * samples, carrying the latest value of both.
 *
 * @module
 */
import type { Anomaly } from "./fleet.ts";
import type { SensorSignal } from "./signals.ts";
import type { TimestampFormatter } from "./timestamp.ts";
import { type RecordBytes, utf8 } from "./record_bytes.ts";

/** What a stream simulates; decides its JSON shape and which channel anomalies touch. */
export type StreamKind = "climate" | "tire";

/** A sampled channel: its signal, period and next sample time. */
export interface Channel {
  /** The signal sampled. */
  readonly signal: SensorSignal;
  /** Sampling period in ms. */
  readonly periodMs: number;
  /** Event time of the next sample. */
  nextMs: number;
  /** Latest reported value; NaN before the first. */
  value: number;
}

/** An anomaly bound to one stream, in absolute event time. */
export interface StreamAnomaly {
  /** Which anomaly. */
  readonly kind: Anomaly["kind"];
  /** First affected event time (inclusive). */
  readonly startMs: number;
  /** End of the anomaly (exclusive). */
  readonly endMs: number;
  /** Spike: amount added; overheat: °C per minute. */
  readonly amount: number;
  /** Overheat: the largest rise in °C (`Infinity`: no limit). */
  readonly maxRise: number;
}

/** Default spike sizes: +250 kPa on a tyre, +15 °C on a climate device. */
export const defaultSpike: Readonly<Record<StreamKind, number>> = { tire: 250_000, climate: 15 };

/**
 * Creates a channel whose first sample falls at `firstMs`; streams start both channels at one
 * random phase, so channels with equal periods report together.
 */
export function channel(signal: SensorSignal, periodMs: number, firstMs: number): Channel {
  return { signal, periodMs, nextMs: firstMs, value: Number.NaN };
}

/**
 * One keyed source of records. For a climate device `a` is temperature and `b` humidity; for a
 * tyre sensor `a` is pressure and `b` temperature.
 */
export class SensorStream {
  /** Record key: the device id or the tyre sensor id. */
  readonly key: string;
  /** The device (climate) or vehicle (tyre) id, the target of commands. */
  readonly deviceId: string;
  /** What it simulates. */
  readonly kind: StreamKind;
  /** Destination topic name. */
  readonly topic: string;
  /** First channel. */
  readonly a: Channel;
  /** Second channel. */
  readonly b: Channel;
  /** Anomalies, by start time. */
  readonly anomalies: StreamAnomaly[] = [];
  /** Offset of this device's clock from true event time (realism). */
  skewMs = 0;
  /** Set while a `shutdown` command holds: samples are taken but not reported. */
  stopped = false;
  readonly #prefix: string;
  readonly #keyBytes: Uint8Array;
  /** Value bytes: before the timestamp, between it and `a`, between `a` and `b`. */
  readonly #parts: readonly [Uint8Array, Uint8Array, Uint8Array];
  #va = 0;
  #vb = 0;

  /** Creates a stream; `vehicleId` is set for tyre sensors. */
  constructor(
    kind: StreamKind,
    key: string,
    deviceId: string,
    topic: string,
    a: Channel,
    b: Channel,
  ) {
    this.kind = kind;
    this.key = key;
    this.deviceId = deviceId;
    this.topic = topic;
    this.a = a;
    this.b = b;
    // Ids match [A-Za-z0-9._-], so they need no JSON escaping.
    this.#prefix = kind === "climate"
      ? `{"deviceId":"${key}","ts":"`
      : `{"vehicleId":"${deviceId}","sensorId":"${key}","ts":"`;
    this.#keyBytes = utf8(key);
    this.#parts = kind === "climate"
      ? [utf8(this.#prefix), utf8(`","temperature":`), utf8(`,"humidity":`)]
      : [utf8(this.#prefix), utf8(`","pressure":`), utf8(`,"temperature":`)];
  }

  /** Event time of the next report. */
  get nextMs(): number {
    return this.a.nextMs < this.b.nextMs ? this.a.nextMs : this.b.nextMs;
  }

  /**
   * Takes the samples due at `timeMs` (its {@linkcode nextMs}) and returns the record's JSON, or
   * `undefined` when the stream is silenced or stopped at that time.
   */
  report(timeMs: number, format: TimestampFormatter): string | undefined {
    if (!this.#sample(timeMs)) return undefined;
    const ts = format.format(timeMs + this.skewMs);
    return this.kind === "climate"
      ? `${this.#prefix}${ts}","temperature":${this.#va},"humidity":${this.#vb}}`
      : `${this.#prefix}${ts}","pressure":${this.#va},"temperature":${this.#vb}}`;
  }

  /**
   * Like {@linkcode report}, writing the record (key, value, timestamp) into `out` under topic
   * index `topic`; the same bytes as `report`'s text. Returns whether it wrote one.
   */
  reportInto(timeMs: number, format: TimestampFormatter, out: RecordBytes, topic: number): boolean {
    if (!this.#sample(timeMs)) return false;
    const parts = this.#parts;
    out.key(this.#keyBytes);
    out.bytes(parts[0]);
    format.writeInto(timeMs + this.skewMs, out);
    out.bytes(parts[1]);
    out.number(this.#va);
    out.bytes(parts[2]);
    out.number(this.#vb);
    out.byte(0x7d); // }
    out.end(topic, timeMs + this.skewMs);
    return true;
  }

  /** Takes the samples due at `timeMs` into `#va`/`#vb`; false when nothing is reported. */
  #sample(timeMs: number): boolean {
    const a = this.a, b = this.b;
    if (a.nextMs === timeMs || a.value !== a.value) a.value = a.signal.sample(timeMs);
    if (b.nextMs === timeMs || b.value !== b.value) b.value = b.signal.sample(timeMs);
    if (a.nextMs === timeMs) a.nextMs += a.periodMs;
    if (b.nextMs === timeMs) b.nextMs += b.periodMs;
    let va = a.value, vb = b.value;
    if (this.anomalies.length > 0) {
      for (const anomaly of this.anomalies) {
        if (timeMs < anomaly.startMs || timeMs >= anomaly.endMs) continue;
        if (anomaly.kind === "silence") return false;
        if (anomaly.kind === "spike") {
          va += anomaly.amount;
          continue;
        }
        const ramp = anomaly.amount * (timeMs - anomaly.startMs) / 60_000;
        const rise = ramp < anomaly.maxRise ? ramp : anomaly.maxRise;
        if (this.kind === "climate") va += rise;
        else vb += rise;
      }
      // A negative spike must not push a tyre below 0 Pa, which the schema rejects.
      va = this.kind === "tire" && va < 0 ? 0 : Math.round(va * 100) / 100;
      vb = Math.round(vb * 100) / 100;
    }
    if (this.stopped) return false;
    this.#va = va;
    this.#vb = vb;
    return true;
  }
}
