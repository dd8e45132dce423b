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
import type { ClimateReading, WindowAggregate } from "@iot/events";
import { type AlertView, BadCursorError } from "../store.ts";
import { TailHub, type TailReader } from "../tail_hub.ts";
import { type PipelineSummary, pipelineSummary } from "./pipeline.ts";

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

/**
 * Streams the events of `hub` as SSE events named `event`, from `Last-Event-ID` (header or
 * `lastEventId` query) or the head. A resume cursor is checked with one read before the response
 * starts, so a bad one is a 400, not a broken stream.
 */
async function tail<T>(
  c: Context,
  ctx: AppContext,
  event: string,
  hub: TailHub<T>,
  read: TailReader<T>,
): Promise<Response> {
  const resume = c.req.header("last-event-id") || c.req.query("lastEventId") || undefined;
  if (resume !== undefined) {
    try {
      await read(resume);
    } catch (e) {
      if (e instanceof BadCursorError) {
        throw new ProblemError(400, e.message, [
          { field: "Last-Event-ID", in: "header", message: "not an event id of this stream" },
        ]);
      }
      throw e;
    }
  }
  return streamSSE(c, async (stream) => {
    const stop = new AbortController();
    stream.onAbort(() => stop.abort());
    const onShutdown = () => stop.abort();
    ctx.signal?.addEventListener("abort", onShutdown, { once: true });
    if (ctx.signal?.aborted) stop.abort();
    ctx.metrics.streams(1);
    const events = hub.follow(resume, stop.signal);
    try {
      await events.next(); // subscribed: from here on nothing is missed
      // Tell browsers how soon to reconnect, and make proxies flush the headers now.
      await stream.writeSSE({ event: "ready", data: "{}", retry: 2_000 });
      let idleSince = ctx.now();
      for await (const batch of events) {
        for (const e of batch) {
          await stream.writeSSE({ id: e.cursor, event, data: JSON.stringify(e.value) });
        }
        if (batch.length > 0) idleSince = ctx.now();
        else if (ctx.now() - idleSince >= ctx.config.heartbeatMs) {
          await stream.write(": heartbeat\n\n");
          idleSince = ctx.now();
        }
      }
    } finally {
      ctx.signal?.removeEventListener("abort", onShutdown);
      stop.abort();
      await events.return(undefined);
      ctx.metrics.streams(-1);
    }
  }, async (error, stream) => {
    ctx.logger.error("stream failed", { error: error.message, path: c.req.path });
    await stream.writeSSE({ event: "error", data: JSON.stringify({ detail: "stream failed" }) });
  });
}

/** Snapshots for the pipeline stream, shared by every client for a few poll intervals. */
function sharedSummary(ctx: AppContext): () => Promise<PipelineSummary> {
  let cached: { at: number; value: Promise<PipelineSummary> } | undefined;
  return () => {
    const maxAge = ctx.config.pollIntervalMs * 4;
    if (!cached || ctx.now() - cached.at >= maxAge) {
      cached = { at: ctx.now(), value: pipelineSummary(ctx) };
    }
    return cached.value;
  };
}

/** The `/streams` routes: one store poller per stream (per device for readings), shared. */
export function streamRoutes(ctx: AppContext): OpenAPIHono {
  const { store } = ctx;
  const intervalMs = ctx.config.pollIntervalMs;
  const onError = (e: unknown) =>
    ctx.logger.warn("stream poll failed", { error: e instanceof Error ? e.message : String(e) });
  const readAlerts: TailReader<AlertView> = (cursor) => store.tailAlerts(cursor, BATCH);
  const readAggregates: TailReader<WindowAggregate> = (cursor) =>
    store.tailAggregates(cursor, BATCH);
  const alertsHub = new TailHub({ read: readAlerts, intervalMs, onError });
  const aggregatesHub = new TailHub({ read: readAggregates, intervalMs, onError });
  const readingHubs = new Map<string, TailHub<ClimateReading>>();
  const app = newRouter();
  app.openapi(readings, async (c) => {
    const { deviceId } = c.req.valid("param");
    if (!(await store.device(deviceId))) {
      throw new ProblemError(404, `no device "${deviceId}" is known`);
    }
    const read: TailReader<ClimateReading> = (cursor) =>
      store.tailReadings(deviceId, cursor, BATCH);
    let hub = readingHubs.get(deviceId);
    if (!hub) {
      const onIdle = () => readingHubs.delete(deviceId);
      readingHubs.set(deviceId, hub = new TailHub({ read, intervalMs, onError, onIdle }));
    }
    return tail(c, ctx, "reading", hub, read);
  });
  app.openapi(aggregates, (c) => tail(c, ctx, "aggregate", aggregatesHub, readAggregates));
  app.openapi(alerts, (c) => tail(c, ctx, "alert", alertsHub, readAlerts));
  const summary = sharedSummary(ctx);
  let last = -Infinity;
  const readPipeline: TailReader<PipelineSummary> = async () => {
    // Snapshots, not a log: nothing to resume; the id is the snapshot's time.
    if (ctx.now() - last < intervalMs * 4) return { events: [], cursor: "" };
    last = ctx.now();
    return { events: [{ cursor: String(last), value: await summary() }], cursor: "" };
  };
  const pipelineHub = new TailHub({ read: readPipeline, intervalMs, onError, capacity: 1 });
  app.openapi(pipeline, (c) => tail(c, ctx, "pipeline", pipelineHub, readPipeline));
  return app;
}
