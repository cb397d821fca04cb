/**
 * npm run serve:site [-- --dir site-live] [--port 8000]
 * Serves an exported site (default: the live site, site-live/) at http://127.0.0.1:PORT/.
 */
import * as path from "node:path";
import { serveSite } from "../src/course/live/serve-site";

const USAGE = "usage: npm run serve:site [-- --dir DIR] [--port PORT]";

async function main(argv: string[]): Promise<void> {
  let dir = path.resolve(__dirname, "..", "site-live");
  let port = 8000;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--dir" && argv[i + 1] !== undefined) dir = path.resolve(argv[++i]);
    else if (argv[i] === "--port" && /^\d+$/.test(argv[i + 1] ?? "")) port = Number(argv[++i]);
    else throw new Error(`unknown or incomplete option ${argv[i]}\n${USAGE}`);
  }
  const server = await serveSite(dir, port);
  console.log(`serving ${path.relative(process.cwd(), dir) || dir} at ${server.url} (Ctrl-C stops)`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
