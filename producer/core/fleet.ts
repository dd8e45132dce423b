/**
 * The fleet definition: which devices exist, how each sensor behaves and how often it reports,
 * which anomalies happen when, and what event-time disorder to inject. One zod schema validates
 * fleet files (JSON) and the fleet built from command-line flags alike.
 *
 * @module
 */
import { z } from "zod";
import { durationSchema, periodSchema } from "./duration.ts";

const idPrefixSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, {
  error: "must be 1-64 of A-Z a-z 0-9 . _ -",
});

const ratioSchema = z.number().min(0, { error: "must be between 0 and 1" }).max(1, {
  error: "must be between 0 and 1",
});

interface SensorDefaults {
  min: number;
  max: number;
  period: string;
  decimals: number;
}

function sensorSchema(defaults: SensorDefaults, bounds: { floor?: number; ceiling?: number }) {
  return z.strictObject({
    min: z.number().prefault(defaults.min),
    max: z.number().prefault(defaults.max),
    period: periodSchema.prefault(defaults.period),
    noise: z.number().nonnegative().optional(),
    walk: z.number().nonnegative().optional(),
    dailyAmplitude: z.number().nonnegative().optional(),
    drift: z.number().nonnegative().optional(),
    decimals: z.number().int().min(0).max(6).prefault(defaults.decimals),
  }).check((ctx) => {
    const { min, max } = ctx.value;
    if (!(min < max)) {
      ctx.issues.push({ code: "custom", input: max, path: ["max"], message: "must be above min" });
    }
    if (bounds.floor !== undefined && min < bounds.floor) {
      const message = `must be at least ${bounds.floor}`;
      ctx.issues.push({ code: "custom", input: min, path: ["min"], message });
    }
    if (bounds.ceiling !== undefined && max > bounds.ceiling) {
      const message = `must be at most ${bounds.ceiling}`;
      ctx.issues.push({ code: "custom", input: max, path: ["max"], message });
    }
  }).prefault({});
}

/** A group of climate devices, each with a temperature (°C) and a humidity (%) sensor. */
export const climateGroupSchema = z.strictObject({
  type: z.literal("climate"),
  count: z.number().int().min(1).max(1_000_000).prefault(1),
  idPrefix: idPrefixSchema.prefault("climate"),
  temperature: sensorSchema({ min: 15, max: 30, period: "1s", decimals: 2 }, { floor: -273.15 }),
  humidity: sensorSchema({ min: 30, max: 70, period: "2s", decimals: 1 }, {
    floor: 0,
    ceiling: 100,
  }),
});

/** A group of vehicles, each with `sensorsPerVehicle` tyre sensors (pressure in Pa and °C). */
export const vehicleGroupSchema = z.strictObject({
  type: z.literal("vehicle"),
  count: z.number().int().min(1).max(1_000_000).prefault(1),
  idPrefix: idPrefixSchema.prefault("vehicle"),
  sensorsPerVehicle: z.number().int().min(1).max(64).prefault(4),
  pressure: sensorSchema({ min: 800_000, max: 900_000, period: "1s", decimals: 0 }, { floor: 0 }),
  temperature: sensorSchema({ min: 20, max: 45, period: "1s", decimals: 2 }, {
    floor: -273.15,
  }),
});

const anomalyTiming = {
  /** The device, vehicle or sensor id it affects. */
  target: z.string().min(1),
  /** When it starts, after the simulation start. */
  at: durationSchema,
  /** How long it lasts (`Infinity`, from flags only: until the run ends). */
  duration: periodSchema,
};

/** A scheduled anomaly; `at` and `duration` are relative to the simulation start. */
export const anomalySchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("spike"),
    ...anomalyTiming,
    /** Added to pressure (vehicles, Pa) or temperature (climate, °C). */
    magnitude: z.number().optional(),
  }),
  z.strictObject({
    kind: z.literal("overheat"),
    ...anomalyTiming,
    /** °C gained per minute since the start of the anomaly. */
    ratePerMinute: z.number().positive().prefault(2),
    /** The most °C the temperature rises (it levels off there). Default: no limit. */
    maxRise: z.number().positive().optional(),
  }),
  z.strictObject({ kind: z.literal("silence"), ...anomalyTiming }),
]);

/** Event-time disorder to inject, for testing watermarks, late output and the dead-letter path. */
export const realismSchema = z.strictObject({
  /** Share of records delivered late but within `maxOutOfOrder` of their event time. */
  outOfOrder: ratioSchema.prefault(0),
  /** Bound of the out-of-order delay. */
  maxOutOfOrder: periodSchema.prefault("5s"),
  /** Share of records delivered after `lateBy` or more (beyond the out-of-order bound). */
  late: ratioSchema.prefault(0),
  /** The smallest delay of a late record; at most twice as much is added. */
  lateBy: periodSchema.prefault("1m"),
  /** Share of records sent twice. */
  duplicates: ratioSchema.prefault(0),
  /** Largest per-device clock skew, drawn in [-clockSkew, clockSkew]. */
  clockSkew: durationSchema.prefault(0),
  /** Share of records whose value is not JSON. */
  invalidJson: ratioSchema.prefault(0),
  /** Share of records whose value is JSON that breaks the schema. */
  schemaViolations: ratioSchema.prefault(0),
}).prefault({});

/** A fleet file: device groups, anomaly schedule and realism settings. */
export const fleetSchema = z.strictObject({
  devices: z.array(z.discriminatedUnion("type", [climateGroupSchema, vehicleGroupSchema])).min(1, {
    error: "must list at least one device group",
  }),
  anomalies: z.array(anomalySchema).prefault([]),
  realism: realismSchema,
}).check((ctx) => {
  const ids = new Set<string>();
  ctx.value.devices.forEach((group, g) => {
    for (const id of groupIds(group)) {
      if (ids.has(id)) {
        const message = `id "${id}" is already used by an earlier group; choose another idPrefix`;
        ctx.issues.push({
          code: "custom",
          input: group.idPrefix,
          path: ["devices", g, "idPrefix"],
          message,
        });
        return;
      }
      ids.add(id);
    }
  });
  ctx.value.anomalies.forEach((anomaly, i) => {
    if (!ids.has(anomaly.target)) {
      const message = `no device, vehicle or sensor has id "${anomaly.target}"`;
      ctx.issues.push({
        code: "custom",
        input: anomaly.target,
        path: ["anomalies", i, "target"],
        message,
      });
    }
  });
});

/** A validated fleet, defaults filled in, durations in milliseconds. */
export type Fleet = z.output<typeof fleetSchema>;
/** A validated climate device group. */
export type ClimateGroup = z.output<typeof climateGroupSchema>;
/** A validated vehicle group. */
export type VehicleGroup = z.output<typeof vehicleGroupSchema>;
/** A validated anomaly. */
export type Anomaly = z.output<typeof anomalySchema>;
/** Validated realism settings. */
export type Realism = z.output<typeof realismSchema>;
/** Sensor settings as validated (min, max, period in ms, optional amplitudes). */
export type SensorSettings = ClimateGroup["temperature"];

/** The id of device `index` (0-based) of a group: `climate-0001`, `vehicle-0042`. */
export function deviceId(prefix: string, index: number): string {
  return `${prefix}-${String(index + 1).padStart(4, "0")}`;
}

/** The id of tyre sensor `index` (0-based) of a vehicle: `vehicle-0001-tire-1`. */
export function tireSensorId(vehicleId: string, index: number): string {
  return `${vehicleId}-tire-${index + 1}`;
}

/** Every id a group defines: device ids, or vehicle ids and their sensor ids. */
export function* groupIds(group: ClimateGroup | VehicleGroup): Generator<string> {
  for (let i = 0; i < group.count; i++) {
    const id = deviceId(group.idPrefix, i);
    yield id;
    if (group.type === "vehicle") {
      for (let s = 0; s < group.sensorsPerVehicle; s++) yield tireSensorId(id, s);
    }
  }
}

/** A fleet definition that failed validation; `path` names the offending field. */
export class FleetError extends Error {
  /** The offending field, e.g. `devices.0.humidity.max`; empty for the whole document. */
  readonly path: string;

  /** Creates the error; `source` names the file or `flags`. */
  constructor(source: string, path: string, detail: string, options?: ErrorOptions) {
    super(`Invalid fleet (${source}): ${path === "" ? "" : `${path}: `}${detail}`, options);
    this.name = "FleetError";
    this.path = path;
  }
}

/**
 * Validates an already-parsed fleet document, throwing a {@linkcode FleetError} for the first
 * problem, naming the field.
 *
 * @example
 * ```ts
 * import { parseFleet } from "./fleet.ts";
 * const fleet = parseFleet({ devices: [{ type: "climate", count: 3 }] }, "example");
 * fleet.devices[0].count; // 3
 * ```
 */
export function parseFleet(input: unknown, source: string): Fleet {
  const result = fleetSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new FleetError(source, issue.path.map(String).join("."), issue.message);
}

/** Parses a JSON fleet file's text; invalid JSON and invalid fleets throw {@linkcode FleetError}. */
export function parseFleetJson(text: string, source: string): Fleet {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (cause) {
    throw new FleetError(source, "", `not valid JSON (${(cause as Error).message})`, { cause });
  }
  return parseFleet(input, source);
}

/** The simple-case fleet the command-line flags describe. */
export interface FleetFlags {
  /** Climate devices. */
  devices: number;
  /** Vehicles. */
  vehicles: number;
  /** Tyre sensors per vehicle. */
  sensorsPerVehicle: number;
  /** Temperature range of climate devices, °C. */
  tempMin: number;
  /** See `tempMin`. */
  tempMax: number;
  /** Humidity range of climate devices, %. */
  humidityMin: number;
  /** See `humidityMin`. */
  humidityMax: number;
  /** Realism settings. Default: none. */
  realism?: Partial<z.input<typeof realismSchema>>;
}

/** Builds and validates the fleet that the simple-case flags describe. */
export function fleetFromFlags(flags: FleetFlags): Fleet {
  const devices: unknown[] = [];
  if (flags.devices > 0) {
    devices.push({
      type: "climate",
      count: flags.devices,
      temperature: { min: flags.tempMin, max: flags.tempMax },
      humidity: { min: flags.humidityMin, max: flags.humidityMax },
    });
  }
  if (flags.vehicles > 0) {
    devices.push({
      type: "vehicle",
      count: flags.vehicles,
      sensorsPerVehicle: flags.sensorsPerVehicle,
    });
  }
  return parseFleet({ devices, realism: flags.realism ?? {} }, "flags");
}
