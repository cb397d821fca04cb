import { describe, expect, it } from "vitest";
import { Matrix } from "../src/tensor/matrix";
import { Rng } from "../src/random/rng";
import { Sequential } from "../src/nn/sequential";
import { Linear } from "../src/nn/linear";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { ReLU } from "../src/nn/activations";
import { CrossEntropyLoss } from "../src/loss/cross-entropy";
import { numericalGradient } from "../src/check/gradcheck";
import { gradientIcs, lossAndGradient, probeAlongGradient } from "../src/train/gradient-probe";
import { cosineAll, distanceAll, normAll } from "../src/train/parameter-vectors";

function net(seed: number): Sequential {
  const rng = new Rng(seed);
  return new Sequential(new Linear(5, 6, { bias: false, rng }), new BatchNorm1d(6), new ReLU(), new Linear(6, 6, { rng }), new ReLU(), new Linear(6, 3, { rng }));
}
const rng = new Rng("probe-data");
const batch = { x: new Matrix(12, 5, rng.normalArray(60)), y: Array.from({ length: 12 }, (_, i) => i % 3) };
const lossAt = (model: Sequential) => new CrossEntropyLoss().forward(model.forward(batch.x), batch.y);
const snapshot = (model: Sequential) => JSON.stringify(model.stateDict()) + JSON.stringify(model.parameters().map((p) => Array.from(p.grad.data)));

describe("lossAndGradient", () => {
  it("gives the loss and every parameter's gradient (checked against central differences) and leaves the model as it was", () => {
    const model = net(1);
    const before = snapshot(model);
    const { loss, grads } = lossAndGradient(model, batch);
    expect(snapshot(model)).toBe(before); // parameters, grads and running statistics untouched
    const restore = JSON.stringify(model.stateDict());
    expect(loss).toBeCloseTo(lossAt(model), 12);
    model.parameters().forEach((p, k) => {
      const numerical = numericalGradient(() => {
        const l = lossAt(model);
        model.loadStateDict(JSON.parse(restore)); // undo the running-statistics update of each probe
        return l;
      }, p.value);
      expect(grads[k].sub(numerical).maxAbs()).toBeLessThan(1e-7);
    });
  });
});

describe("probeAlongGradient", () => {
  it("measures L(θ − η g), ‖∇L(θ − η g) − g‖ and β = max change / (η‖g‖), and restores the model", () => {
    const model = net(2);
    const before = snapshot(model);
    const etas = [0.1, 0.5, 2];
    const probe = probeAlongGradient(model, batch, etas);
    expect(snapshot(model)).toBe(before);

    const g = lossAndGradient(model, batch).grads;
    expect(probe.gradNorm).toBeCloseTo(normAll(g), 12);
    const theta = model.parameters().map((p) => p.value.clone());
    const ratios: number[] = [];
    etas.forEach((eta, i) => {
      model.parameters().forEach((p, k) => p.value.copyFrom(theta[k].sub(g[k].scale(eta))));
      const there = lossAndGradient(model, batch);
      expect(probe.losses[i]).toBeCloseTo(there.loss, 12);
      expect(probe.gradChanges[i]).toBeCloseTo(distanceAll(there.grads, g), 12);
      ratios.push(distanceAll(there.grads, g) / (eta * normAll(g)));
    });
    expect(probe.beta).toBeCloseTo(Math.max(...ratios), 12);
    expect(probe.losses[0]).toBeLessThan(probe.loss0); // a small step downhill lowers the loss
  });

  it("refuses empty or non-positive step sizes", () => {
    expect(() => probeAlongGradient(net(3), batch, [])).toThrow(/stepSizes/);
    expect(() => probeAlongGradient(net(3), batch, [0.1, -1])).toThrow(/> 0/);
  });
});

describe("gradientIcs (Santurkar et al.'s gradient definition)", () => {
  it("compares a layer's gradient before and after ONLY the parameters below it take their SGD step", () => {
    const model = net(4);
    const before = snapshot(model);
    const lr = 0.3;
    const ics = gradientIcs(model, batch, lr);
    expect(snapshot(model)).toBe(before);
    expect(ics.map((l) => l.layer)).toEqual(["3.weight", "5.weight"]); // every weight matrix but the first

    const names = model.namedParameters().map(([n]) => n);
    const g = lossAndGradient(model, batch).grads;
    const theta = model.parameters().map((p) => p.value.clone());
    for (const l of ics) {
      const i = names.indexOf(l.layer);
      model.parameters().forEach((p, k) => p.value.copyFrom(k < i ? theta[k].sub(g[k].scale(lr)) : theta[k]));
      const after = lossAndGradient(model, batch).grads[i];
      expect(l.l2).toBeCloseTo(distanceAll([g[i]], [after]), 12);
      expect(l.cosine).toBeCloseTo(cosineAll([g[i]], [after]), 12);
      expect(l.relative).toBeCloseTo(l.l2 / normAll([g[i]]), 12);
      expect(l.l2).toBeGreaterThan(0);
    }
    model.parameters().forEach((p, k) => p.value.copyFrom(theta[k]));
  });

  it("the first layer has nothing below it: its gradient does not change", () => {
    const [first] = gradientIcs(net(5), batch, 0.3, ["0.weight"]);
    expect(first.l2).toBe(0);
    expect(first.cosine).toBeCloseTo(1, 12);
  });

  it("names the parameters when asked for one that does not exist; refuses lr ≤ 0", () => {
    expect(() => gradientIcs(net(6), batch, 0.1, ["7.weight"])).toThrow(/no parameter "7.weight".*0.weight, 1.weight/);
    expect(() => gradientIcs(net(6), batch, 0)).toThrow(/lr/);
  });
});
