/**
 * The dashboard at `/` (placeholder until the page lands).
 *
 * @module
 */
import { Hono } from "hono";

/** The dashboard's routes. */
export function dashboardRoutes(): Hono {
  const app = new Hono();
  app.get("/", (c) => c.html("<!doctype html><title>IoT</title><p>dashboard</p>"));
  return app;
}
