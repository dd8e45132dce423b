/**
 * The dashboard at `/`: static files with no build step, and uPlot vendored from its npm package
 * at a pinned version (embedded at load time, so `deno compile` carries it; no CDN).
 *
 * @module
 */
import { Hono } from "hono";
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };
import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import appCss from "./app.css" with { type: "text" };
import appJs from "./app.js" with { type: "text" };
import indexHtml from "./index.html" with { type: "text" };

const assets: Record<string, [string, string]> = {
  "app.js": [appJs, "text/javascript; charset=utf-8"],
  "app.css": [appCss, "text/css; charset=utf-8"],
  "uPlot.iife.min.js": [uplotJs, "text/javascript; charset=utf-8"],
  "uPlot.min.css": [uplotCss, "text/css; charset=utf-8"],
};

/** The dashboard's routes: `/` and `/assets/*`. */
export function dashboardRoutes(): Hono {
  const app = new Hono();
  app.get("/", (c) => {
    // The page must not leak the `?token=` it was opened with to other origins.
    c.header("referrer-policy", "no-referrer");
    c.header("content-security-policy", "default-src 'self'; style-src 'self' 'unsafe-inline'");
    return c.html(indexHtml);
  });
  // Browsers ask for it on every page; an empty answer beats a 404 in their console.
  app.get("/favicon.ico", (c) => c.body(null, 204));
  app.get("/assets/:name", (c) => {
    const asset = assets[c.req.param("name")];
    if (!asset) return c.notFound();
    return c.body(asset[0], 200, { "content-type": asset[1], "cache-control": "no-cache" });
  });
  return app;
}
