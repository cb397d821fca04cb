import { Matrix } from "../tensor/matrix";
import { Rng } from "../random/rng";
import { checkDataset, Dataset, indicesByClass } from "./dataset";
import { checkBoolean, checkInteger, checkOptions, checkNumber, describe } from "../validate/checks";

/** One minibatch: `x` holds batchSize rows, `y` their labels. */
export interface Batch {
  x: Matrix;
  y: number[];
}

export interface DataLoaderOptions {
  /** Examples per batch (required, ≥ 1). */
  batchSize: number;
  /** A new random order every epoch (default true). false = the dataset's order. */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Seed of the shuffling (default 0). Epoch k uses an order derived from (seed, k). */
  seed?: number;
  /**
   * Non-i.i.d. batches (default false): every batch holds examples of ONE class
   * only, and the order of the batches is shuffled. A failure case for batch norm.
   */
  oneClassPerBatch?: boolean;
}

/**
 * Minibatches of a dataset, like torch.utils.data.DataLoader:
 *
 *   for (const { x, y } of loader) { … }     // one epoch
 *
 * Every pass (every `for … of`) is the next epoch; epoch k is shuffled with a
 * seed derived from `seed` and k, so the sequence of batches is the same on every run.
 * Each example appears exactly once per epoch (except those dropped by dropLast).
 */
export class DataLoader implements Iterable<Batch> {
  readonly dataset: Dataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: number;
  readonly oneClassPerBatch: boolean;
  /** The epoch that the next `for … of` will run (starts at 0). */
  epoch = 0;

  constructor(dataset: Dataset, options: DataLoaderOptions) {
    checkDataset("DataLoader", dataset);
    if (options === undefined || options === null || typeof options !== "object") {
      throw new TypeError(`DataLoader: expected options with a batch size, e.g. new DataLoader(data, { batchSize: 60 }), got ${describe(options)}`);
    }
    const batchSize = checkInteger("DataLoader", "batchSize", options.batchSize, { min: 1 });
    const n = dataset.y.length;
    if (n === 0) throw new RangeError(`DataLoader: the dataset "${dataset.name}" is empty; expected at least one example`);
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = checkBoolean("DataLoader", "shuffle", options.shuffle, true);
    this.dropLast = checkBoolean("DataLoader", "dropLast", options.dropLast, false);
    this.seed = options.seed === undefined ? 0 : checkNumber("DataLoader", "seed", options.seed);
    this.oneClassPerBatch = checkBoolean("DataLoader", "oneClassPerBatch", options.oneClassPerBatch, false);
    if (this.batchIndices(0).length === 0) {
      throw new RangeError(
        `DataLoader: with dropLast, batchSize (${batchSize}) must be at most the number of examples ` +
          `(${this.oneClassPerBatch ? "of the smallest class, " : ""}${n} in "${dataset.name}"), or no batch is left`,
      );
    }
  }

  /** Batches per epoch. */
  get length(): number {
    return this.batchIndices(0).length;
  }

  /** The next epoch, batch by batch. */
  *[Symbol.iterator](): Iterator<Batch> {
    const batches = this.batchIndices(this.epoch);
    this.epoch += 1;
    for (const indices of batches) yield this.batch(indices);
  }

  /** The row indices of every batch of epoch k (the same k always gives the same batches). */
  batchIndices(k: number): number[][] {
    checkInteger("DataLoader.batchIndices", "k (the epoch)", k);
    const rng = new Rng(`dataloader/${this.seed}/epoch-${k}`);
    if (this.oneClassPerBatch) return this.oneClassBatches(rng);
    const n = this.dataset.y.length;
    const order = this.shuffle ? rng.permutation(n) : Array.from({ length: n }, (_, i) => i);
    return this.chunk(order);
  }

  /** The examples at `indices` as a batch. */
  batch(indices: readonly number[]): Batch {
    if (!Array.isArray(indices)) throw new TypeError(`DataLoader.batch: indices must be an array of row indices, got ${describe(indices)}`);
    return { x: this.dataset.x.selectRows(indices), y: indices.map((i) => this.dataset.y[i]) };
  }

  private chunk(order: number[]): number[][] {
    const batches: number[][] = [];
    for (let start = 0; start < order.length; start += this.batchSize) {
      const indices = order.slice(start, start + this.batchSize);
      if (indices.length < this.batchSize && this.dropLast) break;
      batches.push(indices);
    }
    return batches;
  }

  private oneClassBatches(rng: Rng): number[][] {
    const batches: number[][] = [];
    for (const indices of indicesByClass(this.dataset.y, this.dataset.numClasses)) {
      batches.push(...this.chunk(this.shuffle ? rng.shuffle(indices) : indices));
    }
    return this.shuffle ? rng.shuffle(batches) : batches;
  }
}

/** One epoch of non-i.i.d. batches: each holds examples of a single class (see DataLoader's oneClassPerBatch). */
export function nonIidBatches(dataset: Dataset, options: { batchSize: number; seed?: number; epoch?: number }): Batch[] {
  options = checkOptions("nonIidBatches", options);
  if (options.epoch !== undefined) checkInteger("nonIidBatches", "epoch", options.epoch);
  const loader = new DataLoader(dataset, { batchSize: options.batchSize, seed: options.seed, oneClassPerBatch: true });
  return loader.batchIndices(options.epoch ?? 0).map((indices) => loader.batch(indices));
}
