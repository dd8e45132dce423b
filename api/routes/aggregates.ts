/**
 * `/aggregates`: window aggregates of every device for a window range.
 *
 * @module
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { type AppContext, newRouter } from "../context.ts";
import { markClosedWindows } from "./devices.ts";
import {
  aggregateSchema,
  json,
  pageOf,
  pageQuery,
  problems,
  rangeQuery,
  splitPage,
} from "../schemas.ts";

const list = createRoute({
  method: "get",
  path: "/",
  tags: ["aggregates"],
  summary: "Window aggregates of every device whose window starts in a range",
  request: { query: pageQuery.extend(rangeQuery.shape) },
  responses: {
    200: json(pageOf(aggregateSchema, "AllAggregatePage"), "A page of window aggregates"),
    ...problems(400),
  },
});

/** The `/aggregates` routes. */
export function aggregateRoutes(ctx: AppContext): OpenAPIHono {
  const app = newRouter();
  app.openapi(list, async (c) => {
    const [request, range] = splitPage(c.req.valid("query"));
    const page = await ctx.store.aggregates(range, request);
    markClosedWindows(c, range, ctx.now());
    return c.json(page, 200);
  });
  return app;
}
