/**
 * The zod schemas of the API's parameters and responses; `/openapi.json` is generated from them.
 * Field names follow `@iot/events`.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { alertSeverities, alertStates, commandStatusValues, deviceCommandNames } from "@iot/events";

/** Largest page a client may ask for. */
export const MAX_PAGE_SIZE = 1000;
/** Page size when `limit` is absent. */
export const DEFAULT_PAGE_SIZE = 100;

const isoOrMs = /^-?\d{1,15}$/;

/** A point in time given as ISO-8601 (with a zone) or as epoch milliseconds; parsed to ms. */
export const instantParam = z.string().transform((text, ctx) => {
  const ms = isoOrMs.test(text)
    ? Number(text)
    : /[zZ]|[+-]\d\d:?\d\d$/.test(text)
    ? Date.parse(text)
    : NaN;
  if (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15) return ms;
  ctx.addIssue({
    code: "custom",
    message: `expected an ISO-8601 time with a zone or epoch milliseconds, got "${text}"`,
  });
  return z.NEVER;
}).openapi({
  anyOf: [
    { type: "string", format: "date-time" },
    { type: "string", pattern: "^-?[0-9]{1,15}$" },
  ],
  example: "2026-01-01T00:00:00Z",
});

/** `limit` and `cursor` of every listing. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE)
    .openapi({ description: `page size, at most ${MAX_PAGE_SIZE}`, example: 100 }),
  cursor: z.string().min(1).max(512).optional()
    .openapi({ description: "the `nextCursor` of the previous page" }),
});

/**
 * A validated listing query split into its page request (`limit`, `cursor`) and the rest: the
 * time range, or the filters.
 */
export function splitPage<Q extends { limit: number; cursor?: string }>(
  query: Q,
): [{ limit: number; cursor?: string }, Omit<Q, "limit" | "cursor">] {
  const { limit, cursor, ...rest } = query;
  return [{ limit, cursor }, rest];
}

/** `from`/`to` of every time-range listing (`from` inclusive, `to` exclusive). */
export const rangeQuery = z.object({
  from: instantParam.optional().openapi({ description: "inclusive start, ISO-8601 or epoch ms" }),
  to: instantParam.optional().openapi({ description: "exclusive end, ISO-8601 or epoch ms" }),
});

/** A path parameter holding an id. */
export function idParam<N extends string>(name: N): z.ZodObject<{ [K in N]: z.ZodString }> {
  const schema = z.string().min(1).max(256).openapi({
    param: { name, in: "path" },
    example: "d-1",
  });
  return z.object({ [name]: schema }) as unknown as z.ZodObject<{ [K in N]: z.ZodString }>;
}

const ts = z.string().openapi({ format: "date-time", example: "2026-01-01T00:00:00.000Z" });

/** A climate reading. */
export const readingSchema = z.object({
  deviceId: z.string(),
  ts,
  temperature: z.number(),
  humidity: z.number(),
}).openapi("Reading");

const stats = z.object({ avg: z.number(), min: z.number(), max: z.number() });

/** A window aggregate. */
export const aggregateSchema = z.object({
  deviceId: z.string(),
  windowStart: ts,
  windowEnd: ts,
  count: z.number().int(),
  temperature: stats,
  humidity: stats,
}).openapi("WindowAggregate");

/** A device's status. */
export const deviceStatuses = ["active", "silent", "shut down"] as const;

/** A device status. */
export type DeviceStatus = typeof deviceStatuses[number];

/** A device with its last reading, status and active alerts. */
export const deviceSchema = z.object({
  deviceId: z.string(),
  status: z.enum(deviceStatuses),
  lastReading: readingSchema.nullable(),
  activeAlerts: z.number().int(),
}).openapi("Device");

/** An alert and its acknowledgement. */
export const alertSchema = z.object({
  alertId: z.string(),
  deviceId: z.string(),
  type: z.string(),
  severity: z.enum(alertSeverities),
  state: z.enum(alertStates),
  value: z.number(),
  threshold: z.number(),
  windowStart: ts,
  windowEnd: ts,
  raisedAt: ts.nullable(),
  clearedAt: ts.nullable(),
  ackedAt: ts.nullable(),
  ackedBy: z.string().nullable(),
}).openapi("Alert");

/** A command and what became of it. */
export const commandSchema = z.object({
  commandId: z.string(),
  deviceId: z.string(),
  command: z.enum(deviceCommandNames),
  reason: z.string(),
  issuedAt: ts,
  expiresAt: ts,
  status: z.enum(["pending", ...commandStatusValues]),
  history: z.array(z.object({ status: z.enum(commandStatusValues), ts })),
}).openapi("Command");

/** The body of `POST /devices/{deviceId}/commands`. */
export const commandRequestSchema = z.object({
  command: z.enum(deviceCommandNames),
  reason: z.string().min(1).max(500).optional()
    .openapi({ description: 'why; default "requested through the API"' }),
  ttlSeconds: z.number().int().min(1).max(86_400).optional()
    .openapi({ description: "seconds until the command expires; default 300" }),
}).openapi("CommandRequest");

/** The body of `POST /alerts/{alertId}/ack`. */
export const ackRequestSchema = z.object({
  by: z.string().min(1).max(200).optional().openapi({ description: 'who; default "api"' }),
}).openapi("AckRequest");

/** A vehicle's current maximum pressure. */
export const vehicleMaxSchema = z.object({
  vehicleId: z.string(),
  sensorId: z.string(),
  pressureMax: z.number(),
  temperature: z.number(),
  ts,
}).openapi("VehicleMax");

/** A vehicle tyre reading. */
export const vehicleReadingSchema = z.object({
  vehicleId: z.string(),
  sensorId: z.string(),
  ts,
  pressure: z.number(),
  temperature: z.number(),
}).openapi("VehicleReading");

/** A dead-letter record. */
export const deadLetterSchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  offset: z.number().int(),
  timestamp: ts.nullable(),
  key: z.string().nullable(),
  reason: z.string(),
  code: z.string(),
  sourceTopic: z.string().nullable(),
  sourcePartition: z.number().int().nullable(),
  sourceOffset: z.number().int().nullable(),
  job: z.string().nullable(),
  payload: z.string(),
}).openapi("DeadLetter");

/** A page of `item`. */
export function pageOf<T extends z.ZodType>(
  item: T,
  name: string,
): z.ZodObject<{ items: z.ZodArray<T>; nextCursor: z.ZodNullable<z.ZodString> }> {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);
}

/** An RFC 9457 problem. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), in: z.string(), message: z.string() }))
    .optional(),
}).openapi("Problem");

/** The `application/problem+json` responses every route may give. */
export function problems(
  ...statuses: (400 | 401 | 403 | 404 | 413 | 503)[]
): Record<number, { description: string; content: Record<string, { schema: z.ZodType }> }> {
  return Object.fromEntries(statuses.map((s) => [s, {
    description: problemTitles[s],
    content: { "application/problem+json": { schema: problemSchema } },
  }]));
}

/** Titles of the problems by status. */
export const problemTitles: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  413: "Payload too large",
  415: "Unsupported media type",
  500: "Internal server error",
  503: "Service unavailable",
};

/** A JSON response of `schema`. */
export function json<T extends z.ZodType>(
  schema: T,
  description: string,
): { description: string; content: { "application/json": { schema: T } } } {
  return { description, content: { "application/json": { schema } } };
}
