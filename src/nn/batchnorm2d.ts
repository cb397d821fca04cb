import { Matrix } from "../tensor/matrix";
import { Tensor } from "../tensor/tensor";
import { BatchNorm, BatchNormSaved } from "./batchnorm";
import { BatchNormOptions } from "./norm-base";
import { channelColumns, fromChannelColumns } from "./channels";
import { checkGradTensor, checkImages, savedForBackward } from "./image-checks";

/**
 * Batch normalization of image batches [N, C, H, W] ("spatial batch norm"), with
 * exactly the semantics of PyTorch's nn.BatchNorm2d. A channel is one feature —
 * the same filter applied at every position — so its statistics are taken over
 * every image AND every position, m = N·H·W numbers per channel:
 *
 *   μ[c]  = (1/m) Σ_{n,h,w} x[n,c,h,w]
 *   σ²[c] = (1/m) Σ_{n,h,w} (x[n,c,h,w] − μ[c])²        (biased)
 *   x̂     = (x − μ[c]) / √(σ²[c] + ε)
 *   y     = γ[c]·x̂ + β[c]
 *
 * This is BatchNorm with P = H·W: BatchNorm1d's computation on the (N·H·W) × C
 * matrix whose rows are all the positions of all the images (see BatchNorm).
 */
export class BatchNorm2d extends BatchNorm<Tensor> {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options);
  }

  protected dims(x: Tensor): readonly [number, number, number] {
    const [N, C, H, W] = checkImages(this.toString(), x, this.numFeatures).shape;
    return [N, C, H * W];
  }

  protected columns(x: Tensor): Matrix {
    const [N, C, H, W] = x.shape;
    return channelColumns(x.data, N, C, H * W);
  }

  protected fromColumns(m: Matrix, like: Tensor): Tensor {
    const [N, C, H, W] = like.shape;
    return new Tensor(like.shape, fromChannelColumns(m, N, C, H * W));
  }

  protected withData(like: Tensor, data: Float64Array): Tensor {
    return new Tensor(like.shape, data);
  }

  protected checkGradient(dy: Tensor): BatchNormSaved {
    const saved = savedForBackward(this.toString(), this.saved);
    checkGradTensor(this.toString(), dy, saved.shape);
    return saved;
  }
}
