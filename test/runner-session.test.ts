import { spawn } from "node:child_process";
import { processAlive } from "./helpers/process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelSession, executeNotebook } from "../src/course/jupyter";
import { joinSource, type Notebook } from "../src/course/notebook/nbformat";

const ROOT = join(__dirname, "..");
const FIXTURES = join(__dirname, "fixtures", "notebooks");

async function waitDead(pid: number, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!processAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !processAlive(pid);
}

describe("KernelSession", () => {
  let session: KernelSession;
  beforeAll(async () => {
    session = await KernelSession.start({ cwd: FIXTURES });
  });
  afterAll(async () => {
    await session?.shutdown();
  });

  it("re-runs every cell of a notebook a second time in the same kernel", async () => {
    const nb = JSON.parse(readFileSync(join(FIXTURES, "basic.ipynb"), "utf8")) as Notebook;
    const first = await executeNotebook(nb, { session });
    const second = await executeNotebook(nb, { session });
    expect(first.errors).toEqual([]);
    expect(second.errors).toEqual([]);
    const counts = (r: typeof first): (number | null)[] => r.notebook.cells.flatMap((c) => (c.cell_type === "code" ? [c.execution_count] : []));
    const outputs = (r: typeof first): unknown[] => r.notebook.cells.flatMap((c) => (c.cell_type === "code" ? [c.outputs] : []));
    const n = counts(first).length;
    expect(counts(second)).toEqual(counts(first).map((c) => (c ?? 0) + n));
    expect(outputs(second)).toEqual(outputs(first));
    expect(session.alive).toBe(true);
  });

  it("keeps state between executions and recovers right after an error", async () => {
    expect((await session.execute("let counter = 41;")).status).toBe("ok");
    const failed = await session.execute('throw new Error("x")');
    expect(failed.status).toBe("error");
    // Sent within tslab's 200 ms abort window: retried, not lost.
    const next = await session.execute("counter + 1");
    expect(next.status).toBe("ok");
    expect(next.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "42\n" }]);
    expect(next.executionCount).toBe((failed.executionCount ?? 0) + 1);
  });

  it("applies a memory limit to the kernel's V8 heap", async () => {
    const limited = await KernelSession.start({ cwd: FIXTURES, memoryLimitMb: 200 });
    try {
      const r = await limited.execute('import * as v8 from "v8";\nconsole.log(Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20))');
      expect(r.status).toBe("ok");
      const mb = Number(String(r.outputs[0] && r.outputs[0].output_type === "stream" ? r.outputs[0].text : ""));
      expect(mb).toBeGreaterThan(150);
      expect(mb).toBeLessThan(300);
    } finally {
      await limited.shutdown();
    }
    expect(processAlive(limited.pid)).toBe(false);
  });
});

describe("no orphan kernels", () => {
  it("shutdown stops the kernel and untracks it: the exit and signal handlers that kill live kernels are gone with it", async () => {
    const listeners = () => ["exit", "SIGINT", "SIGTERM", "SIGHUP"].map((event) => process.listenerCount(event));
    const before = listeners();
    const s = await KernelSession.start({ cwd: FIXTURES });
    expect(listeners()).toEqual(before.map((n) => n + 1));
    await s.shutdown();
    expect(processAlive(s.pid)).toBe(false);
    expect(listeners()).toEqual(before);
    expect((await s.execute("1")).status).toBe("dead");
  });

  it("kills the process group when SIGINT cannot stop a cell, grandchildren included", async () => {
    const s = await KernelSession.start({ cwd: FIXTURES });
    const marker = `${process.pid}.${Date.now() % 1000}`;
    // execSync blocks the kernel's event loop, so SIGINT cannot interrupt it: escalate to kill.
    const r = await s.execute(`import { execSync } from "child_process";\nexecSync("sleep ${marker}");`, { timeoutMs: 1000, interruptGraceMs: 700 });
    expect(r.status).toBe("dead");
    expect(r.error).toMatchObject({ ename: "CellTimeoutError" });
    expect(r.error?.evalue).toMatch(/the kernel was killed/);
    expect(s.alive).toBe(false);
    expect(processAlive(s.pid)).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    const sleepers = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, "utf8").includes(`sleep\0${marker}`);
      } catch {
        return false;
      }
    });
    expect(sleepers.filter((pid) => processAlive(Number(pid)))).toEqual([]);
    await s.shutdown();
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`kills the kernel when the execute CLI gets ${signal}`, async () => {
      const child = spawn(process.execPath, ["--import", "tsx", "tools/execute.ts", join(FIXTURES, "forever.ipynb"), "--out", join(ROOT, "test-artifacts", "runner"), "--verbose"], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      const pid = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no kernel pid printed:\n${out}`)), 60_000);
        child.stdout.on("data", () => {
          const m = /kernel pid (\d+)/.exec(out);
          if (m && /cell 0: ok/.test(out)) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
      });
      expect(processAlive(pid)).toBe(true);
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, sig) => resolve(sig)));
      child.kill(signal);
      expect(await exited).toBe(signal);
      expect(await waitDead(pid)).toBe(true);
    });
  }
});

describe("source joining", () => {
  it("uses nbformat's joinSource for multi-line sources", () => {
    expect(joinSource(["a\n", "b"])).toBe("a\nb");
  });
});
