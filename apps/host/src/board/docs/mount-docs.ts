import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Hono } from "hono";

/**
 * Swagger UI needs inline styles (it sets `style` attributes while rendering) and data: images; it
 * runs no inline script here, because the initializer below is served as a file. Try-it requests
 * go to this host only (`connect-src 'self'`).
 */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// Only these files of swagger-ui-dist are served: nothing else of node_modules is reachable.
const DIST_FILES: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

// The document declares the bearer scheme but no requirement, and Swagger UI sends a credential only
// where one is required: apply every declared scheme document-wide before handing the spec over.
const INIT_JS = `window.addEventListener("load", function () {
  fetch("/openapi.json", { headers: { accept: "application/json" } })
    .then(function (res) { return res.json(); })
    .then(function (spec) {
      var schemes = Object.keys((spec.components && spec.components.securitySchemes) || {});
      if (!spec.security && schemes.length) spec.security = schemes.map(function (k) { var r = {}; r[k] = []; return r; });
      window.ui = SwaggerUIBundle({
        spec: spec,
        dom_id: "#swagger-ui",
        deepLinking: true,
        tryItOutEnabled: true,
        // Tags start folded: with every operation open (150+), Swagger UI 5 stops rendering after
        // the first tag's dozen operations and the page never becomes usable.
        docExpansion: "none",
        persistAuthorization: false,
        validatorUrl: null,
        presets: [SwaggerUIBundle.presets.apis],
      });
    });
});
`;

/** The `/docs` page: Swagger UI reading `/openapi.json`. @internal */
export const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Valhalla API reference</title>
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head><body>
<main id="swagger-ui"><p>Loading the API reference… it needs JavaScript; the raw document is at <a href="/openapi.json">/openapi.json</a>.</p></main>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body></html>`;

/**
 * The assets of `/docs` (Swagger UI from the `swagger-ui-dist` package, served by the host itself:
 * no CDN, works offline). The page itself is a host route (`registry-routes.ts`), documented and
 * served through the pipeline like every other.
 * @internal
 */
export function mountDocs(app: Hono): void {
  const dist = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const cache = new Map<string, Buffer>();
  const csp = { "content-security-policy": DOCS_CSP };
  app.get("/docs/assets/:file", async (c) => {
    const file = c.req.param("file");
    if (file === "init.js")
      return c.body(INIT_JS, 200, { "content-type": "text/javascript; charset=utf-8", ...csp });
    const type = DIST_FILES[file];
    if (!type) return c.notFound();
    let body = cache.get(file);
    if (!body) {
      body = await readFile(join(dist, file));
      cache.set(file, body);
    }
    return c.body(new Uint8Array(body), 200, {
      "content-type": type,
      "cache-control": "public, max-age=3600",
    });
  });
}
