/**
 * A tiny static server for an exported site (`npm run serve:site`, and the browser tests). Any static
 * host works as well; what it must do is listed in README ("The live site"): serve .wasm as
 * application/wasm (only needed for streaming compilation; the worker compiles from bytes) and the
 * other files with their usual types.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";

const MIME_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".bin": "application/octet-stream",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".ipynb": "application/x-ipynb+json",
};

export interface SiteServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `dir` on 127.0.0.1:`port` (0: any free port). Paths outside `dir` are refused. */
export function serveSite(dir: string, port = 0): Promise<SiteServer> {
  const rootDir = path.resolve(dir);
  if (!fs.existsSync(path.join(rootDir, "index.html"))) throw new Error(`serveSite: ${rootDir} has no index.html; export the site first (npm run export -- --live)`);
  const server = http.createServer((request, response) => {
    const urlPath = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    const file = path.join(rootDir, urlPath.endsWith("/") ? `${urlPath}index.html` : urlPath);
    if (!file.startsWith(rootDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${urlPath}\n`);
      return;
    }
    response.writeHead(200, { "content-type": MIME_TYPES[path.extname(file)] ?? "application/octet-stream", "cache-control": "no-cache" });
    fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      resolve({ url: `http://127.0.0.1:${actual}/`, close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
