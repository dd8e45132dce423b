/**
 * What the API reads from the stores the sinks write (and the two small tables it writes itself),
 * behind one interface with a backend per store: {@linkcode ApiStore}. Values use the field names
 * of `@iot/events`.
 *
 * @module
 */
import type {
  Alert,
  ClimateReading,
  CommandStatusValue,
  DeviceCommand,
  VehiclePressureMax,
  VehiclePressureReading,
  WindowAggregate,
} from "@iot/events";

/** A time range in ms since the epoch; either end may be open. `from` inclusive, `to` exclusive. */
export interface TimeRange {
  /** Inclusive lower bound. */
  readonly from?: number;
  /** Exclusive upper bound. */
  readonly to?: number;
}

/** One page of a listing and the opaque position to continue from. */
export interface Page<T> {
  /** The items of this page. */
  readonly items: T[];
  /** Pass as `cursor` to get the next page; `null` when this was the last one. */
  readonly nextCursor: string | null;
}

/** Where a listing starts and how much it returns. */
export interface PageRequest {
  /** Maximum number of items. */
  readonly limit: number;
  /** The `nextCursor` of the previous page, if any. */
  readonly cursor?: string;
}

/** An alert as last reported, with its acknowledgement. */
export interface AlertView extends Omit<Alert, "state" | "ts"> {
  /** `active` until a `cleared` event for the alert arrived. */
  readonly state: Alert["state"];
  /** When it became active (the `active` event's `ts`), or null when only the clear was seen. */
  readonly raisedAt: string | null;
  /** When it cleared, or null. */
  readonly clearedAt: string | null;
  /** When an operator acknowledged it, or null. */
  readonly ackedAt: string | null;
  /** Who acknowledged it (a free-text name), or null. */
  readonly ackedBy: string | null;
}

/** Filters of the alert listing. */
export interface AlertFilter extends TimeRange {
  /** Only alerts in this state. */
  readonly state?: Alert["state"];
  /** Only alerts of this severity. */
  readonly severity?: Alert["severity"];
  /** Only alerts of this device. */
  readonly deviceId?: string;
}

/** One status a command reached. */
export interface CommandStatusEntry {
  /** The status. */
  readonly status: CommandStatusValue;
  /** When it was reached. */
  readonly ts: string;
}

/** A command the API issued and what became of it. */
export interface CommandView extends DeviceCommand {
  /** The latest status, or `pending` when none was reported yet. */
  readonly status: CommandStatusValue | "pending";
  /** Every status reported, oldest first. */
  readonly history: CommandStatusEntry[];
}

/** A record of the dead-letter topic. */
export interface DeadLetterView {
  /** Where the dead-letter record is: `topic`, `partition`, `offset`. */
  readonly topic: string;
  /** Its partition. */
  readonly partition: number;
  /** Its offset. */
  readonly offset: number;
  /** Its Kafka timestamp (ISO), or null. */
  readonly timestamp: string | null;
  /** Its key, or null. */
  readonly key: string | null;
  /** Why it was rejected. */
  readonly reason: string;
  /** Machine-readable reason code. */
  readonly code: string;
  /** The topic, partition and offset of the rejected record, when known. */
  readonly sourceTopic: string | null;
  /** Partition of the rejected record. */
  readonly sourcePartition: number | null;
  /** Offset of the rejected record. */
  readonly sourceOffset: number | null;
  /** The job that rejected it. */
  readonly job: string | null;
  /** The rejected bytes as text (invalid UTF-8 replaced), cut to 4 KiB. */
  readonly payload: string;
}

/** A device's last reading and the state of its commands. */
export interface DeviceFacts {
  /** The device id. */
  readonly deviceId: string;
  /** Its latest reading by event time, or null. */
  readonly lastReading: ClimateReading | null;
  /** The command of its latest `succeeded` command, or null. */
  readonly lastSucceededCommand: DeviceCommand["command"] | null;
  /** How many of its alerts are active. */
  readonly activeAlerts: number;
}

/** Events after a cursor, and the cursor to ask from next. */
export interface TailBatch<T> {
  /** The events, in stream order. */
  readonly events: Tailed<T>[];
  /** The last event's cursor, or the position asked from (the head when none was given). */
  readonly cursor: string;
}

/** An event with the cursor that resumes a stream after it. */
export interface Tailed<T> {
  /** Resume position (the SSE event id). */
  readonly cursor: string;
  /** The event. */
  readonly value: T;
}

/**
 * The reads the API serves, plus the two tables it owns (commands issued, alert acks). Every
 * backend passes the same route tests (`store_contract_test_util.ts`).
 */
export interface ApiStore {
  /** Device ids in order, from after `cursor`. */
  listDevices(page: PageRequest): Promise<Page<DeviceFacts>>;
  /** One device, or null when nothing is known about it. */
  device(deviceId: string): Promise<DeviceFacts | null>;
  /** A device's readings in a time range, oldest first. */
  readings(deviceId: string, range: TimeRange, page: PageRequest): Promise<Page<ClimateReading>>;
  /** Window aggregates starting in a range, by window start then device; one device if given. */
  aggregates(
    range: TimeRange,
    page: PageRequest,
    deviceId?: string,
  ): Promise<Page<WindowAggregate>>;
  /** Alerts matching `filter`, newest first. */
  alerts(filter: AlertFilter, page: PageRequest): Promise<Page<AlertView>>;
  /** One alert, or null. */
  alert(alertId: string): Promise<AlertView | null>;
  /** Records an acknowledgement (idempotent: the first one is kept); false for an unknown alert. */
  ackAlert(alertId: string, at: string, by: string): Promise<boolean>;
  /** Records a command the API issued. */
  recordCommand(command: DeviceCommand): Promise<void>;
  /** Forgets a command whose produce failed. */
  forgetCommand(commandId: string): Promise<void>;
  /** A device's commands, newest first. */
  commands(deviceId: string, page: PageRequest): Promise<Page<CommandView>>;
  /** One command, or null. */
  command(commandId: string): Promise<CommandView | null>;
  /** The current maximum pressure of each vehicle, by vehicle id. */
  vehicleMaxima(page: PageRequest): Promise<Page<VehiclePressureMax>>;
  /** One vehicle's current maximum, or null. */
  vehicleMax(vehicleId: string): Promise<VehiclePressureMax | null>;
  /** A vehicle's readings that set a new maximum, oldest first. */
  vehicleMaxHistory(
    vehicleId: string,
    range: TimeRange,
    page: PageRequest,
  ): Promise<Page<VehiclePressureReading>>;
  /** Dead-letter records, latest first. */
  deadLetters(page: PageRequest): Promise<Page<DeadLetterView>>;
  /** A device's readings after `cursor` (or after the latest when absent), in arrival order. */
  tailReadings(
    deviceId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<TailBatch<ClimateReading>>;
  /** Aggregates after `cursor` (or after the latest when absent). */
  tailAggregates(cursor: string | undefined, limit: number): Promise<TailBatch<WindowAggregate>>;
  /** Alert events (as views) after `cursor` (or after the latest when absent). */
  tailAlerts(cursor: string | undefined, limit: number): Promise<TailBatch<AlertView>>;
  /** Whether the store answers. */
  ping(): Promise<boolean>;
}

/** Thrown by a backend for a `cursor` it did not issue; the API answers 400. */
export class BadCursorError extends TypeError {
  /** Creates the error for the parameter named `field`. */
  constructor(readonly field: string = "cursor") {
    super(`${field} is not a cursor this API issued`);
    this.name = "BadCursorError";
  }
}

/** Encodes a sort position as an opaque URL-safe cursor. */
export function encodeCursor(position: readonly (string | number)[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(position));
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

/**
 * Decodes a cursor of {@linkcode encodeCursor} with `arity` parts (or, given `"pairs"`, any even
 * number of numbers); throws BadCursorError.
 */
export function decodeCursor(
  cursor: string,
  arity: number | "pairs",
  field = "cursor",
): (string | number)[] {
  try {
    const text = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    const ok = Array.isArray(value) &&
      (arity === "pairs"
        ? value.length % 2 === 0 && value.every((v) => Number.isSafeInteger(v))
        : value.length === arity &&
          value.every((v) => typeof v === "string" || Number.isFinite(v)));
    if (ok) return value;
  } catch {
    // fall through: any decoding failure is a bad cursor
  }
  throw new BadCursorError(field);
}

/**
 * A resume position over a Kafka topic's records: the last offset seen per partition. Sound for
 * a store whose writer stores each partition's records in offset order (the Mongo sink's ordered
 * bulk writes): whatever its event time, a record stored later has a larger offset in its
 * partition, and a partition not in the map has not been seen at all.
 */
export type OffsetVector = Map<number, number>;

/** Encodes an {@linkcode OffsetVector} as a cursor. */
export function encodeOffsets(offsets: OffsetVector): string {
  return encodeCursor([...offsets].sort(([a], [b]) => a - b).flat());
}

/** Decodes a cursor of {@linkcode encodeOffsets}; throws BadCursorError. */
export function decodeOffsets(cursor: string, field = "cursor"): OffsetVector {
  const flat = decodeCursor(cursor, "pairs", field) as number[];
  const offsets: OffsetVector = new Map();
  for (let i = 0; i < flat.length; i += 2) offsets.set(flat[i], flat[i + 1]);
  return offsets;
}

/** The batch of `events` read from `from`: its cursor is the last event's, else `from`'s. */
export function batchOf<T>(events: Tailed<T>[], from: readonly (string | number)[]): TailBatch<T> {
  const cursor = events.length ? events[events.length - 1].cursor : encodeCursor(from);
  return { events, cursor };
}

/** Builds a page from `limit + 1` fetched rows: the extra row only says there is more. */
export function pageOf<T>(
  rows: T[],
  limit: number,
  positionOf: (item: T) => readonly (string | number)[],
): Page<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(positionOf(items[items.length - 1])) };
}
