import { Matrix } from "../tensor/matrix";
import { Module } from "../nn/module";
import { checkFunction, describe } from "../validate/checks";

/** Observes what flows INTO a layer; `stop()` puts the layer back as it was. */
export interface InputRecorder {
  readonly layer: Module;
  /** The input of the most recent forward call (null before the first). */
  last: Matrix | null;
  /** How many forward calls were observed. */
  count: number;
  stop(): void;
}

/**
 * Watch a layer's input, e.g. the pre-activations that reach a Sigmoid
 * (Ioffe & Szegedy's Figure 1 plots their percentiles during training):
 *
 *   const rec = recordInputs(model.at(2));
 *   model.forward(x);
 *   rec.last;          // the sigmoid's input for this batch
 *   rec.stop();
 *
 * The layer's own forward runs unchanged; the observer is removed by stop().
 */
export function recordInputs(layer: Module, onInput?: (x: Matrix) => void): InputRecorder {
  if (!(layer instanceof Module)) throw new TypeError(`recordInputs: layer must be a layer (a Module), e.g. model.at(2), got ${describe(layer)}`);
  if (onInput !== undefined) checkFunction("recordInputs", "onInput", onInput);
  const hadOwnForward = Object.prototype.hasOwnProperty.call(layer, "forward");
  const original = layer.forward;
  const recorder: InputRecorder = {
    layer,
    last: null,
    count: 0,
    stop() {
      if (hadOwnForward) layer.forward = original;
      else delete (layer as Partial<Pick<Module, "forward">>).forward;
    },
  };
  layer.forward = function observedForward(x: Matrix): Matrix {
    recorder.last = x;
    recorder.count += 1;
    if (onInput) onInput(x);
    return original.call(layer, x);
  };
  return recorder;
}
