// Serves the demo page on loopback: `/` is this folder, `/pkg/` the npm package's web build
// (target/npm/leads-wasm/web, made by ./scripts/build-npm).
//
//   node examples/browser/serve.mjs [port]      then open http://127.0.0.1:8080/
import { createServer } from "node:http";
import { createReadStream, statSync } from "node:fs";
import { extname, join, normalize, dirname, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const roots = { "/pkg/": join(here, "..", "..", "target", "npm", "leads-wasm", "web"), "/": here };
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".csv": "text/csv; charset=utf-8",
  ".json": "application/json",
};

/**
 * Starts the server; resolves to its URL. `pkgDelayMs` holds back every `/pkg/` response that long
 * (a slow network, for the tests).
 */
export function serve(port = 8080, { pkgDelayMs = 0 } = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const prefix = Object.keys(roots).find((p) => path.startsWith(p));
    const base = roots[prefix];
    const file = normalize(join(base, path.slice(prefix.length) || "index.html"));
    if (!file.startsWith(base + sep) && file !== base) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (!statSync(file).isFile()) throw new Error("not a file");
    } catch {
      res.writeHead(404).end("not found");
      return;
    }
    if (pkgDelayMs > 0 && prefix === "/pkg/") await new Promise((r) => setTimeout(r, pkgDelayMs));
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${server.address().port}/`, server })));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await serve(Number(process.argv[2] ?? 8080));
  console.log(`leads demo on ${url}`);
}
