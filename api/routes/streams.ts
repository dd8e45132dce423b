/**
 * `/streams`: live Server-Sent Events of a device's readings, aggregates, alerts and pipeline
 * metrics. Each event's `id` is a cursor into the store, so a client that reconnects with
 * `Last-Event-ID` (browsers do it by themselves) gets exactly what it missed. The store is polled;
 * an idle stream sends a comment line as a heartbeat; a closed connection stops the loop.
 *
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { type AppContext, newRouter } from "../context.ts";
import { ProblemError } from "../problem.ts";
import { idParam, problems } from "../schemas.ts";
import { BadCursorError, type TailBatch } from "../store.ts";
import { pipelineSummary } from "./pipeline.ts";

const tags = ["streams"];
const BATCH = 500;

const resumeHeaders = z.object({
  "last-event-id": z.string().max(512).optional().openapi({
    description: "resume after this event id (sent by browsers on reconnect)",
  }),
});
const resumeQuery = z.object({
  lastEventId: z.string().max(512).optional().openapi({
    description: "resume after this event id, for clients that cannot set headers",
  }),
});

const sse = (description: string) => ({
  200: {
    description,
    content: { "text/event-stream": { schema: z.string() } },
  },
  ...problems(400, 404),
});

const readings = createRoute({
  method: "get",
  path: "/devices/{deviceId}/readings",
  tags,
  summary: "Live readings of a device (event `reading`)",
  request: { params: idParam("deviceId"), headers: resumeHeaders, query: resumeQuery },
  responses: sse("`reading` events, data: a Reading"),
});
const aggregates = createRoute({
  method: "get",
  path: "/aggregates",
  tags,
  summary: "Live window aggregates of every device (event `aggregate`)",
  request: { headers: resumeHeaders, query: resumeQuery },
  responses: sse("`aggregate` events, data: a WindowAggregate"),
});
const alerts = createRoute({
  method: "get",
  path: "/alerts",
  tags,
  summary: "Live alert events (event `alert`)",
  request: { headers: resumeHeaders, query: resumeQuery },
  responses: sse("`alert` events, data: an Alert"),
});
const pipeline = createRoute({
  method: "get",
  path: "/pipeline",
  tags,
  summary: "Pipeline metrics every few seconds (event `pipeline`): topics, groups, services",
  responses: sse("`pipeline` events, data: a Pipeline"),
});

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

/**
 * Streams `read(cursor)` as SSE events named `event`. The first read runs before the response
 * starts, so a bad `Last-Event-ID` is a 400, not a broken stream.
 */
async function tail<T>(
  c: Context,
  ctx: AppContext,
  event: string,
  read: (cursor: string | undefined) => Promise<TailBatch<T>>,
): Promise<Response> {
  const resume = c.req.header("last-event-id") || c.req.query("lastEventId") || undefined;
  let batch: TailBatch<T>;
  try {
    batch = await read(resume);
  } catch (e) {
    if (e instanceof BadCursorError) {
      throw new ProblemError(400, `${e.message}`, [
        { field: "Last-Event-ID", in: "header", message: "not an event id of this stream" },
      ]);
    }
    throw e;
  }
  return streamSSE(c, async (stream) => {
    const stop = new AbortController();
    stream.onAbort(() => stop.abort());
    ctx.metrics.streams(1);
    try {
      let idleSince = ctx.now();
      // Tell browsers how soon to reconnect, and make proxies flush the headers now.
      await stream.writeSSE({ event: "ready", data: "{}", retry: 2_000 });
      while (!stop.signal.aborted) {
        for (const e of batch.events) {
          await stream.writeSSE({ id: e.cursor, event, data: JSON.stringify(e.value) });
        }
        if (batch.events.length > 0) idleSince = ctx.now();
        if (batch.events.length < BATCH) {
          if (ctx.now() - idleSince >= ctx.config.heartbeatMs) {
            await stream.write(": heartbeat\n\n");
            idleSince = ctx.now();
          }
          await pause(ctx.config.pollIntervalMs, stop.signal);
        }
        if (!stop.signal.aborted) batch = await read(batch.cursor);
      }
    } finally {
      ctx.metrics.streams(-1);
    }
  }, async (error, stream) => {
    ctx.logger.error("stream failed", { error: error.message, path: c.req.path });
    await stream.writeSSE({ event: "error", data: JSON.stringify({ detail: "stream failed" }) });
  });
}

/** The `/streams` routes. */
export function streamRoutes(ctx: AppContext): OpenAPIHono {
  const { store } = ctx;
  const app = newRouter();
  app.openapi(readings, async (c) => {
    const { deviceId } = c.req.valid("param");
    if (!(await store.device(deviceId))) {
      throw new ProblemError(404, `no device "${deviceId}" is known`);
    }
    return tail(c, ctx, "reading", (cursor) => store.tailReadings(deviceId, cursor, BATCH));
  });
  app.openapi(
    aggregates,
    (c) => tail(c, ctx, "aggregate", (cursor) => store.tailAggregates(cursor, BATCH)),
  );
  app.openapi(alerts, (c) => tail(c, ctx, "alert", (cursor) => store.tailAlerts(cursor, BATCH)));
  app.openapi(pipeline, (c) => {
    // Snapshots, not a log: there is nothing to resume, so the id is just the time.
    let last = -Infinity;
    return tail(c, ctx, "pipeline", async () => {
      const wait = ctx.config.pollIntervalMs * 4;
      if (ctx.now() - last < wait) return { events: [], cursor: "" };
      last = ctx.now();
      const value = await pipelineSummary(ctx);
      return { events: [{ cursor: String(last), value }], cursor: "" };
    });
  });
  return app;
}
