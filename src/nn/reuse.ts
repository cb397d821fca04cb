import { recycleFloat64, type Value } from "../tensor/tensor";
import type { AnyModule } from "./module";
import { ReLU, Sigmoid, Tanh } from "./activations";
import { AvgPool2d, MaxPool2d } from "./pooling";
import { Conv2d } from "./conv2d";
import { BatchNorm1d } from "./batchnorm";
import { BatchNorm2d } from "./batchnorm2d";
import { Linear } from "./linear";
import { Flatten } from "./flatten";

/**
 * The layers (these classes exactly, not subclasses) whose forward and backward
 * return new arrays, never their input, dy or an array they keep, and which
 * keep no reference to a value after their next forward nor to any dy: what one
 * of them passes to the next is read by the two of them only, and a gradient
 * only while the receiving layer's backward runs.
 */
const KEEPS_NOTHING: ReadonlySet<Function> = new Set<Function>([ReLU, Sigmoid, Tanh, MaxPool2d, AvgPool2d, Conv2d, BatchNorm1d, BatchNorm2d, Linear, Flatten]);

/**
 * Which of a Sequential's intermediate values nothing can read any more, given
 * back to emptyFloat64 (recycleFloat64) so that the next layers write into the
 * same memory instead of new ArrayBuffers (see tensor.ts for why that matters).
 * Only values passed between two layers of KEEPS_NOTHING are given back, never the
 * input, the output or a dy that came from outside, nor a value that reached a
 * layer whose forward or backward was replaced on the instance when the value
 * passed (recordInputs does that; so may a learner): whoever replaced it may keep it.
 *
 * - the value layer i − 1 gave layer i in the last forward pass is dead once
 *   layer i has run forward again: both layers have replaced what they kept;
 * - the gradient layer i + 1 gave layer i in backward is dead once layer i's
 *   backward has returned.
 */
export class Intermediates {
  /** What each layer returned in the last forward pass (undefined where it may not be given back). */
  private last: Array<Value | undefined> = [];

  constructor(private readonly layers: readonly AnyModule[]) {}

  /** Whether what layers i and j = i + 1 pass each other in `method` now may be given back. */
  private between(i: number, j: number, method: "forward" | "backward"): boolean {
    return [this.layers[i], this.layers[j]].every((layer) => KEEPS_NOTHING.has(layer.constructor) && !Object.prototype.hasOwnProperty.call(layer, method));
  }

  /** After layer i's forward in a new pass. */
  forwardStep(i: number): void {
    const old = this.last[i - 1];
    if (i === 0 || old === undefined) return;
    recycleFloat64(old.data);
    this.last[i - 1] = undefined;
  }

  /** The pass has finished (or failed, with no outputs: nothing of the last pass is given back then). */
  forwardDone(outputs: Value[]): void {
    this.last = outputs.map((v, i) => (i + 1 < this.layers.length && this.between(i, i + 1, "forward") ? v : undefined));
  }

  /** After layer i's backward has returned; dy came from layer i + 1, or from outside when i is the last. */
  backwardStep(i: number, dy: Value): void {
    if (i < this.layers.length - 1 && this.between(i, i + 1, "backward")) recycleFloat64(dy.data);
  }
}
