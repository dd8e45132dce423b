/**
 * `createApp(deps)`: the API as a Hono application. Routes are grouped per resource
 * (`app.route()`), bad input becomes a 400 `application/problem+json` naming the field, unknown ids
 * a 404, and one `onError` answers everything else.
 *
 * @example
 * ```ts
 * import { createApp, SqliteStore } from "@iot/api";
 * const app = createApp({ store: new SqliteStore({ path: ":memory:" }) });
 * const response = await app.request("/devices?limit=10");
 * ```
 *
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { silentLogger } from "@iot/service";
import { type AppContext, type AppDeps, defaultAppConfig } from "./context.ts";
import { dashboardRoutes } from "./dashboard/routes.ts";
import { RouteMetrics } from "./metrics.ts";
import { ProblemError, problemResponse } from "./problem.ts";
import { aggregateRoutes } from "./routes/aggregates.ts";
import { alertRoutes } from "./routes/alerts.ts";
import { deviceRoutes } from "./routes/devices.ts";
import { pipelineRoutes } from "./routes/pipeline.ts";
import { streamRoutes } from "./routes/streams.ts";
import { systemRoutes } from "./routes/system.ts";
import { vehicleRoutes } from "./routes/vehicles.ts";
import { BadCursorError } from "./store.ts";

/** The route pattern a request matched (e.g. `/devices/:deviceId`), for metrics labels. */
function routeOf(matched: { path: string; method: string }[]): string {
  const handlers = matched.filter((r) => r.method !== "ALL" && r.path !== "/*");
  return handlers.at(-1)?.path ?? "unmatched";
}

/** The methods of the routes whose pattern matches `path` (for 405 and its `Allow` header). */
function methodsFor(routes: readonly { method: string; path: string }[], path: string): string[] {
  const methods = new Set<string>();
  for (const r of routes) {
    if (r.method === "ALL" || r.path.includes("*")) continue;
    const pattern = r.path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/:\w+/g, "[^/]+");
    if (new RegExp(`^${pattern}/?$`).test(path)) methods.add(r.method);
  }
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}

/** Builds the API over `deps`; see {@linkcode AppDeps} for what is optional. */
export function createApp(deps: AppDeps): OpenAPIHono {
  const ctx: AppContext = {
    store: deps.store,
    commands: deps.commands,
    pipeline: deps.pipeline,
    config: { ...defaultAppConfig, ...deps.config },
    logger: deps.logger ?? silentLogger,
    now: deps.now ?? Date.now,
    fetch: deps.fetch ?? fetch,
    metrics: new RouteMetrics(),
    signal: deps.signal,
  };
  const app = new OpenAPIHono();
  app.use(requestId());
  app.use(async (c, next) => {
    const start = performance.now();
    await next();
    const route = routeOf(c.req.matchedRoutes);
    const seconds = (performance.now() - start) / 1000;
    ctx.metrics.observe(c.req.method, route, c.res.status, seconds);
    // Paths and statuses only: query strings and headers may carry tokens.
    ctx.logger.info("request", {
      requestId: c.get("requestId"),
      method: c.req.method,
      route,
      status: c.res.status,
      ms: Math.round(seconds * 10_000) / 10,
    });
  });
  if (ctx.config.corsOrigins.length) {
    app.use(cors({ origin: [...ctx.config.corsOrigins], exposeHeaders: ["location"] }));
  }
  app.use(bodyLimit({
    maxSize: ctx.config.bodyLimitBytes,
    onError: () => {
      throw new ProblemError(
        413,
        `request bodies are limited to ${ctx.config.bodyLimitBytes} bytes`,
      );
    },
  }));
  app.route("/", systemRoutes(ctx));
  app.route("/devices", deviceRoutes(ctx));
  app.route("/aggregates", aggregateRoutes(ctx));
  app.route("/alerts", alertRoutes(ctx));
  app.route("/vehicles", vehicleRoutes(ctx));
  app.route("/pipeline", pipelineRoutes(ctx));
  app.route("/streams", streamRoutes(ctx));
  app.route("/", dashboardRoutes());
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "IoT platform API",
      version: "0.1.0",
      description: "Readings, window aggregates, alerts, vehicles, device commands and the " +
        "pipeline. Errors are application/problem+json (RFC 9457).",
    },
  });
  app.notFound((c) => {
    const allowed = methodsFor(app.routes, c.req.path);
    if (allowed.length === 0) {
      return problemResponse(c, 404, `no route for ${c.req.method} ${c.req.path}`);
    }
    c.header("allow", allowed.join(", "));
    return problemResponse(c, 405, `${c.req.path} allows ${allowed.join(", ")}`);
  });
  app.onError((error, c) => {
    if (error instanceof ProblemError) {
      return problemResponse(c, error.status, error.detail, error.errors);
    }
    if (error instanceof BadCursorError) {
      return problemResponse(c, 400, error.message, [
        { field: error.field, in: "query", message: "not a cursor this API issued" },
      ]);
    }
    if (error instanceof HTTPException && error.status < 500) {
      return problemResponse(c, error.status, error.message || "bad request");
    }
    ctx.logger.error("request failed", {
      requestId: c.get("requestId"),
      route: routeOf(c.req.matchedRoutes),
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    return problemResponse(c, 500, `internal error; request id ${c.get("requestId")}`);
  });
  return app;
}
