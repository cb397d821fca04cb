/**
 * `npm run bench -- --json`: the contract of its last line (issue 7), not its
 * timings (those are never pass/fail). A tiny run: one round of 0.2 s each.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
const torchHere = spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;

function bench(...args: string[]): Record<string, unknown> {
  const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
  const run = spawnSync(process.execPath, [tsx, "bench/train-bench.ts", "--json", "--rounds", "1", "--seconds", "0.2", ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(run.status, run.stderr).toBe(0);
  const lines = run.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

describe("npm run bench -- --json", () => {
  it("ends with one JSON object: our steps/s with BN (bn, cnn) and without (plain, cnnPlain), the kernel, the peak memory", () => {
    const result = bench("--no-torch");
    for (const key of ["bn", "plain", "cnn", "cnnPlain"]) expect(result[key], key).toBeGreaterThan(0);
    expect(result.kernel).toMatch(/native-avx2|wasm-simd|js/);
    expect(result.peakRssMb).toBeGreaterThan(0);
    expect(result.torch).toBeUndefined();
  }, 120_000);

  it.runIf(torchHere)("with PyTorch installed: its steps/s (float64 and float32) and the ratios too", () => {
    const result = bench();
    const torch = result.torch as Record<string, number>;
    for (const key of ["bn64", "plain64", "bn32", "plain32", "cnn64", "cnnPlain64"]) expect(torch[key], key).toBeGreaterThan(0);
    const ratio = result.ratio as Record<string, number>;
    // one round: the median of the per-round ratios is that round's ratio
    for (const key of ["bn", "plain", "cnn", "cnnPlain"]) {
      expect(ratio[key], key).toBeCloseTo((result[key] as number) / torch[`${key}64`], 1);
    }
  }, 120_000);

  it("--kernel wasm measures the WebAssembly kernel", () => {
    expect(bench("--no-torch", "--kernel", "wasm").kernel).toBe("wasm-simd");
  }, 120_000);

  it("--only cnn measures the CNN alone (and --only mlp the MLP)", () => {
    const cnn = bench("--no-torch", "--only", "cnn");
    expect(cnn.cnn).toBeGreaterThan(0);
    expect(cnn.cnnPlain).toBeGreaterThan(0);
    expect(cnn.bn).toBeUndefined();
    const mlp = bench("--no-torch", "--only", "mlp");
    expect(mlp.bn).toBeGreaterThan(0);
    expect(mlp.cnn).toBeUndefined();
  }, 240_000);
});
