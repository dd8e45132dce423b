/**
 * `/devices`: the fleet, one device, its readings, aggregates and commands, and sending it a
 * command.
 *
 * @module
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type DeviceCommand, deviceCommandSchema } from "@iot/events";
import { requireToken } from "../auth.ts";
import { type AppContext, deviceStatus, newRouter } from "../context.ts";
import { ProblemError } from "../problem.ts";
import {
  aggregateSchema,
  commandRequestSchema,
  commandSchema,
  deviceSchema,
  idParam,
  json,
  pageOf,
  pageQuery,
  problems,
  rangeQuery,
  readingSchema,
  splitPage,
} from "../schemas.ts";
import type { DeviceFacts, TimeRange } from "../store.ts";

const tags = ["devices"];

/**
 * Windows that ended before a range's end are closed: the page cannot change any more unless late
 * data reopens them, so caches may keep it a minute.
 */
export function markClosedWindows(c: Context, range: TimeRange, now: number): void {
  if (range.to !== undefined && range.to < now) c.header("cache-control", "public, max-age=60");
}
const deviceParam = idParam("deviceId");

const list = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "Devices with their last reading, status and active alerts",
  request: { query: pageQuery },
  responses: {
    200: json(pageOf(deviceSchema, "DevicePage"), "A page of devices"),
    ...problems(400),
  },
});

const one = createRoute({
  method: "get",
  path: "/{deviceId}",
  tags,
  summary: "One device",
  request: { params: deviceParam },
  responses: { 200: json(deviceSchema, "The device"), ...problems(400, 404) },
});

const readings = createRoute({
  method: "get",
  path: "/{deviceId}/readings",
  tags,
  summary: "A device's raw readings in a time range, oldest first",
  request: { params: deviceParam, query: pageQuery.extend(rangeQuery.shape) },
  responses: {
    200: json(pageOf(readingSchema, "ReadingPage"), "A page of readings"),
    ...problems(400, 404),
  },
});

const aggregates = createRoute({
  method: "get",
  path: "/{deviceId}/aggregates",
  tags,
  summary: "A device's window aggregates whose window starts in a time range",
  request: { params: deviceParam, query: pageQuery.extend(rangeQuery.shape) },
  responses: {
    200: json(pageOf(aggregateSchema, "AggregatePage"), "A page of window aggregates"),
    ...problems(400, 404),
  },
});

const commands = createRoute({
  method: "get",
  path: "/{deviceId}/commands",
  tags,
  summary: "A device's commands and their statuses, newest first",
  request: { params: deviceParam, query: pageQuery },
  responses: {
    200: json(pageOf(commandSchema, "CommandPage"), "A page of commands"),
    ...problems(400, 404),
  },
});

const command = createRoute({
  method: "get",
  path: "/{deviceId}/commands/{commandId}",
  tags,
  summary: "One command and its status",
  request: { params: deviceParam.extend(idParam("commandId").shape) },
  responses: { 200: json(commandSchema, "The command"), ...problems(400, 404) },
});

const send = createRoute({
  method: "post",
  path: "/{deviceId}/commands",
  tags,
  summary: "Send a device `shutdown` or `restart` (produced to `device-commands`)",
  security: [{ bearer: [] }],
  request: {
    params: deviceParam,
    body: { content: { "application/json": { schema: commandRequestSchema } }, required: true },
  },
  responses: {
    202: json(commandSchema, "Accepted: the command was produced; its status follows"),
    ...problems(400, 401, 403, 404, 413, 503),
  },
});

/** The `/devices` routes. */
export function deviceRoutes(ctx: AppContext): OpenAPIHono {
  const { store, config } = ctx;
  const view = (f: DeviceFacts) => ({
    deviceId: f.deviceId,
    status: deviceStatus(f, ctx.now(), config.silentAfterMs),
    lastReading: f.lastReading,
    activeAlerts: f.activeAlerts,
  });
  const known = async (deviceId: string) => {
    const facts = await store.device(deviceId);
    if (!facts) throw new ProblemError(404, `no device "${deviceId}" is known`);
    return facts;
  };
  const app = newRouter();
  app.post("/:deviceId/commands", requireToken(config.tokens));
  app.openapi(list, async (c) => {
    const page = await store.listDevices(c.req.valid("query"));
    return c.json({ items: page.items.map(view), nextCursor: page.nextCursor }, 200);
  });
  app.openapi(one, async (c) => c.json(view(await known(c.req.valid("param").deviceId)), 200));
  app.openapi(readings, async (c) => {
    const { deviceId } = c.req.valid("param");
    const [request, range] = splitPage(c.req.valid("query"));
    const page = await store.readings(deviceId, range, request);
    // A device with readings is known: the (three-query) device lookup only for an empty page.
    if (page.items.length === 0) await known(deviceId);
    return c.json(page, 200);
  });
  app.openapi(aggregates, async (c) => {
    const { deviceId } = c.req.valid("param");
    const [request, range] = splitPage(c.req.valid("query"));
    const page = await store.aggregates(range, request, deviceId);
    if (page.items.length === 0) await known(deviceId);
    markClosedWindows(c, range, ctx.now());
    return c.json(page, 200);
  });
  app.openapi(commands, async (c) => {
    const { deviceId } = c.req.valid("param");
    await known(deviceId);
    return c.json(await store.commands(deviceId, c.req.valid("query")), 200);
  });
  app.openapi(command, async (c) => {
    const { deviceId, commandId } = c.req.valid("param");
    const found = await store.command(commandId);
    if (!found || found.deviceId !== deviceId) {
      throw new ProblemError(404, `device "${deviceId}" has no command "${commandId}"`);
    }
    return c.json(found, 200);
  });
  app.openapi(send, async (c) => {
    const { deviceId } = c.req.valid("param");
    const body = c.req.valid("json");
    await known(deviceId);
    if (!ctx.commands) {
      throw new ProblemError(503, "this API has no Kafka producer configured for commands");
    }
    const now = ctx.now();
    const cmd: DeviceCommand = deviceCommandSchema.parse({
      commandId: crypto.randomUUID(),
      deviceId,
      command: body.command,
      reason: body.reason ?? "requested through the API",
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + (body.ttlSeconds ?? config.commandTtlMs / 1000) * 1000)
        .toISOString(),
    });
    // Recorded first, so a status that arrives at once finds its command.
    await store.recordCommand(cmd);
    try {
      await ctx.commands.publish(cmd);
    } catch (e) {
      await store.forgetCommand(cmd.commandId);
      ctx.logger.error("command not produced", {
        commandId: cmd.commandId,
        error: e instanceof Error ? e.message : String(e),
      });
      throw new ProblemError(503, "the command could not be produced to Kafka; try again");
    }
    c.header("location", `/devices/${encodeURIComponent(deviceId)}/commands/${cmd.commandId}`);
    return c.json({ ...cmd, status: "pending" as const, history: [] }, 202);
  });
  return app;
}
