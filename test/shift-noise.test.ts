import { describe, expect, it } from "vitest";
import { ShiftNoise } from "../src/nn/shift-noise";
import { Matrix } from "../src/tensor/matrix";
import { Rng } from "../src/random/rng";
import { gradcheckModule } from "../src/check/gradcheck";

const randn = (rows: number, cols: number, seed: string) => new Matrix(rows, cols, new Rng(seed).normalArray(rows * cols));

describe("ShiftNoise (noisy BN's noise)", () => {
  it("training: y = s·x + m with one s ~ U(minScale, maxScale) and m ~ U(−shift, shift) per feature", () => {
    const noise = new ShiftNoise({ shift: 0.5, minScale: 0.8, maxScale: 1.6, rng: new Rng(1) });
    const x = randn(6, 40, "n1");
    const y = noise.forward(x);
    const s = noise.scale!, m = noise.offset!;
    expect(y.sub(x.mul(s).add(m)).maxAbs()).toBe(0);
    for (const v of s.data) expect(v >= 0.8 && v <= 1.6).toBe(true);
    for (const v of m.data) expect(Math.abs(v)).toBeLessThanOrEqual(0.5);
    // the draws vary across features
    expect(Math.max(...m.data) - Math.min(...m.data)).toBeGreaterThan(0.5);
  });

  it("draws new noise every step, seeded: the same seed repeats the sequence", () => {
    const a = new ShiftNoise({ rng: new Rng(7) });
    const b = new ShiftNoise({ rng: new Rng(7) });
    const x = randn(3, 5, "n2");
    const a1 = a.forward(x), a2 = a.forward(x);
    expect(a1.sub(a2).maxAbs()).toBeGreaterThan(0.01);
    expect(b.forward(x).data).toEqual(a1.data);
    expect(b.forward(x).data).toEqual(a2.data);
  });

  it("holdNoise reuses the draw; backward multiplies by s; gradient check", () => {
    const noise = new ShiftNoise({ rng: new Rng(3) });
    const x = randn(4, 3, "n3");
    noise.forward(x);
    noise.holdNoise = true;
    const y1 = noise.forward(x);
    expect(noise.forward(x).data).toEqual(y1.data);
    const dy = randn(4, 3, "n3dy");
    expect(noise.backward(dy).data).toEqual(dy.mul(noise.scale!).data);
    expect(gradcheckModule(noise, x).ok).toBe(true);
  });

  it("is the identity in eval mode, forward and backward", () => {
    const noise = new ShiftNoise().eval();
    const x = randn(2, 3, "n4");
    expect(noise.forward(x).data).toEqual(x.data);
    expect(noise.backward(x).data).toEqual(x.data);
  });

  it("validates its options; has no parameters", () => {
    expect(() => new ShiftNoise({ minScale: 0 })).toThrow(/ShiftNoise: minScale must be > 0/);
    expect(() => new ShiftNoise({ minScale: 2, maxScale: 1 })).toThrow(/minScale/);
    expect(() => new ShiftNoise({ shift: -1 })).toThrow(/shift must be ≥ 0/);
    expect(() => new ShiftNoise().backward(Matrix.zeros(1, 1))).toThrow(/forward\(\) before backward/);
    expect(new ShiftNoise().parameters()).toEqual([]);
    expect(new ShiftNoise().toString()).toBe("ShiftNoise(shift=±1, scale=0.5…2)");
  });
});
