/**
 * A kernel whose port was taken between our choice and its bind (EADDRINUSE) is started again
 * with new ports, up to three times, and then the error says why.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect, it } from "vitest";
import { KernelSession } from "../src/course/jupyter";

it("retries a kernel start that failed with EADDRINUSE, three times at most", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-ports-"));
  const counter = path.join(dir, "attempts");
  const script = path.join(dir, "fake-kernel.js");
  fs.writeFileSync(
    script,
    `require("fs").appendFileSync(${JSON.stringify(counter)}, "x");
     console.error("UnhandledPromiseRejection: [Error: Address already in use] { code: 'EADDRINUSE' }");
     setTimeout(() => {}, 60000);`,
  );
  try {
    await expect(KernelSession.start({ argv: [process.execPath, script, "{connection_file}"], startTimeoutMs: 20_000 })).rejects.toThrow(
      /ports was taken by another process \(EADDRINUSE\)/,
    );
    expect(fs.readFileSync(counter, "utf8")).toBe("xxx");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
