/**
 * setPrecision("float32"): the matrix products in float32 (the native backend's FMA
 * kernels), compared with PyTorch float32 over a few SGD steps of an MLP with
 * BatchNorm1d and of a small CNN with BatchNorm2d (test/fixtures/torch/float32.json,
 * written by scripts/torch-reference-float32.py), and each product on its own against
 * the js backend's float64 one, within a bound on float32 rounding. The default
 * float64 stays what it was, bit for bit, before and after a switch.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, describe, expect, it } from "vitest";
import { backend, jsBackend, precision, setPrecision, useBackend } from "../src/tensor/backend";
import { loadNativeBackend } from "../src/tensor/backend-native";
import { Matrix } from "../src/tensor/matrix";
import { Tensor } from "../src/tensor/tensor";
import { Sequential } from "../src/nn/sequential";
import { Linear } from "../src/nn/linear";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { BatchNorm2d } from "../src/nn/batchnorm2d";
import { Conv2d } from "../src/nn/conv2d";
import { MaxPool2d } from "../src/nn/pooling";
import { Flatten } from "../src/nn/flatten";
import { ReLU, Sigmoid, sigmoid } from "../src/nn/activations";
import { AnyModule } from "../src/nn/module";
import { CrossEntropyLoss } from "../src/loss/cross-entropy";
import { SGD } from "../src/optim/sgd";
import { nativeExpectedHere } from "./helpers/native";

interface Run {
  steps: Array<{ loss: number; logits: number[] }>;
  final: Record<string, number[]>;
}
interface Case {
  init: Record<string, number[]>;
  batches: Array<{ x: number[]; shape: number[]; targets: number[] }>;
  float32: Run;
  float64: Run;
}
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "torch", "float32.json"), "utf8")) as { sgd: { lr: number }; mlp: Case; cnn: Case };

const native = loadNativeBackend();
const fmaHere = nativeExpectedHere() && /^flags\s*:.*\bfma\b/m.test(fs.readFileSync("/proc/cpuinfo", "utf8"));
const start = backend();
afterEach(() => useBackend(start));

function makeModel(kind: "mlp" | "cnn"): Sequential<Matrix | Tensor, Matrix> {
  const layers: AnyModule[] =
    kind === "mlp"
      ? [new Linear(64, 32), new BatchNorm1d(32), new Sigmoid(), new Linear(32, 32), new BatchNorm1d(32), new Sigmoid(), new Linear(32, 10)]
      : [new Conv2d(1, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2), new Conv2d(4, 8, 3), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(32, 10)];
  return new Sequential<Matrix | Tensor, Matrix>(...layers);
}

/** Our run of the fixture's steps from its initial parameters: every step's loss and logits, and the final parameters. */
function train(kind: "mlp" | "cnn"): Run {
  const c = fixture[kind];
  const net = makeModel(kind).train();
  const buffers = Object.fromEntries(net.namedBuffers().map(([k, b]) => [k, Array.from(b.data)]));
  net.loadStateDict({ ...c.init, ...buffers });
  const opt = new SGD(net.parameters(), { lr: fixture.sgd.lr });
  const lossFn = new CrossEntropyLoss();
  const steps = c.batches.map((b) => {
    const x = kind === "mlp" ? new Matrix(b.shape[0], b.shape[1], Float64Array.from(b.x)) : new Tensor(b.shape, Float64Array.from(b.x));
    opt.zeroGrad();
    const logits = net.forward(x);
    const loss = lossFn.forward(logits, b.targets);
    net.backward(lossFn.backward(), { inputGrad: false });
    opt.step();
    return { loss, logits: Array.from(logits.data) };
  });
  return { steps, final: Object.fromEntries(net.namedParameters().map(([k, p]) => [k, Array.from(p.value.data)])) };
}

/** The largest |ours − theirs| / max(1, |theirs|) over every loss, logit and final parameter. */
function distance(ours: Run, theirs: Run): number {
  let worst = 0;
  const see = (a: number[], b: number[]) => {
    expect(a.length).toBe(b.length);
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  };
  ours.steps.forEach((s, i) => see([s.loss, ...s.logits], [theirs.steps[i].loss, ...theirs.steps[i].logits]));
  for (const [k, v] of Object.entries(theirs.final)) see(ours.final[k], v);
  return worst;
}

/** Ours and PyTorch float32 differ by ~1e-6 after three steps (as much as float64 and float32 do); operands rounded to bfloat16 miss by ~1e-3. */
const FLOAT32_TOLERANCE = 5e-6;

describe("setPrecision", () => {
  it("refuses a precision it does not know, and a backend without float32 products, before changing anything", () => {
    useBackend(jsBackend);
    expect(() => setPrecision("float16" as "float32")).toThrow(/setPrecision: expected "float64" or "float32", got "float16"/);
    expect(() => setPrecision("float32")).toThrow(/setPrecision\("float32"\): the js backend has no float32 products.*npm run build:native/);
    expect(precision()).toBe("float64");
    expect(backend()).toBe(jsBackend);
  });

  it("the native backend has float32 products on this CPU (AVX2 and FMA)", () => {
    if (!fmaHere) return; // no AVX2+FMA here: the float32 mode is refused, as tested above
    expect(native?.float32?.name).toBe("native-avx2-fma-float32");
  });

  for (const kind of ["mlp", "cnn"] as const) {
    it(`${kind}: three SGD steps in float32 match PyTorch float32 within ${FLOAT32_TOLERANCE}, and really are float32`, () => {
      if (!native?.float32) return expect(fmaHere, "the native backend should have float32 products here (npm run build:native)").toBe(false);
      useBackend(native);
      const before = train(kind);
      setPrecision("float32");
      expect(precision()).toBe("float32");
      expect(backend().name).toBe("native-avx2-fma-float32");
      const ours32 = train(kind);
      setPrecision("float64");
      const after = train(kind);
      expect(precision()).toBe("float64");
      expect(backend()).toBe(native);
      expect(distance(ours32, fixture[kind].float32)).toBeLessThan(FLOAT32_TOLERANCE);
      // float32 products are not the float64 ones: farther from PyTorch float64 than our float64 is
      expect(distance(before, fixture[kind].float64)).toBeLessThan(1e-9);
      expect(distance(ours32, fixture[kind].float64)).toBeGreaterThan(1e-8);
      // back in float64, bit for bit what it computed before the switch
      expect(after).toEqual(before);
    });
  }

  it("useBackend resets the precision to float64", () => {
    if (!native?.float32) return expect(fmaHere).toBe(false);
    useBackend(native);
    setPrecision("float32");
    useBackend(native);
    expect(precision()).toBe("float64");
    expect(backend()).toBe(native);
  });
});

describe("the float32 products against the js backend's float64 products", () => {
  // Shapes around the blocks' edges (rows by 6 or 8, columns by 16, elements by 4), and the MLP's own.
  const SHAPES: Array<[number, number, number]> = [[1, 1, 1], [5, 3, 7], [6, 4, 16], [8, 4, 16], [7, 9, 17], [9, 5, 15], [13, 33, 35], [61, 101, 99], [60, 784, 100], [100, 60, 784]];
  const numbers = (len: number, seed: number) => Float64Array.from({ length: len }, (_, i) => Math.sin(i * 1.7 + seed) * (1 + (i % 5)));
  const abs = (a: Float64Array) => a.map(Math.abs);

  for (const op of ["matmul", "matmulTransA", "matmulTransB"] as const) {
    it(`${op}: within float32 rounding of the exact products, every entry written, nothing past out's m·n`, () => {
      const f32 = native?.float32;
      if (!f32) return expect(fmaHere).toBe(false);
      for (const [m, k, n] of SHAPES) {
        for (const accumulate of op === "matmulTransA" ? [false, true] : [false]) {
          const a = numbers(m * k, m), b = numbers(k * n, n);
          const start = numbers(m * n + 3, 7); // 3 guards past m·n
          const ours = start.slice(), exact = start.slice(), bound = new Float64Array(m * n);
          const run = (be: typeof jsBackend, x: Float64Array, y: Float64Array, out: Float64Array) =>
            op === "matmulTransA" ? be.matmulTransA(x, y, out, m, k, n, accumulate) : be[op](x, y, out, m, k, n);
          run(f32, a, b, ours);
          run(jsBackend, a, b, exact);
          run(jsBackend, abs(a), abs(b), bound); // Σ|a||b|: operands rounded to float32, k fused sums, the result added as a double
          let worst = 0, float32Seen = false; // worst: the largest error over its bound
          for (let e = 0; e < m * n; e++) {
            const err = Math.abs(ours[e] - exact[e]);
            worst = Math.max(worst, err / ((k + 3) * 2 ** -23 * bound[e] + 2 ** -52 * Math.abs(exact[e])));
            if (ours[e] !== exact[e]) float32Seen = true;
          }
          expect(worst, `${op} ${m}×${k}×${n}${accumulate ? " accumulated" : ""}: error / bound`).toBeLessThanOrEqual(1);
          expect(Array.from(ours.subarray(m * n)), `${op} ${m}×${k}×${n}: the guards past m·n`).toEqual(Array.from(start.subarray(m * n)));
          if (k > 1) expect(float32Seen, `${op} ${m}×${k}×${n}: some entry should differ from float64`).toBe(true);
        }
      }
    });
  }
});

describe("the float32 convolution (conv2d, conv2dWeightGrad, conv2dInputGrad) against the js backend's float64 one", () => {
  // [n, c, h, w, out, k, stride, padding]: LeNet's two layers, batch 1, odd sizes, outputs across blocks of 6, 8 and 16,
  // stride and padding, a 1×1 kernel and a kernel as large as the padded image
  const GEOMETRIES = [[2, 1, 28, 28, 6, 5, 1, 2], [1, 6, 14, 14, 16, 5, 1, 0], [1, 3, 7, 9, 5, 3, 2, 1], [3, 17, 5, 6, 19, 2, 1, 0],
    [2, 2, 11, 8, 9, 3, 3, 2], [1, 5, 6, 7, 17, 1, 1, 0], [2, 1, 4, 5, 7, 6, 1, 1]];
  const numbers = (len: number, seed: number) => Float64Array.from({ length: len }, (_, i) => Math.sin(i * 1.7 + seed) * (1 + (i % 5)));
  const abs = (a: Float64Array) => a.map(Math.abs);

  it("within float32 rounding of the exact sums, every entry written, nothing past the output, bias or none, gradients accumulated, the bias gradient exact", () => {
    const f32 = native?.float32;
    if (!f32) return expect(fmaHere).toBe(false);
    for (const [n, c, h, w, out, k, stride, padding] of GEOMETRIES) {
      const oh = Math.floor((h + 2 * padding - k) / stride) + 1, ow = Math.floor((w + 2 * padding - k) / stride) + 1;
      const rows = c * k * k, p = oh * ow, what = JSON.stringify({ n, c, h, w, out, k, stride, padding });
      const x = numbers(n * c * h * w, 1), weight = numbers(out * rows, 2), bias = numbers(out, 3), dy = numbers(n * out * p, 4);
      const sizes = [n, c, h, w, out, k, k, stride, padding] as const;
      /** |ours − exact| / (terms·2⁻²³·Σ|a||b| + 2⁻⁵²·|exact|) at its largest, and whether any entry is not the float64 one */
      const compare = (ours: Float64Array, exact: Float64Array, bound: Float64Array, terms: number, len: number, label: string) => {
        let worst = 0, float32Seen = false;
        for (let e = 0; e < len; e++) {
          worst = Math.max(worst, Math.abs(ours[e] - exact[e]) / (terms * 2 ** -23 * bound[e] + 2 ** -52 * Math.abs(exact[e])));
          if (ours[e] !== exact[e]) float32Seen = true;
        }
        expect(worst, `${label} ${what}: error / bound`).toBeLessThanOrEqual(1);
        expect(Array.from(ours.subarray(len)), `${label} ${what}: the guards past the output`).toEqual(Array.from(exact.subarray(len)));
        expect(float32Seen, `${label} ${what}: some entry should differ from float64`).toBe(true);
      };
      for (const b of [bias, null]) {
        const start = numbers(n * out * p + 3, 5); // written whole: its numbers must not show through; 3 guards past the end
        const ours = start.slice(), exact = start.slice(), bound = new Float64Array(n * out * p);
        f32.conv2d(x, weight, b, ours, ...sizes);
        jsBackend.conv2d(x, weight, b, exact, ...sizes);
        jsBackend.conv2d(abs(x), abs(weight), null, bound, ...sizes);
        compare(ours, exact, bound, rows + 3, n * out * p, b ? "conv2d" : "conv2d without bias");
      }
      for (const withBias of [true, false]) {
        const start = numbers(out * rows + 3, 6), startBias = numbers(out + 3, 7); // dWeight += …, dBias += …: their numbers stay in the sums
        const ours = start.slice(), exact = start.slice(), bound = abs(start);
        const oursBias = withBias ? startBias.slice() : null, exactBias = withBias ? startBias.slice() : null;
        f32.conv2dWeightGrad(x, dy, ours, oursBias, ...sizes);
        jsBackend.conv2dWeightGrad(x, dy, exact, exactBias, ...sizes);
        jsBackend.conv2dWeightGrad(abs(x), abs(dy), bound, null, ...sizes);
        compare(ours, exact, bound, p + 3 + n, out * rows, withBias ? "conv2dWeightGrad" : "conv2dWeightGrad without bias");
        // the bias gradient is summed in float64, in sumChannels' order: the js backend's numbers, bit for bit (and nothing past out)
        if (oursBias) expect(oursBias, `conv2dWeightGrad's dBias ${what}`).toEqual(exactBias);
      }
      const startDx = numbers(n * c * h * w + 3, 8); // written whole: its numbers must not show through; 3 guards past the end
      const ours = startDx.slice(), exact = startDx.slice(), bound = new Float64Array(n * c * h * w);
      f32.conv2dInputGrad(weight, dy, ours, ...sizes);
      jsBackend.conv2dInputGrad(weight, dy, exact, ...sizes);
      jsBackend.conv2dInputGrad(abs(weight), abs(dy), bound, ...sizes);
      compare(ours, exact, bound, out + 3, n * c * h * w, "conv2dInputGrad");
    }
  });
});

describe("gemm32's two blocks (AVX2, and AVX-512 where the CPU has it)", () => {
  it("give the same float32 products bit for bit: a process with BNLAB_NO_AVX512 set runs the AVX2 block", () => {
    const f32 = native?.float32;
    if (!f32) return expect(fmaHere).toBe(false);
    const shapes: Array<[number, number, number]> = [[1, 1, 1], [7, 9, 17], [9, 5, 15], [13, 33, 35], [61, 101, 99], [60, 784, 100]];
    const numbers = (len: number, seed: number) => Float64Array.from({ length: len }, (_, i) => Math.sin(i * 1.3 + seed) * (1 + (i % 7)));
    const script = `
      const native = require(${JSON.stringify(path.join(__dirname, "..", "src", "tensor", "native", "backend.node"))});
      const numbers = ${numbers.toString()};
      const out = [];
      for (const [m, k, n] of ${JSON.stringify(shapes)}) for (const op of ["matmul32", "matmulTransA32", "matmulTransB32"]) {
        const c = numbers(m * n, 3);
        native[op](numbers(m * k, m), numbers(k * n, n), c, m, k, n, op === "matmulTransA32");
        out.push(Buffer.from(c.buffer).toString("base64"));
      }
      process.stdout.write(JSON.stringify(out));`;
    const child = spawnSync(process.execPath, ["-e", script], { env: { ...process.env, BNLAB_NO_AVX512: "1" }, encoding: "utf8" });
    expect(child.stderr).toBe("");
    const avx2 = JSON.parse(child.stdout) as string[];
    let i = 0;
    for (const [m, k, n] of shapes) {
      for (const op of ["matmul", "matmulTransA", "matmulTransB"] as const) {
        const c = numbers(m * n, 3);
        if (op === "matmulTransA") f32.matmulTransA(numbers(m * k, m), numbers(k * n, n), c, m, k, n, true);
        else f32[op](numbers(m * k, m), numbers(k * n, n), c, m, k, n);
        expect(Buffer.from(c.buffer).toString("base64"), `${op} ${m}×${k}×${n}`).toBe(avx2[i++]);
      }
    }
  });

  it("and so do the float32 convolution's forward pass and gradients (conv2d32, conv2dWeightGrad32, conv2dInputGrad32)", () => {
    const f32 = native?.float32;
    if (!f32) return expect(fmaHere).toBe(false);
    // [n, c, h, w, out, k, stride, padding]: outputs across blocks of 6 and 8 rows, a stride, padding
    const geometries = [[2, 1, 28, 28, 6, 5, 1, 2], [1, 6, 14, 14, 16, 5, 1, 0], [2, 3, 9, 7, 19, 3, 2, 1]];
    const numbers = (len: number, seed: number) => Float64Array.from({ length: len }, (_, i) => Math.sin(i * 1.3 + seed) * (1 + (i % 7)));
    const script = `
      const native = require(${JSON.stringify(path.join(__dirname, "..", "src", "tensor", "native", "backend.node"))});
      const numbers = ${numbers.toString()};
      const out = [];
      for (const [n, c, h, w, o, k, stride, padding] of ${JSON.stringify(geometries)}) {
        const p = (Math.floor((h + 2 * padding - k) / stride) + 1) * (Math.floor((w + 2 * padding - k) / stride) + 1);
        const y = numbers(n * o * p, 1), dW = numbers(o * c * k * k, 2), dB = numbers(o, 7), dx = numbers(n * c * h * w, 8);
        native.conv2d32(numbers(n * c * h * w, 3), numbers(o * c * k * k, 4), numbers(o, 5), y, n, c, h, w, o, k, k, stride, padding);
        native.conv2dWeightGrad32(numbers(n * c * h * w, 3), numbers(n * o * p, 6), dW, dB, n, c, h, w, o, k, k, stride, padding);
        native.conv2dInputGrad32(numbers(o * c * k * k, 4), numbers(n * o * p, 6), dx, n, c, h, w, o, k, k, stride, padding);
        out.push(...[y, dW, dB, dx].map((a) => Buffer.from(a.buffer).toString("base64")));
      }
      process.stdout.write(JSON.stringify(out));`;
    const child = spawnSync(process.execPath, ["-e", script], { env: { ...process.env, BNLAB_NO_AVX512: "1" }, encoding: "utf8" });
    expect(child.stderr).toBe("");
    const avx2 = JSON.parse(child.stdout) as string[];
    let i = 0;
    for (const [n, c, h, w, o, k, stride, padding] of geometries) {
      const p = (Math.floor((h + 2 * padding - k) / stride) + 1) * (Math.floor((w + 2 * padding - k) / stride) + 1);
      const y = numbers(n * o * p, 1), dW = numbers(o * c * k * k, 2), dB = numbers(o, 7), dx = numbers(n * c * h * w, 8);
      f32.conv2d(numbers(n * c * h * w, 3), numbers(o * c * k * k, 4), numbers(o, 5), y, n, c, h, w, o, k, k, stride, padding);
      f32.conv2dWeightGrad(numbers(n * c * h * w, 3), numbers(n * o * p, 6), dW, dB, n, c, h, w, o, k, k, stride, padding);
      f32.conv2dInputGrad(numbers(o * c * k * k, 4), numbers(n * o * p, 6), dx, n, c, h, w, o, k, k, stride, padding);
      const what = [n, c, h, w, o, k, stride, padding].join(", ");
      expect(Buffer.from(y.buffer).toString("base64"), `conv2d ${what}`).toBe(avx2[i++]);
      expect(Buffer.from(dW.buffer).toString("base64"), `conv2dWeightGrad ${what}`).toBe(avx2[i++]);
      expect(Buffer.from(dB.buffer).toString("base64"), `conv2dWeightGrad's dBias ${what}`).toBe(avx2[i++]);
      expect(Buffer.from(dx.buffer).toString("base64"), `conv2dInputGrad ${what}`).toBe(avx2[i++]);
    }
  });
});

describe("σ in float32 against Sigmoid's reference sigmoid()", () => {
  it("within a few float32 roundings, at the extremes too, every result a float32, lengths not a multiple of 8", () => {
    const f32 = native?.float32;
    if (!f32) return expect(fmaHere).toBe(false);
    const special = [0, -0, 1e-30, -1e-30, 0.5, -0.5, 10, -10, 16, -16, 17, -17, 30, -30, 86, -86, 87.5, -87.5, 88, -88, 104, -104, 1e10, -1e10, 1e300, -1e300, Infinity, -Infinity];
    const x = Float64Array.from([...special, ...Array.from({ length: 1001 }, (_, i) => (i - 500) * 0.0371 + Math.sin(i))]);
    for (const len of [x.length, 13, 7, 1]) {
      const y = new Float64Array(x.length + 2).fill(5);
      f32.sigmoid(x, y, len);
      let worst = 0;
      for (let i = 0; i < len; i++) {
        const want = sigmoid(Math.fround(x[i])); // of the input as float32 holds it, as PyTorch float32 computes
        worst = Math.max(worst, Math.abs(y[i] - want) / (want * 2 ** -24 + 1e-37));
        expect(Math.fround(y[i]), `σ(${x[i]}) should be a float32`).toBe(y[i]);
      }
      expect(worst, `length ${len}: error in float32 roundings of σ`).toBeLessThanOrEqual(4);
      expect(Array.from(y.subarray(len)), `length ${len}: nothing written past len`).toEqual(Array(y.length - len).fill(5));
    }
    const nan = new Float64Array(3);
    f32.sigmoid(Float64Array.from([NaN, 1, NaN]), nan, 3);
    expect([Number.isNaN(nan[0]), nan[1], Number.isNaN(nan[2])]).toEqual([true, Math.fround(sigmoid(1)), true]);
  });
});

describe("the committed float32 fixture is what scripts/torch-reference-float32.py writes today", () => {
  it("within float32 rounding (PyTorch's float32 kernels are chosen by CPU)", () => {
    const python = process.env.BNLAB_TORCH_PYTHON ?? "/usr/bin/python3";
    if (spawnSync(python, ["-c", "import torch, numpy"], { stdio: "ignore" }).status !== 0) {
      expect.fail(`${python} cannot import torch: install python3-torch (apt-get install -y python3-torch) so the fixture can be regenerated and checked`);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bnlab-float32-"));
    try {
      const run = spawnSync(python, [path.join(__dirname, "..", "scripts", "torch-reference-float32.py"), dir], { encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
      const fresh = JSON.parse(fs.readFileSync(path.join(dir, "float32.json"), "utf8")) as typeof fixture;
      for (const kind of ["mlp", "cnn"] as const) {
        expect(fresh[kind].init, `${kind} init`).toEqual(fixture[kind].init);
        expect(fresh[kind].batches, `${kind} batches`).toEqual(fixture[kind].batches);
        expect(distance(fresh[kind].float32, fixture[kind].float32), `${kind} float32`).toBeLessThan(1e-6);
        expect(distance(fresh[kind].float64, fixture[kind].float64), `${kind} float64`).toBeLessThan(1e-12);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
