/**
 * `/alerts`: alerts by state, severity, device and time, one alert, and acknowledging one.
 *
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { alertSeverities, alertStates } from "@iot/events";
import { requireToken } from "../auth.ts";
import { type AppContext, newRouter } from "../context.ts";
import { ProblemError } from "../problem.ts";
import {
  ackRequestSchema,
  alertSchema,
  idParam,
  json,
  pageOf,
  pageQuery,
  problems,
  rangeQuery,
  splitPage,
} from "../schemas.ts";

const tags = ["alerts"];
const alertParam = idParam("alertId");

const filterQuery = pageQuery.extend(rangeQuery.shape).extend({
  state: z.enum(alertStates).optional(),
  severity: z.enum(alertSeverities).optional(),
  deviceId: z.string().min(1).max(256).optional(),
});

const list = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "Alerts, newest first; `from`/`to` bound when they were raised",
  request: { query: filterQuery },
  responses: { 200: json(pageOf(alertSchema, "AlertPage"), "A page of alerts"), ...problems(400) },
});

const one = createRoute({
  method: "get",
  path: "/{alertId}",
  tags,
  summary: "One alert",
  request: { params: alertParam },
  responses: { 200: json(alertSchema, "The alert"), ...problems(400, 404) },
});

const ack = createRoute({
  method: "post",
  path: "/{alertId}/ack",
  tags,
  summary: "Acknowledge an alert (idempotent: the first acknowledgement is kept)",
  security: [{ bearer: [] }],
  request: {
    params: alertParam,
    body: { content: { "application/json": { schema: ackRequestSchema } }, required: false },
  },
  responses: { 200: json(alertSchema, "The acknowledged alert"), ...problems(400, 401, 403, 404) },
});

/** The `/alerts` routes. */
export function alertRoutes(ctx: AppContext): OpenAPIHono {
  const { store } = ctx;
  const app = newRouter();
  app.post("/:alertId/ack", requireToken(ctx.config.tokens));
  app.openapi(list, async (c) => {
    const [page, filter] = splitPage(c.req.valid("query"));
    return c.json(await store.alerts(filter, page), 200);
  });
  app.openapi(one, async (c) => {
    const { alertId } = c.req.valid("param");
    const alert = await store.alert(alertId);
    if (!alert) throw new ProblemError(404, `no alert "${alertId}" is known`);
    return c.json(alert, 200);
  });
  app.openapi(ack, async (c) => {
    const { alertId } = c.req.valid("param");
    const by = c.req.valid("json")?.by ?? "api";
    const at = new Date(ctx.now()).toISOString();
    if (!(await store.ackAlert(alertId, at, by))) {
      throw new ProblemError(404, `no alert "${alertId}" is known`);
    }
    return c.json((await store.alert(alertId))!, 200);
  });
  return app;
}
