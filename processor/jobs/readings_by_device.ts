/**
 * `readings-by-device`: the one owner of the raw `sensor-readings` topic. It validates each
 * reading once (unreadable ones, and ones stamped too far in the future, go to `dead-letter` once,
 * with the reason in headers) and writes the valid ones, canonical, keyed by their payload's
 * `deviceId`, to a named repartition topic (Flink's `keyBy(deviceId)`, Kafka Streams'
 * repartition topic). `device-aggregates` and `overheating` consume that topic, so each device's
 * state lives in exactly one task, whatever key (or none) and partition the producer used.
 *
 * Placement: the record's partition is set explicitly to Kafka's default partitioner's choice,
 * murmur2(deviceId) mod partitions (`key_partitioner.ts`), the producer's own partitioner. A
 * reading that was keyed and placed correctly therefore stays on the partition number it came
 * from, in offset order. Misplaced readings interleave with another partition's, as in any
 * shuffle, and with exactly-once each task's output becomes readable in its own commit bursts,
 * so one task's readings can trail another's on the same by-device partition by a checkpoint
 * interval. Event time therefore follows Flink's rule for several input channels: every
 * forwarded record carries its source, this task's input topic-partition, in the `iot-source`
 * header (`record_source.ts`), and a downstream task keeps one bounded-out-of-orderness
 * watermark per source and uses their minimum (`TaskClock`); a reading is late only when its
 * own source is behind by more than the bound. Records without the header count as one source.
 *
 * Sources that send nothing to a partition for a while (a few misplaced devices that go quiet)
 * are handled by idleness, in event time (`sourceIdleMs`, default 60 s): such a source holds the
 * partition's watermark back until the task's event time moves that far past its last record,
 * so that partition's windows fire up to `sourceIdleMs` later, once per lull. With every reading
 * placed by murmur2 each by-device partition has one source and nothing waits; with every
 * reading misplaced each source feeds every partition continuously and the wait is for the
 * slowest source (with exactly-once up to one checkpoint interval, the time its readings take to
 * become readable anyway). Flink's alternative, a watermark-only marker per output partition at
 * each commit, would bound the lull to one checkpoint interval, at the cost of tasks × partitions
 * extra records per commit, a checkpoint hook in the runtime, and every reader of the topic
 * (ours and others') having to skip them; it is not done. The stage is stateless and runs in the
 * job's exactly-once transactions: a forwarded reading is committed together with the input
 * offset that produced it.
 *
 * Future timestamps: a reading whose event time is more than `maxFutureMs` ahead of the wall
 * clock at processing time is dead-lettered (`future-timestamp`) and never forwarded, so one bad
 * device clock cannot move a partition's watermark ahead and make every later reading late (what
 * Flink users get from a watermark strategy that ignores outliers). The decision depends on the
 * wall clock: a reading replayed after a crash is judged again, and exactly one decision is
 * committed.
 *
 * @module
 */
import type { ConsumerRecord } from "@iot/kafka";
import { encodeEvent, formatTimestamp } from "@iot/events";
import type { JobDefinition, Operator, TaskOutput } from "../runtime/job.ts";
import { climateReadingOrDeadLetter, ClockedTask } from "./event_time.ts";
import { keyPartition } from "./key_partitioner.ts";
import { sourceHeaders } from "./record_source.ts";

/** Default name of the repartition topic of readings keyed by device. */
export const READINGS_BY_DEVICE_TOPIC = "processor-sensor-readings-by-device";
/** Default of {@linkcode ReadingsByDeviceConfig.maxFutureMs}: 5 minutes. */
export const DEFAULT_MAX_FUTURE_MS = 300_000;
/** Reason code of readings dead-lettered for a timestamp too far in the future. */
export const FUTURE_TIMESTAMP = "future-timestamp";

/** Settings of {@linkcode readingsByDeviceJob}. */
export interface ReadingsByDeviceConfig {
  /** Input topic of raw climate readings (any key, any partitioner). */
  input: string;
  /** The repartition topic of canonical readings keyed by `deviceId`, a stable name. */
  output: string;
  /** Dead-letter topic. */
  deadLetter: string;
  /** Partitions of topics created by the job; readings are spread over this many. */
  partitions: number;
  /**
   * Readings stamped more than this many ms ahead of the wall clock are dead-lettered as
   * `future-timestamp`. Default 300 000 (5 minutes).
   */
  maxFutureMs?: number;
  /** The wall clock. Default `Date.now`. */
  now?: () => number;
}

/** The stateless validate-and-key-by task of one input partition. */
class ReadingsByDeviceTask extends ClockedTask {
  override readonly operators: Readonly<Record<string, Operator>> = {};
  readonly #config: ReadingsByDeviceConfig;
  readonly #maxFutureMs: number;
  readonly #now: () => number;
  readonly #headers: ReturnType<typeof sourceHeaders>;
  readonly #partitions = new Map<string, number>();

  constructor(config: ReadingsByDeviceConfig, topic: string, partition: number) {
    super(0); // the clock only reports the stage's progress (max event time) in status
    this.#config = config;
    this.#maxFutureMs = config.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
    this.#now = config.now ?? Date.now;
    this.#headers = sourceHeaders(topic, partition);
  }

  /** Where each device's readings go: a lookup is cheaper than murmur2 per reading. */
  #partition(deviceId: string): number {
    let partition = this.#partitions.get(deviceId);
    if (partition === undefined) {
      if (this.#partitions.size >= MAX_MEMO_DEVICES) this.#partitions.clear();
      partition = keyPartition(deviceId, this.#config.partitions);
      this.#partitions.set(deviceId, partition);
    }
    return partition;
  }

  process(record: ConsumerRecord, out: TaskOutput): void {
    const reading = climateReadingOrDeadLetter(record, out);
    if (reading === undefined) return;
    const time = reading.timeMs;
    const now = this.#now();
    if (time - now > this.#maxFutureMs) {
      out.deadLetter(record, {
        code: FUTURE_TIMESTAMP,
        message: `event time ${formatTimestamp(time)} is more than maxFutureMs ` +
          `${this.#maxFutureMs} ms ` +
          `ahead of processing time ${formatTimestamp(now)}`,
      });
      return;
    }
    this.clock.observe(time);
    // Stamped with processing time: the event time is in the payload, and retention of this
    // internal topic must follow the wall clock, or a replay of old readings would have its
    // rolled segments deleted before the downstream jobs read them.
    out.emit({
      topic: this.#config.output,
      partition: this.#partition(reading.deviceId),
      key: reading.deviceId,
      // Already canonical (the common case): forwarded as received, not encoded again.
      value: reading.decoded ? encodeEvent(reading.decoded) : record.value!,
      headers: this.#headers,
      timestamp: now,
    });
  }
}

/** Devices whose partition a task remembers; beyond it the memo starts over. */
const MAX_MEMO_DEVICES = 100_000;

/**
 * The `readings-by-device` job.
 *
 * @example
 * ```ts ignore
 * const job = readingsByDeviceJob({ input: "sensor-readings", output: READINGS_BY_DEVICE_TOPIC,
 *   deadLetter: "dead-letter", partitions: 4 });
 * ```
 */
export function readingsByDeviceJob(
  config: ReadingsByDeviceConfig,
  name = "readings-by-device",
): JobDefinition {
  const maxFutureMs = config.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
  if (!(maxFutureMs >= 0)) {
    throw new RangeError(`maxFutureMs must be a non-negative number, got ${maxFutureMs}`);
  }
  const topic = (t: string) => ({ name: t, partitions: config.partitions });
  return {
    name,
    inputs: [config.input],
    topics: [config.input, config.output, config.deadLetter].map(topic),
    deadLetterTopic: config.deadLetter,
    createTask: (topic, partition) => new ReadingsByDeviceTask(config, topic, partition),
  };
}
