import { checkMatrix, Matrix } from "../tensor/matrix";
import { ShapeError } from "../tensor/shape-error";

/** What forward keeps for backward. */
interface Saved {
  diff: Matrix;
}

/**
 * Mean squared error, like torch.nn.MSELoss: the mean over ALL elements.
 *
 *   loss = (1/(N·D)) Σᵢⱼ (predᵢⱼ − targetᵢⱼ)²
 *   ∂loss/∂pred = 2·(pred − target) / (N·D)
 */
export class MSELoss {
  private saved: Saved | null = null;

  forward(pred: Matrix, target: Matrix): number {
    checkMatrix("MSELoss.forward", "pred", pred);
    checkMatrix("MSELoss.forward", "target", target);
    if (target.rows !== pred.rows || target.cols !== pred.cols) {
      throw new ShapeError("MSELoss.forward", `target of the prediction's shape ${pred.shapeString()}`, target.shapeString());
    }
    if (pred.size === 0) {
      throw new RangeError(`MSELoss.forward: the mean of zero elements is undefined; expected at least one element, got pred of shape ${pred.shapeString()}`);
    }
    const diff = pred.sub(target); //                                 pred − target
    this.saved = { diff };
    return diff.map((d) => d * d).sum() / pred.size; //              mean of the squares
  }

  /** ∂loss/∂pred = 2·(pred − target) / (number of elements). */
  backward(): Matrix {
    if (this.saved === null) throw new Error("MSELoss.backward: call forward(pred, target) before backward()");
    const { diff } = this.saved;
    return diff.scale(2 / diff.size);
  }

  toString(): string {
    return "MSELoss";
  }
}
