import { describe, expect, it } from "vitest";
import { Sequential } from "../src/nn/sequential";
import { Module } from "../src/nn/module";
import { Conv2d } from "../src/nn/conv2d";
import { BatchNorm2d } from "../src/nn/batchnorm2d";
import { MaxPool2d } from "../src/nn/pooling";
import { ReLU } from "../src/nn/activations";
import { Flatten } from "../src/nn/flatten";
import { Linear } from "../src/nn/linear";
import { CrossEntropyLoss } from "../src/loss/cross-entropy";
import { SGD } from "../src/optim/sgd";
import { Rng } from "../src/random/rng";
import { Matrix } from "../src/tensor/matrix";
import { emptyFloat64, recycleFloat64, Tensor, type Value } from "../src/tensor/tensor";
import { recordInputs } from "../src/train/record-inputs";

// Sequential gives the memory of the values between its layers back to emptyFloat64
// (src/nn/reuse.ts); these tests check that no value anybody can still read is reused.

/** A small CNN whose values between layers are large (≥ 4096 numbers): conv → BN → ReLU → pool → conv → BN → ReLU → pool → linear. */
function cnn(layers: { relu: () => Module<Tensor, Tensor> } = { relu: () => new ReLU() }): Sequential<Tensor, Matrix> {
  const rng = new Rng("reuse/cnn");
  return new Sequential<Tensor, Matrix>(
    new Conv2d(1, 4, 3, { padding: 1, rng }), new BatchNorm2d(4), layers.relu(), new MaxPool2d(2),
    new Conv2d(4, 6, 3, { padding: 1, rng }), new BatchNorm2d(6), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(6 * 8 * 8, 10, { rng }),
  );
}

const batches = Array.from({ length: 3 }, (_, b) => {
  const rng = new Rng(`reuse/batch${b}`);
  return { x: new Tensor([16, 1, 32, 32], Float64Array.from(rng.normalArray(16 * 32 * 32))), y: Array.from({ length: 16 }, () => Math.floor(rng.uniform(0, 10))) };
});

/** Train `model` a step per batch; the parameters after each step (copies). */
function train(model: Sequential<Tensor, Matrix>): number[][][] {
  const loss = new CrossEntropyLoss();
  const opt = new SGD(model.parameters(), { lr: 0.1 });
  return batches.map(({ x, y }) => {
    opt.zeroGrad();
    loss.forward(model.forward(x), y);
    model.backward(loss.backward(), { inputGrad: false });
    opt.step();
    return model.parameters().map((p) => Array.from(p.value.data));
  });
}

/** ReLU, but a class of its own: Sequential reuses nothing next to it. */
class OwnReLU extends ReLU {}

/** Keeps every value it sees and every gradient, as a learner's module recording activations could. */
class Recorder extends Module<Tensor, Tensor> {
  readonly seen: Tensor[] = [];
  readonly grads: Tensor[] = [];
  forward(x: Tensor): Tensor {
    this.seen.push(x);
    return x;
  }
  backward(dy: Tensor): Tensor {
    this.grads.push(dy);
    return dy;
  }
  toString(): string {
    return "Recorder";
  }
}

describe("Sequential reuses the memory of its intermediate values", () => {
  it("a step writes into the memory of the steps before: the conv, BN, ReLU and pool values of a third step are in no new array", () => {
    const model = cnn();
    // the memory of every value each step, and whether it came from emptyFloat64 (Linear's and Flatten's come from Matrix and Tensor.from)
    const seen: Array<Map<ArrayBufferLike, boolean>> = [];
    // watched on the classes' prototypes: a layer whose forward is replaced on the instance is one Sequential reuses nothing next to
    const prototypes = [...new Set(model.layers.map((layer) => Object.getPrototypeOf(layer) as Module<Value, Value>))];
    const restore = prototypes.map((proto) => {
      const fromEmpty = proto !== Linear.prototype && proto !== Flatten.prototype;
      const note = (v: Value | null) => v !== null && v.size >= 4096 && seen.at(-1)!.set(v.data.buffer, fromEmpty);
      const had = { forward: Object.getOwnPropertyDescriptor(proto, "forward"), backward: Object.getOwnPropertyDescriptor(proto, "backward") };
      const { forward, backward } = proto;
      Object.assign(proto, {
        forward(this: Module<Value, Value>, x: Value) { const y = forward.call(this, x); note(y); return y; },
        backward(this: Module<Value, Value>, dy: Value, options?: { inputGrad?: boolean }) { const dx = backward.call(this, dy, options ?? {}); note(dx); return dx; },
      });
      return () => (["forward", "backward"] as const).forEach((m) => (had[m] ? Object.defineProperty(proto, m, had[m]) : delete (proto as Partial<Module<Value, Value>>)[m]));
    });
    const loss = new CrossEntropyLoss();
    try {
      for (const { x, y } of batches) {
        seen.push(new Map());
        loss.forward(model.forward(x), y);
        model.backward(loss.backward(), { inputGrad: false });
      }
    } finally {
      restore.forEach((undo) => undo());
    }
    const third = [...seen[2]].filter(([, fromEmpty]) => fromEmpty).map(([b]) => b);
    expect(third.length).toBeGreaterThanOrEqual(10);
    expect(third.filter((b) => !seen[0].has(b) && !seen[1].has(b)).map((b) => b.byteLength)).toEqual([]); // the sizes of new ones
  });

  it("training gives the same numbers, bit for bit, as without reuse", () => {
    const reused = train(cnn());
    const fresh = train(cnn({ relu: () => new OwnReLU() })); // nothing next to OwnReLU is reused: conv1 → BN → OwnReLU → pool
    expect(reused).toEqual(fresh);
  });

  it("never reuses the input, the output, a gradient from outside, nor a value a module of its own keeps", () => {
    const recorder = new Recorder();
    const model = new Sequential<Tensor, Tensor>(new Conv2d(1, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU(), recorder, new ReLU(), new MaxPool2d(2), new ReLU());
    const copies: Array<{ x: number[]; y: number[]; dy: number[]; seen: number[]; grad: number[] }> = [];
    const held: Array<{ x: Tensor; y: Tensor; dy: Tensor }> = [];
    for (const { x } of batches) {
      const y = model.forward(x);
      const dy = new Tensor(y.shape, Float64Array.from(new Rng("dy").normalArray(y.size)));
      model.backward(dy);
      held.push({ x, y, dy });
      copies.push({ x: Array.from(x.data), y: Array.from(y.data), dy: Array.from(dy.data), seen: Array.from(recorder.seen.at(-1)!.data), grad: Array.from(recorder.grads.at(-1)!.data) });
    }
    held.forEach(({ x, y, dy }, k) => {
      expect(Array.from(x.data)).toEqual(copies[k].x);
      expect(Array.from(y.data)).toEqual(copies[k].y);
      expect(Array.from(dy.data)).toEqual(copies[k].dy);
      expect(Array.from(recorder.seen[k].data)).toEqual(copies[k].seen);
      expect(Array.from(recorder.grads[k].data)).toEqual(copies[k].grad);
    });
  });

  it("backward twice after one forward sums the same gradients as after forward again", () => {
    const loss = new CrossEntropyLoss();
    const grads = (forwardAgain: boolean) => {
      const model = cnn();
      const { x, y } = batches[0];
      loss.forward(model.forward(x), y);
      const dy = loss.backward();
      model.backward(dy); // the gradients between the layers are reused; what forward kept must not be
      if (forwardAgain) model.forward(x);
      model.backward(dy);
      return model.parameters().map((p) => Array.from(p.grad.data));
    };
    expect(grads(false)).toEqual(grads(true));
  });
});

describe("a value someone watched is never reused", () => {
  /** What `watch` saw in the first training step stays as it was through two more steps. */
  function keptThroughTraining(watch: (model: Sequential<Tensor, Matrix>) => { seen: Value[]; stop(): void }): void {
    const model = cnn();
    const loss = new CrossEntropyLoss();
    const { seen, stop } = watch(model);
    batches.forEach(({ x, y }, step) => {
      loss.forward(model.forward(x), y);
      model.backward(loss.backward(), { inputGrad: false });
      if (step === 0) stop(); // watching only the first step: its values must still hold afterwards
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((v) => v.data.length >= 4096)).toBe(true); // large enough to be reused
  }

  /** The indices of the values that no longer hold their copies' numbers (compared here: a failing toEqual would print arrays of 65,536 numbers). */
  function changed(values: Value[], copies: number[][]): number[] {
    return values.flatMap((v, k) => (v.data.every((x, i) => Object.is(x, copies[k][i])) ? [] : [k]));
  }

  it("recordInputs' last input, and what its onInput callback kept, stay as they were after later passes", () => {
    let copies: number[][] = [];
    const kept: Value[] = [];
    keptThroughTraining((model) => {
      const rec = recordInputs(model.at(2), (m) => kept.push(m)); // the ReLU's input: BatchNorm2d's output
      return {
        seen: kept,
        stop() {
          copies = kept.map((v) => Array.from(v.data));
          rec.stop();
        },
      };
    });
    expect(changed(kept, copies)).toEqual([]);
  });

  it("a layer whose forward or backward a learner replaced on the instance keeps what it saw", () => {
    const seen: Value[] = [];
    let copies: number[][] = [];
    keptThroughTraining((model) => {
      const relu = model.at(2);
      const [forward, backward] = [relu.forward.bind(relu), relu.backward.bind(relu)];
      Object.assign(relu, {
        forward: (x: Value) => (seen.push(x), forward(x)), //      what reaches the ReLU
        backward: (dy: Value) => (seen.push(dy), backward(dy)), // the gradient that reaches it
      });
      return {
        seen,
        stop() {
          copies = seen.map((v) => Array.from(v.data));
          delete (relu as Partial<Module<Value, Value>>).forward;
          delete (relu as Partial<Module<Value, Value>>).backward;
        },
      };
    });
    expect(changed(seen, copies)).toEqual([]);
  });
});

describe("the memory a layer keeps for backward only", () => {
  it("BatchNorm2d without γ and β returns x̂ itself, a new array each pass; MaxPool2d's outputs are new arrays", () => {
    const bn = new BatchNorm2d(4, { affine: false }), pool = new MaxPool2d(2);
    const [a, b] = batches.map(({ x }) => new Tensor([16, 4, 16, 16], x.data.slice(0, 16 * 4 * 16 * 16)));
    const ya = bn.forward(a), pa = pool.forward(a);
    const [copyYa, copyPa] = [ya.data.slice(), pa.data.slice()];
    bn.forward(b);
    pool.forward(b);
    expect(ya.data).toEqual(copyYa);
    expect(pa.data).toEqual(copyPa);
  });
});

describe("recycleFloat64", () => {
  it("hands a large array back to emptyFloat64 of its length", () => {
    const a = emptyFloat64(5000);
    recycleFloat64(a);
    expect(emptyFloat64(5000)).toBe(a);
    expect(emptyFloat64(5000)).not.toBe(a); // once
  });

  it("keeps no small array, no view into a larger buffer, and the same array once", () => {
    const small = new Float64Array(100);
    recycleFloat64(small);
    expect(emptyFloat64(100)).not.toBe(small);
    const whole = new Float64Array(10000);
    const view = whole.subarray(0, 5000);
    recycleFloat64(view);
    expect(emptyFloat64(5000)).not.toBe(view);
    const a = new Float64Array(6000);
    recycleFloat64(a);
    recycleFloat64(a);
    expect(emptyFloat64(6000)).toBe(a);
    expect(emptyFloat64(6000)).not.toBe(a);
  });

  it("holds at most 128 MB: an array that does not fit empties it first", () => {
    const small = new Float64Array(5000);
    recycleFloat64(small);
    const [big, big2] = [new Float64Array(9_000_000), new Float64Array(9_000_000)]; // 72 MB each
    recycleFloat64(big);
    recycleFloat64(big2);
    // identity, not toBe: a failure would print arrays of 9 million numbers
    expect(emptyFloat64(5000) === small).toBe(false);
    expect(emptyFloat64(9_000_000) === big2).toBe(true);
    expect(emptyFloat64(9_000_000) === big).toBe(false);
    const huge = new Float64Array(17_000_000); // 136 MB: never kept
    recycleFloat64(huge);
    expect(emptyFloat64(17_000_000) === huge).toBe(false);
  });
});
