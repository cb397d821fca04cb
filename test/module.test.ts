import { describe, expect, it } from "vitest";
import { Module } from "../src/nn/module";
import { Parameter } from "../src/nn/parameter";
import { Sequential } from "../src/nn/sequential";
import { Linear } from "../src/nn/linear";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { Matrix } from "../src/tensor/matrix";

/** y = a·x, a learnable scalar per feature, and a counter buffer: the smallest complete Module. */
class Scale extends Module {
  readonly a = new Parameter("a", Matrix.full(1, 2, 3));
  readonly calls = Matrix.zeros(1, 1);
  private x: Matrix | null = null;
  forward(x: Matrix): Matrix {
    this.checkInput(x, 2);
    this.x = x;
    this.calls.data[0] += 1;
    return x.mul(this.a.value);
  }
  backward(dy: Matrix): Matrix {
    const x = this.checkGrad(this.x, dy, this.x?.rows ?? 0, 2);
    this.a.grad.addInPlace(dy.mul(x).sumRows());
    return dy.mul(this.a.value);
  }
  ownParameters(): Parameter[] {
    return [this.a];
  }
  ownBuffers(): Array<[string, Matrix]> {
    return [["calls", this.calls]];
  }
  toString(): string {
    return "Scale(2)";
  }
}

describe("Module", () => {
  it("starts in training mode; train(false)/eval() flip it and return the module", () => {
    const m = new Scale();
    expect(m.training).toBe(true);
    expect(m.eval()).toBe(m);
    expect(m.training).toBe(false);
    expect(m.train()).toBe(m);
    expect(m.training).toBe(true);
  });

  it("parameters(), namedParameters(prefix), namedBuffers(prefix), numParameters()", () => {
    const m = new Scale();
    expect(m.parameters()).toEqual([m.a]);
    expect(m.namedParameters("net.").map(([n]) => n)).toEqual(["net.a"]);
    expect(m.namedBuffers().map(([n]) => n)).toEqual(["calls"]);
    expect(m.numParameters()).toBe(2);
    expect(m.children()).toEqual([]);
  });

  it("zeroGrad clears every parameter's grad", () => {
    const net = new Sequential(new Scale(), new Scale());
    net.forward(Matrix.ones(3, 2));
    net.backward(Matrix.ones(3, 2));
    expect(net.parameters().every((p) => p.grad.maxAbs() > 0)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad.maxAbs() === 0)).toBe(true);
  });

  it("stateDict holds parameters and buffers as plain arrays; loadStateDict puts them back", () => {
    const m = new Scale();
    m.forward(Matrix.ones(1, 2));
    expect(m.stateDict()).toEqual({ a: [3, 3], calls: [1] });
    const other = new Scale();
    other.loadStateDict({ a: [5, 6], calls: [7] });
    expect(other.a.value.toArray()).toEqual([[5, 6]]);
    expect(other.calls.data[0]).toBe(7);
  });

  it("stateDict copies: changing the saved arrays does not change the module", () => {
    const m = new Scale();
    const state = m.stateDict();
    state.a[0] = 100;
    expect(m.a.value.get(0, 0)).toBe(3);
  });

  it("loadStateDict refuses unexpected keys, missing keys and wrong sizes", () => {
    const m = new Scale();
    expect(() => m.loadStateDict({ a: [1, 2], calls: [0], extra: [1] })).toThrow("loadStateDict: unexpected keys extra for Scale(2)");
    expect(() => m.loadStateDict({ a: [1, 2] })).toThrow('loadStateDict: missing key "calls"');
    expect(() => m.loadStateDict({ a: [1, 2, 3], calls: [0] })).toThrow(
      'loadStateDict("a"): expected shape 2 values ([1, 2]), got 3 values',
    );
  });

  it("a whole network round-trips through stateDict, nested BatchNorm buffers included", () => {
    const make = () => new Sequential(new Linear(3, 2), new Sequential(new BatchNorm1d(2), new Scale()));
    const a = make();
    a.forward(new Matrix(5, 3, Float64Array.from({ length: 15 }, (_, i) => Math.sin(i))));
    const b = make();
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
    expect(b.stateDict()).toEqual(a.stateDict());
    expect(Object.keys(a.stateDict())).toContain("1.0.num_batches_tracked");
  });

  it("checkInput and checkGrad give actionable errors", () => {
    const m = new Scale();
    expect(() => m.forward(Matrix.ones(2, 3))).toThrow(
      "Scale(2).forward: expected shape [batch, 2], got [2, 3]. Rows are examples and columns are features",
    );
    expect(() => m.backward(Matrix.ones(2, 2))).toThrow("Scale(2).backward: call forward() before backward()");
    m.forward(Matrix.ones(2, 2));
    expect(() => m.backward(Matrix.ones(3, 2))).toThrow(
      "Scale(2).backward: expected shape dy of shape [2, 2] (the output's shape), got [3, 2]",
    );
  });
});
