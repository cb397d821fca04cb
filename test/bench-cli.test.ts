/**
 * `npm run bench -- --json`: the contract of its last line (issue 7), not its
 * timings (those are never pass/fail). A tiny run: one round of 0.2 s each.
 */
import { execFile, spawnSync, type ChildProcess } from "child_process";
import * as path from "path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
const torchHere = spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;

/**
 * Run the bench and parse its last line. Asynchronously: a run takes tens of
 * seconds on a busy machine, and a worker blocked in spawnSync that long
 * misses vitest's RPC deadline ("Timeout calling onTaskUpdate").
 */
async function bench(...args: string[]): Promise<Record<string, unknown>> {
  const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
  const argv = [tsx, "bench/train-bench.ts", "--json", "--rounds", "1", "--seconds", "0.2", ...args];
  const { status, stdout, stderr } = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child: ChildProcess = execFile(process.execPath, argv, { cwd: root, encoding: "utf8", timeout: 300_000, maxBuffer: 1 << 24 }, (error, out, err) =>
      resolve({ status: error ? (child.exitCode ?? 1) : 0, stdout: out, stderr: err }),
    );
  });
  expect(status, stderr).toBe(0);
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

describe("npm run bench -- --json", () => {
  it("ends with one JSON object: our steps/s with BN (bn, cnn) and without (plain, cnnPlain), the backend, the peak memory", async () => {
    const result = await bench("--no-torch");
    for (const key of ["bn", "plain", "cnn", "cnnPlain"]) expect(result[key], key).toBeGreaterThan(0);
    expect(result.backend).toMatch(/native-avx2|wasm-simd|js/);
    expect(result.peakRssMb).toBeGreaterThan(0);
    expect(result.torch).toBeUndefined();
    for (const key of ["bn", "plain", "cnn", "cnnPlain"]) expect((result.float32 as Record<string, number>)[key], key).toBeGreaterThan(0);
  }, 320_000);

  it.runIf(torchHere)("with PyTorch installed: its steps/s (float64 and float32) and the ratios too", async () => {
    const result = await bench();
    const torch = result.torch as Record<string, number>;
    for (const key of ["bn64", "plain64", "bn32", "plain32", "cnn64", "cnnPlain64"]) expect(torch[key], key).toBeGreaterThan(0);
    const ratio = result.ratio as Record<string, number>;
    // one round: the median of the per-round ratios is that round's ratio
    for (const key of ["bn", "plain", "cnn", "cnnPlain"]) {
      expect(ratio[key], key).toBeCloseTo((result[key] as number) / torch[`${key}64`], 1);
    }
    // every PyTorch build found (Debian's first), and ours against the faster float32 of them
    const builds = result.torchBuilds as Array<{ version: string; python: string; stepsPerSecond: Record<string, number> }>;
    expect(builds[0].python).toBe("/usr/bin/python3");
    for (const b of builds) expect(b.version).toMatch(/^\d+\.\d+/);
    // ratio32: ours with float32 products against the faster float32; ratio32Of64: ours in float64 against it
    const ratio32 = result.ratio32 as Record<string, number>;
    const ratio32Of64 = result.ratio32Of64 as Record<string, number>;
    const ours32 = result.float32 as Record<string, number>;
    expect(result.float32Backend).toMatch(/float32/);
    const against = result.ratio32Against as Record<string, string>;
    for (const key of ["bn", "plain", "cnn", "cnnPlain"]) {
      const fastest = Math.max(...builds.map((b) => b.stepsPerSecond[`${key}32`]));
      expect(ratio32Of64[key], key).toBeCloseTo((result[key] as number) / fastest, 2);
      expect(ours32[key], key).toBeGreaterThan(0);
      expect(ratio32[key], key).toBeCloseTo(ours32[key] / fastest, 2);
      expect(builds.map((b) => b.version), key).toContain(against[key]);
    }
  }, 320_000);

  it("--backend wasm measures the WebAssembly backend", async () => {
    expect((await bench("--no-torch", "--backend", "wasm")).backend).toBe("wasm-simd");
  }, 320_000);

  it("--only cnn measures the CNN alone (and --only mlp the MLP)", async () => {
    const cnn = await bench("--no-torch", "--only", "cnn");
    expect(cnn.cnn).toBeGreaterThan(0);
    expect(cnn.cnnPlain).toBeGreaterThan(0);
    expect(cnn.bn).toBeUndefined();
    const mlp = await bench("--no-torch", "--only", "mlp");
    expect(mlp.bn).toBeGreaterThan(0);
    expect(mlp.cnn).toBeUndefined();
  }, 400_000);
});
