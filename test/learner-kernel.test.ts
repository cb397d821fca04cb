/**
 * The bnlab kernel as Jupyter starts it (scripts/launcher/launch.cjs with the kernelspec's env),
 * through the real tslab kernel: what a learner sees after a compile error, on an unsolved
 * exercise, out of order (which cell defines each missing name), and what a teacher sees after
 * editing src/ (the restarted kernel runs the edit; type errors arrive under a later cell).
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KernelSession, type ExecuteResult } from "../src/course/jupyter/session";
import { expectedKernelspec, jupyterEnv } from "../src/course/jupyter/kernelspec";
import { joinSource, type Notebook, type Output } from "../src/course/notebook/nbformat";
import { processAlive } from "./helpers/process";

const ROOT = join(__dirname, "..");
const load = createRequire(__filename);
const executor = load("../scripts/launcher/learner-executor.cjs") as Record<"needsExerciseLine" | "notComputedLine", (...args: unknown[]) => string> & {
  didNotCompileLine(name: string): string;
  missingNameHint(name: string): string;
};
const { warmSocket } = load("../scripts/launcher/warm-kernel.cjs") as { warmSocket(root: string, cwd: string, execArgv: string[]): string };
const definingCells = load("../scripts/launcher/defining-cells.cjs") as {
  runCellHint(cell: { position: number; firstLine: string; importsLibrary: boolean; names: string[] }): string;
};

function text(outputs: Output[]): string {
  return outputs.map((o) => (o.output_type === "stream" ? ([] as string[]).concat(o.text).join("") : o.output_type === "error" ? `${o.ename}: ${o.evalue}` : "")).join("");
}

async function learnerKernel(root: string): Promise<KernelSession> {
  const spec = expectedKernelspec(root);
  return KernelSession.start({ cwd: join(root, "notebooks"), env: { ...jupyterEnv(process.env, root), ...spec.env }, argv: spec.argv, startTimeoutMs: 240_000 });
}

async function run(session: KernelSession, code: string): Promise<ExecuteResult & { text: string }> {
  const result = await session.execute(code, { timeoutMs: 120_000 });
  return { ...result, text: text(result.outputs) };
}

const SETUP = 'import { Matrix, check, normalizing } from "../src";\nconst { tinyBatch } = normalizing;';
const STUB = 'function batchStats(x: Matrix): { mu: Matrix; variance: Matrix } {\n  throw new Error("TODO: implement batchStats — see the exercise above (Exercise 1.1)");\n}';
const SOLVED = "function batchStats(x: Matrix): { mu: Matrix; variance: Matrix } {\n  const mu = x.meanRows();\n  return { mu, variance: x.sub(mu).map((d) => d * d).meanRows() };\n}";
const UNBIASED = "function batchStats(x: Matrix): { mu: Matrix; variance: Matrix } {\n  const mu = x.meanRows();\n  return { mu, variance: x.sub(mu).map((d) => d * d).sumRows().scale(1 / (x.rows - 1)) };\n}";
const TYPO = "function batchStats(x: Matrix): { mu: Matrix; variance: Matrix } {\n  const mu = x.meanRows();\n  return { mu, variance: x.sub(mu).map((d) => d * d).meanRow() };\n}";

describe("the learner's kernel", () => {
  it("after a restart, names the cell that defines each missing name, one line per cell, without the compiler's lines", async () => {
    const lesson = JSON.parse(readFileSync(join(ROOT, "notebooks", "01-normalize.ipynb"), "utf8")) as Notebook;
    const code = lesson.cells.filter((cell) => cell.cell_type === "code").map((cell) => joinSource(cell.source));
    const position = (declares: RegExp): number => code.findIndex((source) => declares.test(source)) + 1;
    const uses = code.find((source) => /normalize\(z, EPS\)/.test(source));
    expect(uses, "lesson 1 has a cell using z, normalize and EPS").toBeDefined();
    const session = await learnerKernel(ROOT);
    try {
      const early = await run(session, uses!);
      expect(early.status).toBe("error");
      expect(early.text).not.toContain("Cannot find name");
      const lines = early.text.trim().split("\n");
      const setup = position(/from "\.\.\/src"/);
      const zCell = position(/const \{ z \} =/);
      const normalizeCell = position(/function normalize\(/);
      expect(new Set([setup, zCell, normalizeCell]).size).toBe(3);
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(new RegExp(`^bnlab: (EPS|columnStats|normalizeRows)( and |, ).* defined by the Setup cell \\(code cell ${setup}\\), which this kernel has not run yet: run it first \\(Run › Run All Above\\)\\.$`));
      expect(lines[1]).toBe(`bnlab: normalize is defined by code cell ${normalizeCell} ("function normalize(x: Matrix, eps: number): Matri…"), which this kernel has not run yet: run it first (Run › Run All Above).`);
      expect(lines[2]).toBe(`bnlab: z and range are defined by code cell ${zCell} ("const { z } = hiddenPreactivations(1000);"), which this kernel has not run yet: run it first (Run › Run All Above).`);
      // a name no cell defines: the compiler's line stays, and the hint does not blame the Setup cell
      expect((await run(session, SETUP)).status).toBe("ok");
      const typo = await run(session, "console.log(nothingLikeThis);");
      expect(typo.status).toBe("error");
      expect(typo.text).toContain("Cannot find name 'nothingLikeThis'");
      expect(typo.text).toContain("nothingLikeThis is not defined in this kernel. If a cell above defines it, run that cell first");
      expect(typo.text).not.toContain("Setup cell");
    } finally {
      await session.shutdown();
    }
  }, 300_000);

  it("passes an unsolved exercise with one line, and a check knows when the latest version did not compile", async () => {
    const session = await learnerKernel(ROOT);
    try {
      await run(session, SETUP);
      expect((await run(session, STUB)).status).toBe("ok");
      // a demo that needs the exercise: one line naming it, no stack trace, and Run All goes on
      const demo = await run(session, "const stats = batchStats(tinyBatch().x);\nconsole.log(stats.mu.toString());");
      expect(demo.status).toBe("ok");
      expect(demo.outputs.filter((o) => o.output_type === "error")).toEqual([]);
      expect(demo.text.trim()).toBe("Skipped: this cell needs Exercise 1.1 (batchStats), which is not solved yet. Write batchStats in the exercise's cell above, run that cell, then run this one again.");
      // a later cell using what that cell never computed
      const later = await run(session, "console.log(stats.variance.toString());");
      expect(later.status).toBe("ok");
      expect(later.text).toContain("this cell uses stats, which its cell above could not compute because Exercise 1.1 (batchStats) is not solved yet");

      // the learner's first attempt: wrong (unbiased variance); the check diagnoses it
      expect((await run(session, UNBIASED)).status).toBe("ok");
      expect((await run(session, "check.batchStats(batchStats);")).text).toMatch(/✗/);
      // the fix has a typo: tslab keeps the old function, but the check must not judge it
      const broken = await run(session, TYPO);
      expect(broken.status).toBe("error");
      expect(broken.text).toContain("meanRow");
      const check = await run(session, "check.batchStats(batchStats);");
      expect(check.text.trim()).toBe("✗ your latest version of batchStats did not compile — fix the error above and re-run that cell");
      // fixed: the check judges the new version
      expect((await run(session, SOLVED)).status).toBe("ok");
      const passed = await run(session, "check.batchStats(batchStats);");
      expect(passed.text).toMatch(/✓/);
      expect(passed.text).not.toContain("did not compile");
      // and the earlier demo now runs
      expect((await run(session, "const stats = batchStats(tinyBatch().x);\nconsole.log(stats.mu.cols);")).text.trim()).toBe("3");
    } finally {
      await session.shutdown();
    }
  }, 300_000);

  it("keeps tslab's behaviour for graders and test runners (no kernelspec env)", async () => {
    const session = await KernelSession.start({ cwd: join(ROOT, "notebooks"), argv: expectedKernelspec(ROOT).argv, startTimeoutMs: 240_000 });
    try {
      await run(session, SETUP);
      await run(session, STUB);
      const demo = await run(session, "batchStats(tinyBatch().x);");
      expect(demo.status).toBe("error"); // a hidden test calling an unsolved stub fails
      expect(demo.text).toContain("TODO: implement batchStats");
    } finally {
      await session.shutdown();
    }
  }, 300_000);
});

describe("lesson 6's optional full run", () => {
  it("with Exercise 6.1 unsolved, stops before training (one line), not after minutes", async () => {
    const lesson = readFileSync(join(ROOT, "lessons", "06-capstone.md"), "utf8");
    const cell = /```ts\n(const FULL_RUN = false;[\s\S]*?)```/.exec(lesson)?.[1];
    expect(cell).toBeDefined();
    const session = await learnerKernel(ROOT);
    try {
      // the lesson's names, with a figure1Run that counts the trainings it would start
      const stand_ins = [
        "let trainings = 0;",
        "const FIGURE1 = { target: 0.9, fullSteps: 50_000 };",
        "const baseH = { eval: { step: [1], testAccuracy: [0.5] }, activations: [] };",
        "function figure1Run(options: object) { trainings++; return { history: baseH }; }",
        "function liveTraining(options: object) { return { onStep: (s: unknown) => undefined }; }",
        "function showFigure(figure: unknown) {}",
        "function percentileBands(tracks: unknown[], options: object) { return {}; }",
        "function percentileTrack(name: string, method: string, activations: unknown) { return {}; }",
      ].join("\n");
      expect((await run(session, stand_ins)).status).toBe("ok");
      const stub = 'function stepsToTarget(history: { eval: { step: number[]; testAccuracy: number[] } }, target: number): number | null {\n  throw new Error("TODO: implement stepsToTarget — see the exercise above (Exercise 6.1)");\n}';
      expect((await run(session, stub)).status).toBe("ok");
      const full = await run(session, cell!.replace("const FULL_RUN = false;", "const FULL_RUN = true;"));
      expect(full.status).toBe("ok");
      expect(full.text).toContain("Skipped: this cell needs Exercise 6.1 (stepsToTarget)");
      expect((await run(session, "console.log(trainings);")).text.trim()).toBe("0");
    } finally {
      await session.shutdown();
    }
  }, 300_000);
});

describe("editing the library live", () => {
  // A copy of the project (node_modules linked), so that editing its src/ touches nothing here.
  const copy = mkdtempSync(join(tmpdir(), "bnlab-live-"));
  for (const entry of ["src", "scripts", "tools", "dist", "notebooks", "tsconfig.json", "tsconfig.lib.json", "package.json"]) {
    cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it("a running kernel says the library changed; a restart runs the edited src/ and reports its type errors under a later cell", async () => {
    const probe = 'import * as lib from "../src";\nconsole.log("liveEdit" in lib ? `edited ${(lib as Record<string, unknown>).liveEdit}` : "original");';
    let session = await learnerKernel(copy);
    try {
      expect((await run(session, probe)).text.trim()).toBe("original");
      const index = join(copy, "src", "index.ts");
      // the edit runs at once (transpiled); its type error is found in the background
      writeFileSync(index, readFileSync(index, "utf8") + '\nexport const liveEdit = "in class";\nexport const typeSlip: number = "not a number";\n');
      const next = await run(session, 'console.log("next cell");');
      expect(next.text).toContain("bnlab: the library changed since this kernel started (src/index.ts); this kernel still runs the old version. Restart the kernel");
      expect(next.text).toContain("next cell");
      // reported once, not under every cell
      expect((await run(session, "1 + 1;")).text).not.toContain("library changed");
    } finally {
      await session.shutdown();
    }
    session = await learnerKernel(copy); // Kernel › Restart: the launcher rebuilds dist/ first
    try {
      expect((await run(session, probe)).text.trim()).toBe("edited in class");
      let later = "";
      for (let i = 0; i < 90 && !later.includes("type errors"); i++) {
        await new Promise((r) => setTimeout(r, 2000));
        later = (await run(session, "1;")).text;
      }
      expect(later).toContain("bnlab: the library this kernel loaded has type errors (the code runs; tsc says):");
      expect(later).toMatch(/src\/index\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
      expect((await run(session, "2;")).text).not.toContain("type errors"); // once
    } finally {
      await session.shutdown();
    }
  }, 600_000);

  it("a restart hands the kernel to the warm one the last start left: it runs src/ as it is at the restart, is interrupted and stops through its launcher", async () => {
    const first = await learnerKernel(copy);
    try {
      expect((await run(first, "1;")).status).toBe("ok");
      // the warm kernel this start left listens once prepared (edited src/ must not be in it yet)
      const socket = warmSocket(copy, join(copy, "notebooks"), []);
      for (let i = 0; i < 600 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 200));
      expect(existsSync(socket)).toBe(true);
    } finally {
      await first.shutdown();
    }
    const index = join(copy, "src", "index.ts");
    writeFileSync(index, readFileSync(index, "utf8") + '\nexport const warmEdit = "edited after the warm kernel started";\n');
    const session = await learnerKernel(copy);
    try {
      const probe = await run(session, 'import * as lib from "../src";\nconsole.log(process.pid, (lib as Record<string, unknown>).warmEdit);');
      const [pid, ...edit] = probe.text.trim().split(" ");
      expect(Number(pid)).not.toBe(session.pid); // the warm kernel, not the launcher Jupyter started
      expect(edit.join(" ")).toBe("edited after the warm kernel started");
      const endless = await session.execute("await new Promise(() => {});", { timeoutMs: 3000 });
      expect(endless.status).toBe("timeout"); // interrupted: SIGINT reached the warm kernel
      expect((await run(session, "console.log('after the interrupt');")).text).toContain("after the interrupt");
      expect(processAlive(Number(pid))).toBe(true);
      await session.shutdown();
      for (let i = 0; i < 50 && processAlive(Number(pid)); i++) await new Promise((r) => setTimeout(r, 100));
      expect(processAlive(Number(pid))).toBe(false);
    } finally {
      await session.shutdown();
    }
  }, 600_000);
});

describe("the learner's lines", () => {
  // Chromium draws with fontconfig's sans-serif (DejaVu Sans on Debian): a character it lacks is an
  // empty box, as "⏭" was.
  const fcMatch = spawnSync("fc-match", ["sans-serif", "family"], { encoding: "utf8" });
  it.skipIf(fcMatch.status !== 0)("use only characters the default sans-serif font has", () => {
    const family = fcMatch.stdout.trim().split(",")[0];
    const todo = { name: "normalize", exercise: "1.2" };
    const lines = [
      executor.needsExerciseLine(todo),
      executor.notComputedLine("z", todo),
      executor.didNotCompileLine("normalize"),
      executor.missingNameHint("q"),
      definingCells.runCellHint({ position: 3, firstLine: "const z = 1;", importsLibrary: false, names: ["z", "w"] }),
      definingCells.runCellHint({ position: 1, firstLine: "import {", importsLibrary: true, names: ["EPS"] }),
    ].join("");
    const special = [...new Set([...lines].filter((c) => c.codePointAt(0)! > 127))];
    expect(special.length).toBeGreaterThan(0);
    const has = (c: string): boolean => spawnSync("fc-list", [`${family}:charset=${c.codePointAt(0)!.toString(16)}`, "family"], { encoding: "utf8" }).stdout.trim() !== "";
    expect(has("⏭"), "the check itself: the glyph that drew as a box").toBe(false);
    expect(special.filter((c) => !has(c))).toEqual([]);
  });
});
