/**
 * `/healthz`, `/metrics`, and the interactive API docs at `/docs` (Swagger UI vendored from npm
 * at a pinned version, served by the app: no CDN).
 *
 * @module
 */
import { Hono } from "hono";
import swaggerCss from "swagger-ui-dist/swagger-ui.css" with { type: "text" };
import swaggerJs from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "text" };
import { PROMETHEUS_CONTENT_TYPE } from "@iot/service";
import type { AppContext } from "../context.ts";

const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>IoT API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;

const docsInit = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#ui",
  persistAuthorization: true, tryItOutEnabled: true });`;

/** Long-lived caching for assets whose content only changes with the app's version. */
const immutable = "public, max-age=86400";

/** The `/healthz`, `/metrics` and `/docs` routes. */
export function systemRoutes(ctx: AppContext): Hono {
  const app = new Hono();
  app.get("/healthz", async (c) => {
    const store = await ctx.store.ping().catch(() => false);
    return c.json({ status: store ? "ok" : "unavailable", store }, store ? 200 : 503);
  });
  app.get(
    "/metrics",
    (c) => c.body(ctx.metrics.render(), 200, { "content-type": PROMETHEUS_CONTENT_TYPE }),
  );
  app.get("/docs", (c) => c.html(docsPage));
  app.get("/docs/init.js", (c) => c.body(docsInit, 200, { "content-type": "text/javascript" }));
  app.get(
    "/docs/swagger-ui.css",
    (c) => c.body(swaggerCss, 200, { "content-type": "text/css", "cache-control": immutable }),
  );
  app.get(
    "/docs/swagger-ui-bundle.js",
    (c) =>
      c.body(swaggerJs, 200, { "content-type": "text/javascript", "cache-control": immutable }),
  );
  return app;
}
