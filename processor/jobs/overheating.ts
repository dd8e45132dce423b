/**
 * `overheating`: per device, the average temperature over sliding windows (default 30 s every
 * 5 s); above a threshold it raises one active alert (to `alerts`) and sends a `shutdown` command
 * (to `device-commands`); the alert clears with hysteresis (below threshold - margin) with one
 * `cleared` alert. A device that stays hot raises nothing more.
 *
 * @module
 */
import type { ConsumerRecord } from "@iot/kafka";
import {
  type Alert,
  decodeClimateReading,
  type DeviceCommand,
  encodeEvent,
  eventHeaders,
  formatTimestamp,
} from "@iot/events";
import { avg } from "../core/aggregator.ts";
import { ThresholdAlert } from "../core/threshold_alert.ts";
import { sliding } from "../core/time_window.ts";
import type { WindowResult } from "../core/window_engine.ts";
import { WindowOperator } from "../core/window_operator.ts";
import type { JobDefinition, TaskOutput } from "../runtime/job.ts";
import { ClockedTask, decodeOrDeadLetter } from "./event_time.ts";

/** Settings of {@linkcode overheatingJob}. */
export interface OverheatingConfig {
  /** Input topic of climate readings. */
  input: string;
  /** Output topic of alerts. */
  alerts: string;
  /** Output topic of device commands. */
  commands: string;
  /** Dead-letter topic. */
  deadLetter: string;
  /** Sliding window size (ms). */
  windowMs: number;
  /** Sliding window slide (ms). */
  slideMs: number;
  /** Average temperature (°C) above which a device is overheating. */
  threshold: number;
  /** Hysteresis (°C): the alert clears below `threshold - margin`. */
  margin: number;
  /** Bounded out-of-orderness of the watermark (ms). */
  maxOutOfOrdernessMs: number;
  /** How long a shutdown command stays valid (ms). */
  commandTtlMs: number;
  /** Partitions of topics created by the job. */
  partitions: number;
}

class OverheatingTask extends ClockedTask {
  readonly #config: OverheatingConfig;
  readonly #window: WindowOperator<number, unknown, number | null>;
  readonly #alerts: ThresholdAlert;
  override readonly operators;

  constructor(config: OverheatingConfig) {
    super(config.maxOutOfOrdernessMs);
    this.#config = config;
    this.#window = new WindowOperator({
      windows: sliding(config.windowMs, config.slideMs),
      aggregator: avg(),
    }) as WindowOperator<number, unknown, number | null>;
    this.#alerts = new ThresholdAlert({ threshold: config.threshold, margin: config.margin });
    this.operators = { window: this.#window, alerts: this.#alerts };
  }

  process(record: ConsumerRecord, out: TaskOutput): void {
    const reading = decodeOrDeadLetter(record, decodeClimateReading, out);
    if (reading === undefined) return;
    const time = Date.parse(reading.ts);
    // Late readings are published by device-aggregates; here they are only counted.
    if (this.#window.process(reading.deviceId, time, reading.temperature).late.length > 0) {
      out.late();
    }
    const { results } = this.#window.advanceWatermark(this.clock.observe(time));
    for (const result of results) this.#onWindow(result, out);
  }

  #onWindow(result: WindowResult<number | null>, out: TaskOutput): void {
    if (result.value === null) return;
    const { key, window } = result;
    const raisedAt = this.#alerts.get(key)?.raisedAtMs;
    const change = this.#alerts.process(key, result.value, window.end, window.end);
    if (change === undefined) return;
    const alertId = `overheating-${key}-${raisedAt ?? window.end}`;
    const alert: Alert = {
      alertId,
      deviceId: key,
      type: "overheating",
      severity: "critical",
      state: change.state,
      value: change.value,
      threshold: change.threshold,
      windowStart: formatTimestamp(window.start),
      windowEnd: formatTimestamp(window.end),
      ts: formatTimestamp(window.end),
    };
    const headers = eventHeaders;
    out.emit({
      topic: this.#config.alerts,
      key,
      value: encodeEvent(alert),
      headers,
      timestamp: window.end,
    });
    if (change.state !== "active") return;
    const command: DeviceCommand = {
      commandId: `${alertId}-shutdown`,
      deviceId: key,
      command: "shutdown",
      reason: `overheating: average temperature ${change.value.toFixed(2)} °C above ` +
        `${change.threshold} °C`,
      issuedAt: formatTimestamp(window.end),
      expiresAt: formatTimestamp(window.end + this.#config.commandTtlMs),
    };
    out.emit({
      topic: this.#config.commands,
      key,
      value: encodeEvent(command),
      headers,
      timestamp: window.end,
    });
  }
}

/** The `overheating` job. */
export function overheatingJob(config: OverheatingConfig, name = "overheating"): JobDefinition {
  const topic = (t: string) => ({ name: t, partitions: config.partitions });
  return {
    name,
    inputs: [config.input],
    topics: [config.input, config.alerts, config.commands, config.deadLetter].map(topic),
    deadLetterTopic: config.deadLetter,
    createTask: () => new OverheatingTask(config),
  };
}
