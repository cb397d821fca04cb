import { expect, it } from "vitest";
import { Tensor } from "../../src/tensor/tensor";
import { Matrix } from "../../src/tensor/matrix";
import { Rng } from "../../src/random/rng";
import type { AnyModule } from "../../src/nn/module";
import { gradcheckModule } from "../../src/check/gradcheck";

/** A seeded batch of images of this shape, normal(offset, scale). */
export function images(shape: number[], seed = 1, scale = 1, offset = 0): Tensor {
  return new Tensor(shape, new Rng(seed).normalArray(shape.reduce((a, b) => a * b, 1), offset, scale));
}

/** Parameters away from their initial 1 and 0, so that γ and β matter in the check. */
export function perturb<T extends AnyModule>(layer: T, seed = 5): T {
  const rng = new Rng(seed);
  for (const p of layer.parameters()) for (let i = 0; i < p.value.size; i++) p.value.data[i] += rng.normal(0, 0.3);
  return layer;
}

/** One gradcheck case: a name, the layer, its input, and the modes to check it in. */
export type GradcheckCase = [string, () => AnyModule, Tensor | Matrix, ("train" | "eval")[]];

/**
 * gradcheckModule on every case and mode (relative error < 1e-7, something checked, dx not all zero).
 * In eval mode the layer first trains on three other batches, so running statistics are away from 0 and 1.
 */
export function gradcheckEach(cases: GradcheckCase[]): void {
  for (const [name, make, input, modes] of cases) {
    for (const mode of modes) {
      it(`${name} (${mode})`, () => {
        const layer = make();
        if (mode === "eval") {
          layer.train();
          for (let i = 0; i < 3; i++) layer.forward(input instanceof Tensor ? images([...input.shape], 20 + i, 2, 1) : input);
          layer.eval();
        }
        const result = gradcheckModule(layer, input);
        const errors = result.entries.map((e) => `${e.name} ${e.zero ? "zero" : e.relativeError.toExponential(1)}`).join(", ");
        expect(result.maxRelativeError, errors).toBeLessThan(1e-7);
        expect(result.entries.filter((e) => !e.zero).length, "something was actually checked").toBeGreaterThan(0);
        expect(result.entries.find((e) => e.name === "dx")!.zero, "dx is not all zero").toBe(false);
      });
    }
  }
}
