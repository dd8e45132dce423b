/**
 * `vehicle-max`: vehicle pressure readings keyed by `sensorId` are re-keyed by `vehicleId`
 * through a named repartition topic, so all of a vehicle's sensors meet in one task however many
 * instances run; that task emits the vehicle's maximum pressure whenever a new maximum appears,
 * to the compacted `vehicle-pressure-max`. Both stages run in the job's transactions.
 *
 * @module
 */
import type { ConsumerRecord } from "@iot/kafka";
import {
  decodeVehiclePressureReading,
  encodeEvent,
  eventHeaders,
  type VehiclePressureMax,
} from "@iot/events";
import { RunningMax } from "../core/running_max.ts";
import type { JobDefinition, Operator, TaskOutput } from "../runtime/job.ts";
import { ClockedTask, decodeOrDeadLetter } from "./event_time.ts";

/** Settings of {@linkcode vehicleMaxJob}. */
export interface VehicleMaxConfig {
  /** Input topic of vehicle pressure readings (keyed by sensor). */
  input: string;
  /** The repartition topic (keyed by vehicle), a stable name. */
  repartition: string;
  /** Output topic of maxima (compacted). */
  output: string;
  /** Dead-letter topic. */
  deadLetter: string;
  /** Partitions of topics created by the job. */
  partitions: number;
}

/** Stage 1: validates and re-keys readings by vehicle. Stateless. */
class RekeyTask extends ClockedTask {
  override readonly operators: Readonly<Record<string, Operator>> = {};
  readonly #config: VehicleMaxConfig;

  constructor(config: VehicleMaxConfig) {
    super(0);
    this.#config = config;
  }

  process(record: ConsumerRecord, out: TaskOutput): void {
    const reading = decodeOrDeadLetter(record, decodeVehiclePressureReading, out);
    if (reading === undefined) return;
    const time = this.observe(reading.ts);
    out.emit({
      topic: this.#config.repartition,
      key: reading.vehicleId,
      value: encodeEvent(reading),
      headers: eventHeaders,
      timestamp: time,
    });
  }

  /** Advances the clock to `ts` and returns it in ms. */
  protected observe(ts: string): number {
    const time = Date.parse(ts);
    this.clock.observe(time);
    return time;
  }
}

/** Stage 2: the running maximum per vehicle. */
class MaxTask extends RekeyTask {
  readonly #output: string;
  readonly #max = new RunningMax();
  override readonly operators = { max: this.#max };

  constructor(config: VehicleMaxConfig) {
    super(config);
    this.#output = config.output;
  }

  override process(record: ConsumerRecord, out: TaskOutput): void {
    const reading = decodeOrDeadLetter(record, decodeVehiclePressureReading, out);
    if (reading === undefined) return;
    const time = this.observe(reading.ts);
    const newMax = this.#max.process(reading.vehicleId, reading.pressure, time, time);
    if (newMax === undefined) return;
    const max: VehiclePressureMax = {
      vehicleId: reading.vehicleId,
      sensorId: reading.sensorId,
      pressureMax: reading.pressure,
      temperature: reading.temperature,
      ts: reading.ts,
    };
    out.emit({
      topic: this.#output,
      key: reading.vehicleId,
      value: encodeEvent(max),
      headers: eventHeaders,
      timestamp: time,
    });
  }
}

/** The `vehicle-max` job. */
export function vehicleMaxJob(config: VehicleMaxConfig, name = "vehicle-max"): JobDefinition {
  const partitions = config.partitions;
  return {
    name,
    inputs: [config.input, config.repartition],
    topics: [
      { name: config.input, partitions },
      { name: config.repartition, partitions },
      { name: config.output, partitions, config: { "cleanup.policy": "compact" } },
      { name: config.deadLetter, partitions },
    ],
    deadLetterTopic: config.deadLetter,
    createTask: (topic) =>
      topic === config.repartition ? new MaxTask(config) : new RekeyTask(config),
  };
}
