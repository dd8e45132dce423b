/**
 * `overheating`: per device, the average temperature over sliding windows (default 30 s every
 * 5 s); above a threshold it raises one active alert (to `alerts`) and sends a `shutdown` command
 * (to `device-commands`); the alert clears with hysteresis (below threshold - margin) with one
 * `cleared` alert.
 *
 * Input: readings keyed by their payload's `deviceId` (the `readings-by-device` job's output), so
 * a device's windows live in one task however its readings were keyed when produced.
 *
 * Time domains: windows and alerts are in event time; a command's `issuedAt`/`expiresAt` are in
 * wall-clock time (`now()` when the command is issued, plus `commandTtlMs`), because the device
 * judges expiry by its own wall clock; the command's `eventTime` is the end of the window that
 * triggered it.
 *
 * Re-issued shutdowns: while an alert is active and the device keeps reporting windows above the
 * threshold, a new `shutdown` (a new `commandId`, `<alertId>-shutdown-<window end ms>`) is sent
 * at most once per `commandReissueMs` of event time. A device that obeyed (or that was restarted
 * and shut down again) sends nothing, so it gets nothing more; one that missed, dropped or let
 * the command expire, or was restarted while still hot, is shut down again. No new alert is
 * raised for it: the episode's alert stays the one active alert until it clears.
 *
 * @module
 */
import type { ConsumerRecord } from "@iot/kafka";
import {
  type Alert,
  type DeviceCommand,
  encodeEvent,
  eventHeaders,
  formatTimestamp,
} from "@iot/events";
import { avg } from "../core/aggregator.ts";
import { KeyedState } from "../core/keyed_state.ts";
import { ThresholdAlert } from "../core/threshold_alert.ts";
import { sliding } from "../core/time_window.ts";
import type { WindowResult } from "../core/window_engine.ts";
import { WindowOperator } from "../core/window_operator.ts";
import type { JobDefinition, TaskOutput } from "../runtime/job.ts";
import { climateReadingOrDeadLetter, ClockedTask, type SourceOptions } from "./event_time.ts";

/** Settings of {@linkcode overheatingJob}. */
export interface OverheatingConfig {
  /** Input topic of climate readings keyed by `deviceId` (the `readings-by-device` output). */
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
  /** Bounded out-of-orderness of the watermark (ms), per upstream source of the input. */
  maxOutOfOrdernessMs: number;
  /** Upstream sources of the input and their idleness (`TaskClock`). Default: none expected. */
  sources?: SourceOptions;
  /** How long a shutdown command stays valid (ms of wall-clock time after it is issued). */
  commandTtlMs: number;
  /**
   * While an alert stays active and windows stay above the threshold, re-issue the shutdown at
   * most once per this many ms of event time. Default 60 000. Keep it above `windowMs` plus the
   * command's delivery delay (in event time), or windows still holding the last readings of a
   * device that obeyed send it a second, harmless, shutdown.
   */
  commandReissueMs?: number;
  /** The wall clock that stamps commands' `issuedAt`/`expiresAt`. Default `Date.now`. */
  now?: () => number;
  /** Partitions of topics created by the job. */
  partitions: number;
}

/** Default of {@linkcode OverheatingConfig.commandReissueMs}. */
export const DEFAULT_COMMAND_REISSUE_MS = 60_000;

class OverheatingTask extends ClockedTask {
  readonly #config: OverheatingConfig;
  readonly #window: WindowOperator<number, unknown, number | null>;
  readonly #alerts: ThresholdAlert;
  /** Per device with an active alert: the event time (window end) of its last shutdown. */
  readonly #commands = new KeyedState<number>(undefined, "shutdown-commands");
  readonly #reissueMs: number;
  readonly #now: () => number;
  override readonly operators;

  constructor(config: OverheatingConfig) {
    super(config.maxOutOfOrdernessMs, config.sources);
    this.#config = config;
    this.#window = new WindowOperator({
      windows: sliding(config.windowMs, config.slideMs),
      aggregator: avg(),
    }) as WindowOperator<number, unknown, number | null>;
    this.#alerts = new ThresholdAlert({ threshold: config.threshold, margin: config.margin });
    this.#reissueMs = config.commandReissueMs ?? DEFAULT_COMMAND_REISSUE_MS;
    this.#now = config.now ?? Date.now;
    this.operators = { window: this.#window, alerts: this.#alerts, commands: this.#commands };
  }

  process(record: ConsumerRecord, out: TaskOutput): void {
    const reading = climateReadingOrDeadLetter(record, out);
    if (reading === undefined) return;
    const time = reading.timeMs;
    // Late readings are published by device-aggregates; here they are only counted.
    if (this.#window.process(reading.deviceId, time, reading.temperature).late.length > 0) {
      out.late();
    }
    const { results } = this.#window.advanceWatermark(this.observeRecord(record, time));
    for (const result of results) this.#onWindow(result, out);
  }

  #onWindow(result: WindowResult<number | null>, out: TaskOutput): void {
    if (result.value === null) return;
    const { key, window } = result;
    const active = this.#alerts.get(key);
    const alertId = `overheating-${key}-${active?.raisedAtMs ?? window.end}`;
    const change = this.#alerts.process(key, result.value, window.end, window.end);
    if (change === undefined) {
      if (active !== undefined && result.value > this.#config.threshold) {
        this.#maybeReissue(key, alertId, result.value, window.end, active.raisedAtMs, out);
      }
      return;
    }
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
    out.emit({
      topic: this.#config.alerts,
      key,
      value: encodeEvent(alert),
      headers: eventHeaders,
      timestamp: window.end,
    });
    if (change.state === "active") {
      this.#shutdown(key, `${alertId}-shutdown`, change.value, window.end, out);
    } else this.#commands.delete(key);
  }

  /** Re-issues the shutdown of a device still hot `commandReissueMs` after the last one. */
  #maybeReissue(
    key: string,
    alertId: string,
    value: number,
    windowEnd: number,
    raisedAtMs: number,
    out: TaskOutput,
  ): void {
    // An alert restored from a checkpoint without this operator: its shutdown went at raise time.
    const last = this.#commands.get(key) ?? raisedAtMs;
    if (windowEnd - last < this.#reissueMs) return;
    this.#shutdown(key, `${alertId}-shutdown-${windowEnd}`, value, windowEnd, out);
  }

  /** Sends a shutdown command stamped in wall-clock time, and remembers its event time. */
  #shutdown(key: string, commandId: string, value: number, windowEnd: number, out: TaskOutput) {
    this.#commands.advanceClock({ eventTimeMs: windowEnd });
    this.#commands.set(key, windowEnd);
    const issuedAt = this.#now();
    const command: DeviceCommand = {
      commandId,
      deviceId: key,
      command: "shutdown",
      reason: `overheating: average temperature ${value.toFixed(2)} °C above ` +
        `${this.#config.threshold} °C`,
      issuedAt: formatTimestamp(issuedAt),
      expiresAt: formatTimestamp(issuedAt + this.#config.commandTtlMs),
      eventTime: formatTimestamp(windowEnd),
    };
    // Stamped with the issue time too, so retention and time lookups of the command topic follow
    // the wall clock the command lives in.
    out.emit({
      topic: this.#config.commands,
      key,
      value: encodeEvent(command),
      headers: eventHeaders,
      timestamp: issuedAt,
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
