/**
 * Anomalies from the command line: `--overheat DEVICE[@AFTER]` and
 * `--pressure-spike VEHICLE_OR_SENSOR[@AFTER]` add entries to the fleet's anomaly schedule, the
 * same model fleet files use, so a user can trigger an overheating device without a fleet file.
 *
 * @module
 */
import { parseDuration } from "./duration.ts";
import { type Anomaly, deviceId, type Fleet, groupIds, tireSensorId } from "./fleet.ts";

/**
 * The overheat a flag starts: temperature rises 10 °C per minute and levels off 30 °C above
 * normal, until the run ends. A device at the default 15-30 °C passes 40 °C within 2.5 minutes
 * and stays there, also after a restart command.
 */
export const flagOverheat = { ratePerMinute: 10, maxRise: 30 } as const;

/** How long a flag's pressure spike lasts (ms); its size is the default spike (+250 kPa). */
export const flagSpikeMs = 30_000;

/** An anomaly flag as given: the target id and the delay after the start (ms). */
export interface AnomalyFlag {
  /** Device, vehicle or tyre sensor id. */
  target: string;
  /** When it starts, after the simulated start (ms of event time). */
  afterMs: number;
}

/** Parses `ID[@AFTER]`; throws `RangeError` for a bad value. */
export function parseAnomalyFlag(value: string): AnomalyFlag {
  const at = value.lastIndexOf("@");
  const target = at < 0 ? value : value.slice(0, at);
  const afterMs = at < 0 ? 0 : parseDuration(value.slice(at + 1));
  if (target === "" || afterMs === undefined) {
    throw new RangeError(`expected ID[@AFTER] (e.g. climate-0007@30s), got "${value}"`);
  }
  return { target, afterMs };
}

/** `climate-0001..climate-0050`, the ids of a group's devices or vehicles. */
function idRange(prefix: string, count: number): string {
  return count === 1
    ? deviceId(prefix, 0)
    : `${deviceId(prefix, 0)}..${deviceId(prefix, count - 1)}`;
}

/** The valid targets of `flag` in `fleet`, for error messages. */
function validTargets(fleet: Fleet, vehiclesOnly: boolean): string {
  const parts: string[] = [];
  for (const group of fleet.devices) {
    if (group.type === "climate") {
      if (!vehiclesOnly) parts.push(idRange(group.idPrefix, group.count));
      continue;
    }
    const sensors = tireSensorId(`${group.idPrefix}-NNNN`, 0).replace(/1$/, "");
    parts.push(
      `${idRange(group.idPrefix, group.count)} (sensors ${sensors}1..${group.sensorsPerVehicle})`,
    );
  }
  return parts.length === 0 ? "none (the fleet has no vehicles)" : parts.join(", ");
}

/** How errors name the flags (or the environment variables) the anomalies came from. */
export interface AnomalyFlagLabels {
  /** Default `--overheat`. */
  overheat: string;
  /** Default `--pressure-spike`. */
  spike: string;
}

/**
 * Adds the anomalies of `--overheat` and `--pressure-spike` flags to `fleet`. Throws
 * `RangeError` naming the flag and the valid ids when a target is not in the fleet.
 */
export function addFlagAnomalies(
  fleet: Fleet,
  overheats: readonly AnomalyFlag[],
  spikes: readonly AnomalyFlag[],
  labels: AnomalyFlagLabels = { overheat: "--overheat", spike: "--pressure-spike" },
): Fleet {
  if (overheats.length + spikes.length === 0) return fleet;
  const all = new Set<string>();
  const vehicleIds = new Set<string>();
  for (const group of fleet.devices) {
    for (const id of groupIds(group)) {
      all.add(id);
      if (group.type === "vehicle") vehicleIds.add(id);
    }
  }
  const anomalies: Anomaly[] = [...fleet.anomalies];
  for (const { target, afterMs } of overheats) {
    if (!all.has(target)) {
      throw new RangeError(
        `${labels.overheat}: no device "${target}" in the fleet; ids are ${
          validTargets(fleet, false)
        }`,
      );
    }
    anomalies.push({ kind: "overheat", target, at: afterMs, duration: Infinity, ...flagOverheat });
  }
  for (const { target, afterMs } of spikes) {
    if (!vehicleIds.has(target)) {
      throw new RangeError(
        `${labels.spike}: no vehicle or tyre sensor "${target}" in the fleet; ids are ` +
          validTargets(fleet, true),
      );
    }
    anomalies.push({ kind: "spike", target, at: afterMs, duration: flagSpikeMs });
  }
  return { ...fleet, anomalies };
}
