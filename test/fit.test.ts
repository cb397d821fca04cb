import { describe, expect, it } from "vitest";
import {
  accuracy,
  Adam,
  BatchNorm1d,
  evaluate,
  fit,
  History,
  Linear,
  Matrix,
  Module,
  Sigmoid,
  mlp,
  percentile,
  percentiles,
  recordInputs,
  SGD,
  twoSpirals,
} from "../src";
import { gaussianBlobs } from "./helpers/datasets";

const centers = [[-4, 0], [4, 0], [0, 4]];
const blobs = gaussianBlobs({ n: 240, centers, std: 1, seed: 0 });
const heldOut = gaussianBlobs({ n: 50, centers, std: 1, seed: 1 });

/** Everything but the wall-clock times. */
function withoutTimes(h: History): Omit<History, "wallTimeMs"> {
  const { wallTimeMs: _ignored, ...rest } = h;
  return rest;
}

/** Passes its input through and logs the mode and batch size of every forward call. */
class ModeProbe extends Module {
  calls: Array<{ training: boolean; rows: number }> = [];
  forward(x: Matrix): Matrix {
    this.calls.push({ training: this.training, rows: x.rows });
    return x;
  }
  backward(dy: Matrix): Matrix {
    return dy;
  }
  toString(): string {
    return "ModeProbe";
  }
}

describe("fit", () => {
  it("records loss and batch accuracy every step, and test metrics every evalEvery steps", () => {
    const model = mlp({ sizes: [2, 16, 3], batchNorm: true, seed: 1 });
    const h = fit(model, { train: blobs, test: heldOut }, { steps: 30, batchSize: 20, lr: 0.5, evalEvery: 10 });
    expect(h.steps).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(h.loss).toHaveLength(30);
    expect(h.trainAccuracy).toHaveLength(30);
    expect(h.eval.step).toEqual([0, 10, 20, 30]);
    expect(h.eval.testAccuracy[3]).toBeGreaterThan(0.9);
    expect(h.loss[29]).toBeLessThan(h.loss[0]);
    expect(h.wallTimeMs).toBeGreaterThan(0);
    expect(h.stoppedEarly).toBe(false);
  });

  it("is deterministic: the same seed gives the identical history", () => {
    const run = (seed: number) =>
      fit(mlp({ sizes: [2, 8, 8, 3], batchNorm: true, seed }), { train: blobs, test: heldOut }, { steps: 25, batchSize: 16, lr: 0.3, seed, evalEvery: 5 });
    expect(withoutTimes(run(3))).toEqual(withoutTimes(run(3)));
    expect(run(4).loss).not.toEqual(run(3).loss);
  });

  it("evaluates in eval mode and trains in training mode, and leaves the model in training mode", () => {
    const probe = new ModeProbe();
    const model = mlp({ sizes: [2, 8, 3], batchNorm: true });
    model.layers.splice(1, 0, probe); // Linear → probe → BatchNorm1d → …
    fit(model, { train: blobs, test: heldOut }, { steps: 12, batchSize: 16, lr: 0.1, evalEvery: 4 });
    const evalCalls = probe.calls.filter((c) => c.rows === heldOut.y.length);
    const trainCalls = probe.calls.filter((c) => c.rows === 16);
    expect(evalCalls).toHaveLength(4); // steps 0, 4, 8, 12
    expect(evalCalls.every((c) => !c.training)).toBe(true);
    expect(trainCalls).toHaveLength(12);
    expect(trainCalls.every((c) => c.training)).toBe(true);
    expect(model.training).toBe(true);
    expect(model.layers.every((l) => l.training)).toBe(true);
  });

  it("calls onStep every step, and stops when it returns \"stop\"", () => {
    const seen: number[] = [];
    const h = fit(mlp({ sizes: [2, 8, 3] }), { train: blobs, test: heldOut }, {
      steps: 100,
      batchSize: 16,
      lr: 0.1,
      evalEvery: 3,
      onStep: (s) => {
        seen.push(s.step);
        expect(s.totalSteps).toBe(100);
        expect(s.loss).toBe(s.history.loss[s.step - 1]);
        expect(s.batchAccuracy).toBe(s.history.trainAccuracy[s.step - 1]);
        expect(s.testAccuracy !== undefined).toBe(s.step % 3 === 0);
        return s.step === 7 ? "stop" : undefined;
      },
    });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(h.steps).toHaveLength(7);
    expect(h.stoppedEarly).toBe(true);
    expect(h.eval.step).toEqual([0, 3, 6, 7]); // a final evaluation where it stopped
  });

  it("counts epochs as full passes over the training set (the last, smaller batch dropped)", () => {
    const infos: number[] = [];
    const h = fit(mlp({ sizes: [2, 8, 3] }), { train: blobs }, { epochs: 2, batchSize: 100, lr: 0.1, onStep: (s) => void infos.push(s.epoch) });
    expect(h.steps).toHaveLength(4); // 240 examples → 2 full batches of 100 per epoch
    expect(infos).toEqual([0, 0, 1, 1]);
    expect(h.eval.step).toEqual([]); // no test set, no evaluation
  });

  it("uses the optimizer it is given", () => {
    const model = mlp({ sizes: [2, 8, 3], seed: 2 });
    const optimizer = new Adam(model.parameters(), { lr: 0.01 });
    fit(model, { train: blobs }, { steps: 5, batchSize: 16, optimizer });
    expect(optimizer.stepCount).toBe(5);
  });

  it("evaluates on a fixed subset with evalSize", () => {
    const probe = new ModeProbe();
    const model = mlp({ sizes: [2, 8, 3] });
    model.layers.unshift(probe);
    fit(model, { train: blobs, test: heldOut }, { steps: 4, batchSize: 16, lr: 0.1, evalEvery: 2, evalSize: 20 });
    // first fit's check of data against model (two rows of each set, eval mode), then the evaluations
    expect(probe.calls.filter((c) => !c.training).map((c) => c.rows)).toEqual([2, 2, 20, 20, 20]);
  });

  it("records percentiles of a layer's input (the sigmoid's pre-activations), then removes the observer", () => {
    const model = mlp({ sizes: [2, 10, 10, 3], activation: "sigmoid", batchNorm: true });
    const sigmoid = model.at(2);
    expect(sigmoid).toBeInstanceOf(Sigmoid);
    const h = fit(model, { train: blobs }, { steps: 25, batchSize: 16, lr: 0.1, record: { layer: 2, every: 10 } });
    expect(h.activations?.layer).toBe("Sigmoid");
    expect(h.activations?.step).toEqual([1, 10, 20]);
    const p = h.activations?.percentiles ?? {};
    expect(Object.keys(p)).toEqual(["15", "50", "85"]);
    p["15"].forEach((v, k) => expect(v).toBeLessThanOrEqual(p["50"][k]));
    p["50"].forEach((v, k) => expect(v).toBeLessThanOrEqual(p["85"][k]));
    expect(Object.prototype.hasOwnProperty.call(sigmoid, "forward")).toBe(false);

    const one = fit(mlp({ sizes: [2, 10, 3] }), { train: blobs }, {
      steps: 1,
      batchSize: 16,
      lr: 0.1,
      record: { layer: 1, percentiles: [0, 100], unit: 4 },
    });
    expect(one.activations?.percentiles["0"][0]).toBeLessThanOrEqual(one.activations?.percentiles["100"][0] ?? NaN);
  });

  it("explains bad options", () => {
    const model = mlp({ sizes: [2, 4, 3] });
    const data = { train: blobs };
    expect(() => fit(model, data, { lr: 0.1 })).toThrow("fit: say how long to train, e.g. { steps: 1000 } or { epochs: 5 }");
    expect(() => fit(model, data, { steps: 1, epochs: 1, lr: 0.1 })).toThrow("fit: give steps or epochs, not both");
    expect(() => fit(model, data, { steps: 0, lr: 0.1 })).toThrow("fit: steps must be an integer ≥ 1, got 0");
    expect(() => fit(model, data, { steps: 1 })).toThrow("fit: give an optimizer, e.g. { optimizer: new SGD(model.parameters(), { lr: 0.1 }) }, or { lr: 0.1 } for plain SGD");
    expect(() => fit(model, data, { steps: 1, lr: 0.1, optimizer: new SGD(model.parameters(), { lr: 0.1 }) })).toThrow(
      "fit: give optimizer or lr, not both",
    );
    expect(() => fit(new Linear(2, 3), data, { steps: 1, lr: 0.1, record: { layer: 0 } })).toThrow(
      "fit: record.layer is the index 0, but the model is not a Sequential; pass the layer module itself",
    );
    expect(() => fit(model, data, { steps: 1, lr: 0.1, record: { layer: 9 } })).toThrow(
      "fit: record.layer must be an index in [0, 3) of Sequential(Linear(2→4), Sigmoid, Linear(4→3)), got 9",
    );
    expect(() => fit(model, data, { steps: 1, lr: 0.1, record: { layer: 1, unit: 4 } })).toThrow(
      "fit: record.unit must be an integer in [0, 4) for the input of Sigmoid, got 4",
    );
    expect(() => fit(model, data, { steps: 1, lr: 0.1, evalEvery: 0 })).toThrow("fit: evalEvery must be an integer ≥ 1, got 0");
    expect(() => fit(model, data, { steps: 1, lr: 0.1, record: { layer: 1, every: -1 } })).toThrow(
      "fit: record.every must be an integer ≥ 1, got -1",
    );
    expect(() => fit(model, { train: blobs, test: heldOut }, { steps: 1, lr: 0.1, evalSize: 0 })).toThrow(
      "fit: evalSize must be an integer ≥ 1, got 0",
    );
    expect(() => fit(model, data, { steps: 1, batchSize: 500, lr: 0.1 })).toThrow(
      "DataLoader: with dropLast, batchSize (500) must be at most the number of examples",
    );
    expect(model.training).toBe(true);
  });

  it("trains a BN MLP to fit two spirals (≥ 95% training accuracy)", () => {
    const train = twoSpirals({ n: 400, noise: 0.05, seed: 0 });
    const model = mlp({ sizes: [2, 64, 64, 2], activation: "relu", batchNorm: true, seed: 0 });
    fit(model, { train }, { steps: 1500, batchSize: 32, lr: 0.1 });
    expect(evaluate(model, train).accuracy).toBeGreaterThanOrEqual(0.95);
  });
});

describe("evaluate", () => {
  it("computes accuracy and mean loss in eval mode, and restores the previous mode", () => {
    const model = mlp({ sizes: [2, 8, 3], batchNorm: true });
    fit(model, { train: blobs }, { steps: 20, batchSize: 16, lr: 0.5 });
    const bn = model.at(1) as BatchNorm1d;
    const tracked = bn.numBatchesTracked;
    const whole = evaluate(model, heldOut);
    const batched = evaluate(model, heldOut, { batchSize: 7 });
    expect(batched.accuracy).toBe(whole.accuracy);
    expect(batched.loss).toBeCloseTo(whole.loss, 12);
    expect(bn.numBatchesTracked).toBe(tracked); // no running-statistics update: eval mode
    expect(model.training).toBe(true);
    model.eval();
    evaluate(model, heldOut);
    expect(model.training).toBe(false);
  });

  it("explains a bad batch size or an empty dataset", () => {
    expect(() => evaluate(mlp({ sizes: [2, 3] }), { ...heldOut, x: Matrix.zeros(0, 2), y: [], name: "nothing" })).toThrow(
      'evaluate: the dataset "nothing" is empty',
    );
    expect(() => evaluate(mlp({ sizes: [2, 3] }), heldOut, { batchSize: 0 })).toThrow(
      "evaluate: batchSize must be an integer ≥ 1, got 0",
    );
  });
});

describe("accuracy", () => {
  it("is the fraction of rows whose largest logit is the label", () => {
    const logits = Matrix.fromArray([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]]);
    expect(accuracy(logits, [1, 0, 0, 1])).toBe(0.5);
    expect(() => accuracy(logits, [1])).toThrow("accuracy: expected 4 labels (one per row of logits [4, 2]), got 1");
  });
});

describe("percentile", () => {
  it("interpolates linearly between ranks, like numpy.percentile", () => {
    expect(percentile([1, 2, 3, 4], 15)).toBeCloseTo(1.45, 14); // np.percentile([1,2,3,4], 15)
    expect(percentiles([4, 1, 3, 2, 5], [0, 50, 85, 100])).toEqual([1, 3, 4.4, 5]);
    expect(() => percentile([1], 101)).toThrow("percentile: p must be in [0, 100], got 101");
  });
});

describe("recordInputs", () => {
  it("observes a layer's input without changing its output, and stop() removes it", () => {
    const layer = new Sigmoid();
    const x = Matrix.fromArray([[0, 1], [-1, 2]]);
    const expected = layer.forward(x);
    const seen: Matrix[] = [];
    const rec = recordInputs(layer, (input) => seen.push(input));
    expect(layer.forward(x).toArray()).toEqual(expected.toArray());
    expect(rec.last).toBe(x);
    expect(rec.count).toBe(1);
    expect(seen).toEqual([x]);
    rec.stop();
    layer.forward(x);
    expect(rec.count).toBe(1);
    expect(Object.prototype.hasOwnProperty.call(layer, "forward")).toBe(false);
  });
});

describe("mlp", () => {
  it("builds Linear → [norm] → activation for each hidden layer, then a Linear", () => {
    expect(mlp({ sizes: [784, 100, 100, 10], activation: "sigmoid", batchNorm: true }).toString()).toBe(
      "Sequential(Linear(784→100), BatchNorm1d(100, eps=1e-5, momentum=0.1), Sigmoid, " +
        "Linear(100→100), BatchNorm1d(100, eps=1e-5, momentum=0.1), Sigmoid, Linear(100→10))",
    );
    expect(mlp({ sizes: [4, 8, 2], activation: "relu", bias: false }).toString()).toBe(
      "Sequential(Linear(4→8, bias=false), ReLU, Linear(8→2, bias=false))",
    );
    expect(mlp({ sizes: [4, 8, 2], activation: "tanh", norm: "layer" }).at(1).toString()).toMatch(/^LayerNorm\(8/);
    expect(mlp({ sizes: [4, 8, 2], norm: "group" }).at(1).toString()).toMatch(/^GroupNorm\(8, 8/);
    expect(mlp({ sizes: [4, 8, 2], norm: "group", groups: 2 }).at(1).toString()).toMatch(/^GroupNorm\(2, 8/);
    expect(mlp({ sizes: [4, 8, 2], norm: "renorm" }).at(1).toString()).toMatch(/^BatchRenorm1d\(8/);
  });

  it("is deterministic by seed", () => {
    expect(mlp({ sizes: [4, 8, 2], seed: 1 }).stateDict()).toEqual(mlp({ sizes: [4, 8, 2], seed: 1 }).stateDict());
    expect(mlp({ sizes: [4, 8, 2], seed: 1 }).stateDict()).not.toEqual(mlp({ sizes: [4, 8, 2], seed: 2 }).stateDict());
  });

  it("explains bad options", () => {
    expect(() => mlp({ sizes: [4] })).toThrow("mlp: sizes must list at least 2 widths (input … output), integers ≥ 1, got [4]");
    expect(() => mlp({ sizes: [4, 2], batchNorm: true, norm: "layer" })).toThrow(
      'mlp: batchNorm: true contradicts norm: "layer"; give one of them',
    );
  });
});
