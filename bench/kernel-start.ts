/**
 * npm run bench:kernel — what a kernel (re)start costs: the launcher's library check alone, kernel
 * start to first output for plain tslab, the launcher, and the launcher in learner mode (without a
 * warm kernel, as a first start, and with one, as a restart), and the instructor's case: a restart
 * after an edit to one file of src/ until the first output of a cell that imports the library (the
 * launcher rebuilds the changed file first; the warm kernel the previous start left takes over, once
 * it is ready, as it is after the seconds an edit takes). Timings only, never pass/fail.
 */
import * as fs from "node:fs";
import { performance } from "node:perf_hooks";
import * as path from "node:path";
import { KernelSession } from "../src/course/jupyter/session";
import { expectedKernelspec, jupyterEnv, tslabBin } from "../src/course/jupyter/kernelspec";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { LEARNER_KERNEL_ENV } = require("../scripts/launcher/kernelspec.cjs") as { LEARNER_KERNEL_ENV: string };

const root = path.resolve(__dirname, "..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hash = require("../scripts/launcher/library-hash.cjs") as { librarySourceHash(root: string): string; builtHash(root: string): string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const warm = require("../scripts/launcher/warm-kernel.cjs") as { warmSocket(root: string, cwd: string, execArgv: string[]): string };
const warmSocket = warm.warmSocket(root, path.join(root, "notebooks"), []);

/** Waits until the warm kernel for the notebooks' folder listens; returns how long that took. */
async function warmKernelReady(): Promise<number> {
  const t0 = performance.now();
  while (!fs.existsSync(warmSocket) && performance.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 100));
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Time to the cell's first output; the kernel then stays until `until` resolves (as one in use would). */
async function firstOutput(argv: string[], env: NodeJS.ProcessEnv, cell = 'console.log("ready")', until: () => Promise<unknown> = async () => undefined): Promise<number> {
  const t0 = performance.now();
  const session = await KernelSession.start({ cwd: path.join(root, "notebooks"), argv, env, startTimeoutMs: 240_000 });
  try {
    const result = await session.execute(cell, { timeoutMs: 60_000 });
    if (result.status !== "ok") throw new Error(`the bench cell failed (${result.status}): ${JSON.stringify(result.outputs).slice(0, 2000)}`);
    return performance.now() - t0;
  } finally {
    await until();
    await session.shutdown();
  }
}

async function main(): Promise<void> {
  const checks: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const fresh = hash.librarySourceHash(root) === hash.builtHash(root);
    checks.push(performance.now() - t0);
    if (!fresh) console.log("(dist/ is stale: run npm run build:lib first for a fair number)");
  }
  console.log(`launcher's library check (hash of src/, nothing changed): median ${median(checks).toFixed(1)} ms over 20`);
  const rounds = Number(process.env.ROUNDS ?? 3);
  const spec = expectedKernelspec(root);
  const plain = [tslabBin(root), "kernel", "--config-path", "{connection_file}"];
  const cases: [string, string[], NodeJS.ProcessEnv, () => Promise<unknown>][] = [
    ["tslab directly", plain, jupyterEnv(), async () => undefined],
    ["launcher (graders, tests)", spec.argv, jupyterEnv(), async () => undefined],
    // an unreachable warm kernel: the launcher starts the kernel itself
    ["launcher, learner kernel (Jupyter), no warm kernel", spec.argv, { ...jupyterEnv(), ...spec.env }, async () => fs.rmSync(warmSocket, { force: true })],
    ["launcher, learner kernel (Jupyter), a warm kernel ready", spec.argv, { ...jupyterEnv(), ...spec.env }, warmKernelReady],
  ];
  const results: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, argv, env, before] of cases) {
      await before();
      // a learner kernel stays until it has left a warm kernel, as a kernel in use does
      const ms = await firstOutput(argv, env, undefined, env[LEARNER_KERNEL_ENV] === "1" ? warmKernelReady : undefined);
      results[name] = Math.min(results[name] ?? Infinity, ms);
    }
  }
  for (const [name, ms] of Object.entries(results)) {
    console.log(`kernel start to first output, ${name}: best of ${rounds} ${(ms / 1000).toFixed(2)} s (${(ms / results["tslab directly"]).toFixed(2)}× tslab)`);
  }
  const edits: number[] = [];
  const waits: number[] = [];
  const edited = path.join(root, "src", "random", "rng.ts");
  const original = fs.readFileSync(edited, "utf8");
  try {
    for (let r = 0; r < rounds; r++) {
      waits.push(await warmKernelReady()); // none: the previous kernel waited for it
      fs.writeFileSync(edited, `${original}\n// bench:kernel edit ${r}\n`);
      edits.push(await firstOutput(spec.argv, { ...jupyterEnv(), ...spec.env }, 'import { Matrix } from "../src";\nconsole.log(Matrix.zeros(2, 2).rows);', warmKernelReady));
    }
  } finally {
    fs.writeFileSync(edited, original);
  }
  console.log(`restart after an edit to src/random/rng.ts, to the first output of a cell importing the library: median ${(median(edits) / 1000).toFixed(2)} s over ${rounds} (${edits.map((ms) => (ms / 1000).toFixed(1)).join(", ")} s; waited ${waits.map((ms) => (ms / 1000).toFixed(1)).join(", ")} s more before each for the warm kernel, which each kernel stays for: 10 s after its start)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
