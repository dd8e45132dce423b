/**
 * `/vehicles`: each vehicle's current maximum tyre pressure and one vehicle's history of maxima.
 *
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { type AppContext, newRouter } from "../context.ts";
import { ProblemError } from "../problem.ts";
import {
  idParam,
  json,
  pageOf,
  pageQuery,
  problems,
  rangeQuery,
  splitPage,
  vehicleMaxSchema,
  vehicleReadingSchema,
} from "../schemas.ts";

const tags = ["vehicles"];

const list = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "The current maximum pressure of each vehicle (the compacted topic's latest value)",
  request: { query: pageQuery },
  responses: {
    200: json(pageOf(vehicleMaxSchema, "VehicleMaxPage"), "A page of vehicles"),
    ...problems(400),
  },
});

const vehicleSchema = z.object({
  max: vehicleMaxSchema,
  history: pageOf(vehicleReadingSchema, "VehicleHistoryPage"),
}).openapi("Vehicle");

const one = createRoute({
  method: "get",
  path: "/{vehicleId}",
  tags,
  summary: "One vehicle: its current maximum and the readings that set a new maximum",
  request: { params: idParam("vehicleId"), query: pageQuery.extend(rangeQuery.shape) },
  responses: { 200: json(vehicleSchema, "The vehicle"), ...problems(400, 404) },
});

/** The `/vehicles` routes. */
export function vehicleRoutes(ctx: AppContext): OpenAPIHono {
  const app = newRouter();
  app.openapi(list, async (c) => c.json(await ctx.store.vehicleMaxima(c.req.valid("query")), 200));
  app.openapi(one, async (c) => {
    const { vehicleId } = c.req.valid("param");
    const [page, range] = splitPage(c.req.valid("query"));
    const max = await ctx.store.vehicleMax(vehicleId);
    if (!max) throw new ProblemError(404, `no vehicle "${vehicleId}" is known`);
    const history = await ctx.store.vehicleMaxHistory(vehicleId, range, page);
    return c.json({ max, history }, 200);
  });
  return app;
}
