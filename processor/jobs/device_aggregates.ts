/**
 * `device-aggregates`: per device, tumbling windows (default 1 minute) of temperature and
 * humidity (count, avg, min, max) to `sensor-aggregates`; late readings to `late-readings`;
 * unreadable input to `dead-letter`.
 *
 * Input: readings keyed by their payload's `deviceId` (the `readings-by-device` job's output,
 * already validated there once), so all of a device's readings meet in one task and each device
 * and window yields exactly one aggregate, whatever key the producer gave them. A record that
 * still fails to decode is dead-lettered here (it can only come from another writer).
 *
 * @module
 */
import type { ConsumerRecord } from "@iot/kafka";
import { encodeEvent, eventHeaders, formatTimestamp, type WindowAggregate } from "@iot/events";
import { fields, type Stats, stats } from "../core/aggregator.ts";
import { sliding, tumbling } from "../core/time_window.ts";
import type { WindowResult } from "../core/window_engine.ts";
import { WindowOperator } from "../core/window_operator.ts";
import type { JobDefinition, TaskOutput } from "../runtime/job.ts";
import { climateReadingOrDeadLetter, ClockedTask, type SourceOptions } from "./event_time.ts";

/** Settings of {@linkcode deviceAggregatesJob}. */
export interface DeviceAggregatesConfig {
  /** Input topic of climate readings keyed by `deviceId` (the `readings-by-device` output). */
  input: string;
  /** Output topic of window aggregates. */
  output: string;
  /** Topic of late readings. */
  late: string;
  /** Dead-letter topic. */
  deadLetter: string;
  /** Window size (ms). */
  windowMs: number;
  /**
   * Slide (ms) for sliding windows of `windowMs` (pane-based: the cost per reading does not grow
   * with `windowMs / slideMs`). Default: tumbling windows.
   */
  slideMs?: number;
  /** Bounded out-of-orderness of the watermark (ms), per upstream source of the input. */
  maxOutOfOrdernessMs: number;
  /** Upstream sources of the input and their idleness (`TaskClock`). Default: none expected. */
  sources?: SourceOptions;
  /** Allowed lateness of windows (ms). */
  allowedLatenessMs: number;
  /** Partitions of topics created by the job. */
  partitions: number;
}

type Climate = { temperature: number; humidity: number };
type ClimateStats = { temperature: Stats | null; humidity: Stats | null };

const climateStats = () => fields({ temperature: stats(), humidity: stats() });

/** Builds the `WindowAggregate` event of one fired window. */
export function windowAggregate(result: WindowResult<ClimateStats>): WindowAggregate {
  const t = result.value.temperature!, h = result.value.humidity!;
  return {
    deviceId: result.key,
    windowStart: formatTimestamp(result.window.start),
    windowEnd: formatTimestamp(result.window.end),
    count: t.count,
    temperature: { avg: t.avg, min: t.min, max: t.max },
    humidity: { avg: h.avg, min: h.min, max: h.max },
  };
}

class DeviceAggregatesTask extends ClockedTask {
  readonly #config: DeviceAggregatesConfig;
  readonly #window: WindowOperator<Climate, unknown, ClimateStats>;
  override readonly operators;

  constructor(config: DeviceAggregatesConfig) {
    super(config.maxOutOfOrdernessMs, config.sources);
    this.#config = config;
    this.#window = new WindowOperator({
      windows: config.slideMs === undefined
        ? tumbling(config.windowMs)
        : sliding(config.windowMs, config.slideMs),
      aggregator: climateStats(),
      allowedLatenessMs: config.allowedLatenessMs,
    }) as WindowOperator<Climate, unknown, ClimateStats>;
    this.operators = { window: this.#window };
  }

  process(record: ConsumerRecord, out: TaskOutput): void {
    const reading = climateReadingOrDeadLetter(record, out);
    if (reading === undefined) return;
    const time = reading.timeMs;
    const { late } = this.#window.process(reading.deviceId, time, {
      temperature: reading.temperature,
      humidity: reading.humidity,
    });
    if (late.length > 0) {
      out.late({
        topic: this.#config.late,
        key: reading.deviceId,
        // The canonical bytes as received, or the decoded reading encoded canonically.
        value: reading.decoded ? encodeEvent(reading.decoded) : record.value!,
        headers: eventHeaders,
        timestamp: time,
      });
    }
    const { results } = this.#window.advanceWatermark(this.observeRecord(record, time));
    for (const result of results) {
      out.emit({
        topic: this.#config.output,
        key: result.key,
        value: encodeEvent(windowAggregate(result)),
        headers: eventHeaders,
        timestamp: result.window.end,
      });
    }
  }
}

/**
 * The `device-aggregates` job.
 *
 * @example
 * ```ts ignore
 * const job = deviceAggregatesJob({ input: "sensor-readings", output: "sensor-aggregates",
 *   late: "late-readings", deadLetter: "dead-letter", windowMs: 60_000,
 *   maxOutOfOrdernessMs: 30_000, allowedLatenessMs: 0, partitions: 4 });
 * ```
 */
export function deviceAggregatesJob(
  config: DeviceAggregatesConfig,
  name = "device-aggregates",
): JobDefinition {
  const topic = (t: string) => ({ name: t, partitions: config.partitions });
  return {
    name,
    inputs: [config.input],
    topics: [config.input, config.output, config.late, config.deadLetter].map(topic),
    deadLetterTopic: config.deadLetter,
    createTask: () => new DeviceAggregatesTask(config),
  };
}
