/**
 * `npm run bench`: how fast do the reference MLP and a LeNet-style CNN train,
 * with and without BN, compared with PyTorch on this machine?
 *
 * The model is Ioffe & Szegedy's MNIST net: 784-100-100-100-10, sigmoid,
 * batch 60, plain SGD (lr 0.1), float64, built from the library's own layers.
 * A step is zeroGrad → forward → cross-entropy → backward (no gradient for the
 * input, as in PyTorch and in fit) → SGD step.
 *
 * The CNN (bench/lenet.ts) is d2l's LeNet with ReLU and max pooling on MNIST's
 * 1×28×28 images: conv 6@5×5 (padding 2) → [BatchNorm2d] → ReLU → max pool 2 →
 * conv 16@5×5 → [BatchNorm2d] → ReLU → max pool 2 → flatten → 120 → 84 → 10,
 * batch 64, SGD (lr 0.05), float64: keys cnn (with BN) and cnnPlain.
 *
 * bench/torch_bench.py runs the same models in PyTorch (float64 and float32, one
 * thread, OPENBLAS_NUM_THREADS=1) in a child process per PyTorch build found:
 *   - Debian's python3-torch (/usr/bin/python3), and
 *   - a venv with the current wheel: $BNLAB_TORCH_VENV, else `.venv-torch/` in the project
 *     (python3 -m venv .venv-torch && .venv-torch/bin/pip install torch); skipped when absent.
 * Ours runs twice per model: in float64 (the default, what the notebooks compute;
 * keys bn, plain, cnn, cnnPlain) and with setPrecision("float32") (the native
 * backend's float32 products; the JSON's `float32` object), when the backend has it.
 * Ours and PyTorch take turns for a few rounds so that both see the same machine
 * conditions. Figures are medians over the rounds; `ratio` (float64) is the median of
 * each round's ours/PyTorch float64 against the first build found (Debian's when present);
 * `ratio32` is ours in float32 against the faster build's float32, per model, and
 * `ratio32Of64` ours in float64 against that same float32.
 *
 *   npm run bench                      a table
 *   npm run bench -- --json            … and one JSON object on the last line
 *   npm run bench -- --rounds 5 --seconds 2 --backend wasm --mnist --no-torch   (backends: native, wasm, js)
 *   npm run bench -- --only cnn        only the CNN (or --only mlp)
 */
import { spawn, ChildProcessWithoutNullStreams } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import { Matrix } from "../src/tensor/matrix";
import { backend, useBackend, jsBackend, Backend, setPrecision } from "../src/tensor/backend";
import { loadWasmBackend, wasmBackendError } from "../src/tensor/backend-wasm";
import { loadNativeBackend, nativeBackendError } from "../src/tensor/backend-native";
import { Sequential } from "../src/nn/sequential";
import { Linear } from "../src/nn/linear";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { Sigmoid } from "../src/nn/activations";
import { Module } from "../src/nn/module";
import { Rng } from "../src/random/rng";
import { CrossEntropyLoss } from "../src/loss/cross-entropy";
import { SGD } from "../src/optim/sgd";
import { loadMnist } from "../src/data/mnist";
import { CNN_BATCH, makeLenetStep } from "./lenet";

const SIZES = [784, 100, 100, 100, 10];
const BATCH = 60;
const NUM_BATCHES = 50;
const LR = 0.1;

interface Options {
  json: boolean;
  rounds: number;
  seconds: number;
  torch: boolean;
  backend: string | null;
  mnist: boolean;
  only: "mlp" | "cnn" | null;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { json: false, rounds: 3, seconds: 1.5, torch: true, backend: null, mnist: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") options.json = true;
    else if (a === "--no-torch") options.torch = false;
    else if (a === "--rounds") options.rounds = Number(argv[++i]);
    else if (a === "--seconds") options.seconds = Number(argv[++i]);
    else if (a === "--backend") options.backend = argv[++i];
    else if (a === "--mnist") options.mnist = true;
    else if (a === "--only" && (argv[i + 1] === "mlp" || argv[i + 1] === "cnn")) options.only = argv[++i] as "mlp" | "cnn";
    else throw new Error(`bench: unknown argument ${a} (use --json, --rounds N, --seconds S, --backend NAME, --mnist, --no-torch, --only mlp|cnn)`);
  }
  return options;
}

/** Linear → [BatchNorm1d] → Sigmoid for every hidden layer, then Linear. */
function referenceMlp(bn: boolean): Sequential {
  const rng = new Rng("bench/mlp");
  const layers: Module[] = [];
  for (let i = 0; i + 1 < SIZES.length; i++) {
    layers.push(new Linear(SIZES[i], SIZES[i + 1], { rng }));
    if (i + 2 < SIZES.length) {
      if (bn) layers.push(new BatchNorm1d(SIZES[i + 1]));
      layers.push(new Sigmoid());
    }
  }
  return new Sequential(...layers);
}

interface Batch {
  x: Matrix;
  y: number[];
}

/** CNN minibatches: [CNN_BATCH, 1, 28, 28] images (flat, NCHW) and their labels. */
export interface ImageBatch {
  x: Float64Array;
  y: number[];
}

/**
 * NUM_BATCHES minibatches: uniform random inputs in [0, 1) by default, like the
 * PyTorch side, or real MNIST digits with --mnist. Dense random inputs are the
 * fair comparison (MNIST's zero pixels can be skipped), and loading the mnist
 * package costs ~160 MB of memory that would swamp the training's own.
 */
function makeBatches(mnist: boolean): { batches: Batch[]; data: string } {
  const rng = new Rng("bench/batches");
  try {
    if (!mnist) throw new Error("random inputs");
    const { train } = loadMnist({ seed: 0 });
    const batches: Batch[] = [];
    for (let b = 0; b < NUM_BATCHES; b++) {
      const idx = Array.from({ length: BATCH }, () => Math.floor(rng.uniform(0, train.y.length)));
      batches.push({ x: train.x.selectRows(idx), y: idx.map((i) => train.y[i]) });
    }
    return { batches, data: "MNIST" };
  } catch {
    const batches: Batch[] = [];
    for (let b = 0; b < NUM_BATCHES; b++) {
      const x = new Matrix(BATCH, SIZES[0]);
      for (let i = 0; i < x.data.length; i++) x.data[i] = rng.uniform(0, 1);
      batches.push({ x, y: Array.from({ length: BATCH }, () => Math.floor(rng.uniform(0, 10))) });
    }
    return { batches, data: "random" };
  }
}

/**
 * NUM_BATCHES image minibatches of CNN_BATCH: uniform random pixels in [0, 1)
 * like the PyTorch side, or MNIST digits with --mnist (the speed is the same:
 * nothing skips zeros on the CNN's path).
 */
function makeImageBatches(mnist: boolean): ImageBatch[] {
  const rng = new Rng("bench/images");
  const batches: ImageBatch[] = [];
  if (mnist) {
    const { train } = loadMnist({ seed: 0 });
    for (let b = 0; b < NUM_BATCHES; b++) {
      const idx = Array.from({ length: CNN_BATCH }, () => Math.floor(rng.uniform(0, train.y.length)));
      batches.push({ x: train.x.selectRows(idx).data, y: idx.map((i) => train.y[i]) });
    }
    return batches;
  }
  for (let b = 0; b < NUM_BATCHES; b++) {
    const x = new Float64Array(CNN_BATCH * 784);
    for (let i = 0; i < x.length; i++) x[i] = rng.uniform(0, 1);
    batches.push({ x, y: Array.from({ length: CNN_BATCH }, () => Math.floor(rng.uniform(0, 10))) });
  }
  return batches;
}

export type Step = (k: number) => number;

function makeStep(bn: boolean, batches: Batch[]): Step {
  const model = referenceMlp(bn).train();
  const lossFn = new CrossEntropyLoss();
  const opt = new SGD(model.parameters(), { lr: LR });
  return (k) => {
    const { x, y } = batches[k % batches.length];
    opt.zeroGrad();
    const loss = lossFn.forward(model.forward(x), y);
    model.backward(lossFn.backward(), { inputGrad: false }); // as fit does, and PyTorch for an input without requires_grad
    opt.step();
    return loss;
  };
}

/** Run steps for about `seconds`; steps per second. */
function timeSteps(step: Step, seconds: number): number {
  let steps = 0;
  let checksum = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < seconds) {
    for (let i = 0; i < 10; i++) checksum += step(steps++);
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  if (!Number.isFinite(checksum)) throw new Error("bench: the loss diverged");
  return steps / elapsed;
}

// ---- the PyTorch child --------------------------------------------------------

class TorchRunner {
  private readonly lines: AsyncIterableIterator<string>;
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    lines: AsyncIterableIterator<string>,
    readonly version: string,
    readonly python: string,
  ) {
    this.lines = lines;
  }

  get info(): string {
    return `PyTorch ${this.version} (${this.python}), 1 thread`;
  }

  /** Null when `python` has no torch or fails to start. */
  static async start(python: string): Promise<TorchRunner | null> {
    const script = path.join(__dirname, "torch_bench.py");
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(python, [script], {
        env: { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
      });
    } catch {
      return null;
    }
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", () => undefined);
    const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) {
      if (stderr.trim()) process.stderr.write(`bench: PyTorch not available from ${python} (${stderr.trim().split("\n").pop()})\n`);
      return null;
    }
    const ready = JSON.parse(first.value) as { torch: string; threads: number };
    return new TorchRunner(child, lines, ready.torch, python);
  }

  async run(variant: string, seconds: number): Promise<number> {
    this.child.stdin.write(`run ${variant} ${seconds}\n`);
    const next = await this.lines.next();
    if (next.done) throw new Error("bench: the PyTorch process ended early");
    const r = JSON.parse(next.value) as { steps: number; seconds: number };
    return r.steps / r.seconds;
  }

  stop(): void {
    this.child.stdin.end("quit\n");
  }
}

/** The Pythons to try: Debian's, and the venv's ($BNLAB_TORCH_VENV, else .venv-torch/ in the project) when it exists. */
function torchPythons(): string[] {
  const venv = process.env.BNLAB_TORCH_VENV || path.join(__dirname, "..", ".venv-torch");
  const venvPython = path.join(venv, "bin", "python");
  if (process.env.BNLAB_TORCH_VENV && !fs.existsSync(venvPython)) process.stderr.write(`bench: BNLAB_TORCH_VENV=${venv} has no bin/python; only Debian's PyTorch runs\n`);
  return ["/usr/bin/python3", ...(fs.existsSync(venvPython) ? [venvPython] : [])];
}

// ---- main ---------------------------------------------------------------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const round3 = (v: number) => Math.round(v * 1000) / 1000;

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.backend !== null) useBackend(pickBackend(options.backend));
  const log = (s: string) => console.log(s);

  const { batches, data } = makeBatches(options.mnist);
  const mlp = options.only !== "cnn", cnn = options.only !== "mlp";
  const ours: Record<string, Step> = {};
  if (mlp) Object.assign(ours, { bn: makeStep(true, batches), plain: makeStep(false, batches) });
  if (cnn) {
    const images = makeImageBatches(options.mnist);
    Object.assign(ours, { cnn: makeLenetStep(true, images), cnnPlain: makeLenetStep(false, images) });
  }
  // the same models again, timed with float32 products (setPrecision), when the backend has them
  const float32Backend = backend().float32?.name ?? null;
  const ours32: Record<string, Step> = {};
  if (float32Backend !== null) {
    if (mlp) Object.assign(ours32, { bn: makeStep(true, batches), plain: makeStep(false, batches) });
    if (cnn) {
      const images = makeImageBatches(options.mnist);
      Object.assign(ours32, { cnn: makeLenetStep(true, images), cnnPlain: makeLenetStep(false, images) });
    }
  }
  const timeSteps32 = (step: Step, seconds: number) => {
    setPrecision("float32");
    try {
      return timeSteps(step, seconds);
    } finally {
      setPrecision("float64");
    }
  };
  for (const step of Object.values(ours)) timeSteps(step, 0.3); // warm-up (JIT)
  for (const step of Object.values(ours32)) timeSteps32(step, 0.3);

  const torches = options.torch ? (await Promise.all(torchPythons().map((p) => TorchRunner.start(p)))).filter((t): t is TorchRunner => t !== null) : [];
  const torch = torches[0] ?? null;
  if (mlp) log(`reference MLP ${SIZES.join("-")} sigmoid, batch ${BATCH}, SGD lr ${LR}, ${data} inputs`);
  if (cnn) log(`LeNet-style CNN (bench/lenet.ts), batch ${CNN_BATCH}, ${options.mnist ? "MNIST" : "random"} 1×28×28 images`);
  log(`ours: backend "${backend().name}", float64` + (float32Backend ? ` and float32 products ("${float32Backend}")` : " (no float32 products here)") + `, Node ${process.version}` + (torch ? `; theirs: ${torches.map((t) => t.info).join("; ")}, OPENBLAS_NUM_THREADS=1` : "; PyTorch not run"));

  // Each of ours runs right next to its PyTorch twin, and a ratio is taken per round:
  // on a busy machine the pair sees the same load, so the median ratio is steadier
  // than the ratio of medians. "best" is the fastest round (the least disturbed).
  const paired = [...(mlp ? ["bn", "plain"] : []), ...(cnn ? ["cnn", "cnnPlain"] : [])];
  const torchOnly = paired.map((k) => `${k}32`);
  const samples: Record<string, number[]> = {};
  const record = (key: string, v: number) => (samples[key] ??= []).push(v);
  const ratios: Record<string, number[]> = Object.fromEntries(paired.map((k) => [k, []]));
  for (let r = 0; r < options.rounds; r++) {
    const cells: string[] = [];
    for (const key of paired) {
      const v = timeSteps(ours[key], options.seconds);
      record(key, v);
      cells.push(`ours ${key} ${v.toFixed(0)}`);
      if (ours32[key]) {
        const v32 = timeSteps32(ours32[key], options.seconds);
        record(`ours32:${key}`, v32);
        cells.push(`ours float32 ${key} ${v32.toFixed(0)}`);
      }
      if (torch) {
        const t = await torch.run(`${key}64`, options.seconds);
        record(`${key}64`, t);
        record(`${torch.version}:${key}64`, t);
        ratios[key].push(v / t);
        cells.push(`torch ${key}64 ${t.toFixed(0)}`);
      }
    }
    for (const [i, t] of torches.entries()) {
      for (const key of [...(i > 0 ? paired.map((k) => `${k}64`) : []), ...torchOnly]) {
        const v = await t.run(key, options.seconds);
        record(`${t.version}:${key}`, v);
        if (i === 0) record(key, v);
        cells.push(`torch ${t.version} ${key} ${v.toFixed(0)}`);
      }
    }
    log(`round ${r + 1}: ${cells.join(", ")} steps/s`);
  }
  for (const t of torches) t.stop();

  const best = (key: string) => Math.max(...samples[key]);
  const result: Record<string, unknown> = Object.fromEntries(paired.map((k) => [k, round1(median(samples[k]))]));
  const names: Record<string, string> = { bn: "MLP with BN", plain: "MLP without BN", cnn: "CNN with BN", cnnPlain: "CNN without BN" };
  log("");
  log(`ours float64  ${paired.map((k) => `${names[k]} ${median(samples[k]).toFixed(0)} (best ${best(k).toFixed(0)})`).join(", ")} steps/s; medians of ${options.rounds} rounds`);
  if (float32Backend !== null) {
    log(`ours float32  ${paired.map((k) => `${names[k]} ${median(samples[`ours32:${k}`]).toFixed(0)} (best ${best(`ours32:${k}`).toFixed(0)})`).join(", ")} steps/s`);
    result.float32 = Object.fromEntries(paired.map((k) => [k, round1(median(samples[`ours32:${k}`]))]));
    result.float32Backend = float32Backend;
  }
  if (torch) {
    const t = Object.fromEntries([...paired.map((k) => `${k}64`), ...torchOnly].map((k) => [k, round1(median(samples[k]))]));
    const ratio = Object.fromEntries(paired.map((k) => [k, round3(median(ratios[k]))]));
    const ratioBest = Object.fromEntries(paired.map((k) => [k, round3(best(k) / best(`${k}64`))]));
    log(`torch ${torch.version} ${paired.map((k) => `${names[k]} ${t[`${k}64`]} (f64, best ${best(`${k}64`).toFixed(0)})`).join(", ")} steps/s`);
    log(`ours / PyTorch float64: ${paired.map((k) => `${names[k]} ${ratio[k].toFixed(2)}×`).join(", ")} (median of per-round ratios; best/best ${paired.map((k) => `${ratioBest[k].toFixed(2)}×`).join(", ")})`);
    result.torch = t;
    result.ratio = ratio;
    result.ratioBest = ratioBest;
    // every build's medians, and ours (float64) against the faster build's float32, per model
    const builds = torches.map((b) => ({
      version: b.version,
      python: b.python,
      stepsPerSecond: Object.fromEntries([...paired.map((k) => `${k}64`), ...torchOnly].map((k) => [k, round1(median(samples[`${b.version}:${k}`]))])),
    }));
    for (const b of builds) log(`torch ${b.version} (${b.python}): ${Object.entries(b.stepsPerSecond).map(([k, v]) => `${k} ${v}`).join(", ")} steps/s`);
    const fastest = (k: string) => builds.reduce((a, b) => (b.stepsPerSecond[`${k}32`] > a.stepsPerSecond[`${k}32`] ? b : a));
    const against32 = (ourKey: (k: string) => string) =>
      Object.fromEntries(paired.map((k) => [k, round3(median(samples[ourKey(k)]) / fastest(k).stepsPerSecond[`${k}32`])]));
    const ratio32Of64 = against32((k) => k);
    const ratio32Against = Object.fromEntries(paired.map((k) => [k, fastest(k).version]));
    log(`ours float64 / the faster PyTorch float32: ${paired.map((k) => `${names[k]} ${ratio32Of64[k].toFixed(2)}× (vs ${ratio32Against[k]})`).join(", ")}`);
    if (float32Backend !== null) {
      const ratio32 = against32((k) => `ours32:${k}`);
      log(`ours float32 / the faster PyTorch float32 (ratio32): ${paired.map((k) => `${names[k]} ${ratio32[k].toFixed(2)}×`).join(", ")}`);
      result.ratio32 = ratio32;
    }
    result.torchBuilds = builds;
    result.ratio32Of64 = ratio32Of64;
    result.ratio32Against = ratio32Against;
  }
  result.best = Object.fromEntries(paired.map((k) => [k, round1(best(k))]));
  const peakRssMb = round1(process.resourceUsage().maxRSS / 1024);
  log(`peak RSS (this process) ${peakRssMb} MB`);
  result.peakRssMb = peakRssMb;
  result.backend = backend().name;
  if (options.json) console.log(JSON.stringify(result));
}

function pickBackend(name: string): Backend {
  const loaders: Record<string, () => Backend | null> = { js: () => jsBackend, wasm: loadWasmBackend, native: loadNativeBackend };
  const load = loaders[name.split("-")[0]];
  if (!load) throw new Error(`bench: unknown backend "${name}" (use js, wasm or native)`);
  const k = load();
  if (!k) throw new Error(`bench: the ${name} backend does not load here: ${name.startsWith("native") ? nativeBackendError : wasmBackendError}`);
  return k;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
