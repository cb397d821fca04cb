/**
 * The warm kernel's socket (scripts/launcher/warm-kernel.cjs): a launcher hands its connection file
 * and environment only through a folder no other user can enter. (The hand-over itself, through the
 * real kernel: test/learner-kernel.test.ts, "editing the library live".)
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..");
const load = createRequire(__filename);
const warm = load("../scripts/launcher/warm-kernel.cjs") as {
  warmSocket(root: string): string;
  claimWarmKernel(root: string, claim: { configPath: string; buildProblem: string }): Promise<boolean>;
};

describe("the warm kernel's socket", () => {
  const tmpdirBefore = process.env.TMPDIR;
  afterEach(() => {
    if (tmpdirBefore === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdirBefore;
  });

  it("is used only in a folder closed to other users", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "bnlab-warm-test-"));
    process.env.TMPDIR = tmp; // os.tmpdir() reads it
    try {
      const socketPath = warm.warmSocket(ROOT);
      expect(dirname(socketPath).startsWith(tmp)).toBe(true);
      mkdirSync(dirname(socketPath), { mode: 0o755 });
      chmodSync(dirname(socketPath), 0o755);
      // someone else's listener where the warm kernel would be: it must not hear from the launcher
      const claims: string[] = [];
      const planted = createServer((socket) => {
        socket.on("data", (chunk) => claims.push(chunk.toString()));
        socket.on("end", () => socket.end());
        setTimeout(() => socket.destroy(), 200);
      });
      await new Promise<void>((resolve) => planted.listen(socketPath, resolve));
      try {
        expect(await warm.claimWarmKernel(ROOT, { configPath: "/nowhere.json", buildProblem: "" })).toBe(false);
        expect(claims).toEqual([]);
        chmodSync(dirname(socketPath), 0o700);
        expect(await warm.claimWarmKernel(ROOT, { configPath: "/nowhere.json", buildProblem: "" })).toBe(false); // it never answered "claimed"
        expect(claims.join("")).toContain("/nowhere.json");
      } finally {
        planted.close();
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
