import { Matrix } from "../tensor/matrix";
import { ShapeError } from "../tensor/shape-error";
import { Tensor, Value } from "../tensor/tensor";

/**
 * The input and gradient checks of the image layers (Conv2d, BatchNorm2d, pools, …):
 * each error names the layer, the shape it expected and the shape that came.
 */

/** x must be a Tensor [N, C, H, W] (with C = channels when given); returns it typed. */
export function checkImages(layer: string, x: Value, channels?: number): Tensor {
  const c = channels === undefined ? "C" : String(channels);
  if (x instanceof Matrix) {
    throw new ShapeError(
      `${layer}.forward`,
      `[N, ${c}, H, W] (a Tensor of images)`,
      `a Matrix ${x.shapeString()}`,
      `Image layers take NCHW tensors: e.g. Tensor.from(x.data, [${x.rows}, ${c === "C" ? 1 : c}, H, W]), or put new Unflatten([C, H, W]) first in the Sequential`,
    );
  }
  if (x.ndim !== 4 || (channels !== undefined && x.shape[1] !== channels)) {
    throw new ShapeError(`${layer}.forward`, `[N, ${c}, H, W]`, x.shapeString(), "Dimensions are batch, channels, height, width (PyTorch's NCHW)");
  }
  return x;
}

/** Throw unless forward ran before backward; returns what forward saved. */
export function savedForBackward<T>(layer: string, saved: T | null): T {
  if (saved === null) throw new Error(`${layer}.backward: call forward() before backward() (backward uses what forward saved)`);
  return saved;
}

/** dy must be a Tensor of the output's shape. */
export function checkGradTensor(layer: string, dy: Value, shape: readonly number[]): Tensor {
  if (dy instanceof Matrix || dy.shape.length !== shape.length || dy.shape.some((d, i) => d !== shape[i])) {
    const got = dy instanceof Matrix ? `a Matrix ${dy.shapeString()}` : dy.shapeString();
    throw new ShapeError(`${layer}.backward`, `dy of shape [${shape.join(", ")}] (the output's shape)`, got);
  }
  return dy;
}
