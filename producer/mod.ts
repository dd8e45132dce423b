/**
 * `@iot/producer`: simulated IoT fleets (climate devices, vehicles with tyre sensors) producing
 * readings to Kafka, reproducibly from a seed.
 *
 * The pure core (`core/`, no Kafka) generates records in event-time order on a simulated
 * clock; the runtime (`runtime/`) paces them, sends them, and runs device commands. The
 * command-line entry point is `main.ts` (`deno task producer --help`).
 *
 * @example Generate records without Kafka
 * ```ts
 * import { fleetFromFlags, Simulation, type SimRecord } from "@iot/producer";
 * const fleet = fleetFromFlags({
 *   devices: 50, vehicles: 0, sensorsPerVehicle: 4,
 *   tempMin: 15, tempMax: 30, humidityMin: 30, humidityMax: 70,
 * });
 * const sim = new Simulation({
 *   fleet, seed: "42", startMs: Date.parse("2026-01-01T00:00:00.000Z"), count: 1000,
 *   topics: { sensorReadings: "sensor-readings", vehiclePressure: "vehicle-pressure" },
 * });
 * const records: SimRecord[] = [];
 * while (!sim.done) sim.fill(records, 10_000, Infinity);
 * ```
 *
 * @module
 */
export { hashSeed, Rng } from "./core/rng.ts";
export { defaultSignal, roundTo, SensorSignal, type SignalSpec } from "./core/signals.ts";
export { durationSchema, parseDuration, periodSchema } from "./core/duration.ts";
export {
  type Anomaly,
  anomalySchema,
  type ClimateGroup,
  climateGroupSchema,
  deviceId,
  type Fleet,
  FleetError,
  type FleetFlags,
  fleetFromFlags,
  fleetSchema,
  groupIds,
  parseFleet,
  parseFleetJson,
  type Realism,
  realismSchema,
  type SensorSettings,
  tireSensorId,
  type VehicleGroup,
  vehicleGroupSchema,
} from "./core/fleet.ts";
export {
  type Channel,
  defaultSpike,
  SensorStream,
  type StreamAnomaly,
  type StreamKind,
} from "./core/devices.ts";
export {
  buildStreams,
  type SimRecord,
  Simulation,
  type SimulationOptions,
} from "./core/schedule.ts";
export { TimestampFormatter } from "./core/timestamp.ts";
export { Disorder, type DisorderCounts, wantsDisorder } from "./core/realism.ts";
export { CommandHandler, type CommandTarget, rememberedCommands } from "./core/commands.ts";
export { maxWaitMs, pace, type PaceInput, type PaceStep, type Pacing } from "./core/pacer.ts";
export {
  defaultSeededStart,
  describePacing,
  fleetRate,
  type PacingPlan,
  type PacingRequest,
  planPacing,
  scaleFleetToRate,
} from "./core/pacing_plan.ts";
export {
  addFlagAnomalies,
  type AnomalyFlag,
  type AnomalyFlagLabels,
  flagOverheat,
  flagSpikeMs,
  parseAnomalyFlag,
} from "./core/anomaly_flags.ts";
export { KafkaSink, producerConfig, type SinkOptions } from "./runtime/sink.ts";
export {
  BatchEncoder,
  maxCachedKeys,
  newRecordBytes,
  recordHeaderBytes,
  recordHeaders,
} from "./runtime/encode.ts";
export { RecordBytes, utf8 } from "./core/record_bytes.ts";
export { ensureTopics } from "./runtime/topics.ts";
export {
  commandGroupId,
  CommandListener,
  type CommandListenerOptions,
} from "./runtime/command_listener.ts";
export {
  createReporter,
  type Progress,
  progressLine,
  type Reporter,
  type ReporterOptions,
  silentReporter,
} from "./runtime/output.ts";
export { type RunConfig, type RunDeps, runProducer, type RunSummary } from "./runtime/run.ts";
/** The producer's option table (flags, `PRODUCER_*` variables, defaults). */
export { producerCli } from "./cli.ts";
