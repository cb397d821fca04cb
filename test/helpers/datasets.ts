/** Small classification sets for the tests, and a label count. */
import { Matrix, Rng, type Dataset } from "../../src";

export interface BlobsOptions {
  /** Number of points in all, spread evenly over the blobs (default 300). */
  n?: number;
  /** The number of blobs (centers drawn uniformly in [−5, 5]^dims), or the centers themselves (default 3). */
  centers?: number | number[][];
  /** Standard deviation of every blob (default 1). */
  std?: number;
  seed?: number;
  /** Dimension of the points when centers is a number (default 2). */
  dims?: number;
}

/** Isotropic Gaussian blobs, one class per blob (like scikit-learn's make_blobs), in a shuffled order. */
export function gaussianBlobs({ n = 300, centers = 3, std = 1, seed = 0, dims = 2 }: BlobsOptions = {}): Dataset {
  const rng = new Rng(`gaussian-blobs/${seed}`);
  const points = Array.isArray(centers) ? centers : Array.from({ length: centers }, () => Array.from({ length: dims }, () => rng.uniform(-5, 5)));
  const d = points[0].length;
  const rows = Array.from({ length: n }, (_, i) => {
    const label = i % points.length;
    return [...points[label].map((c) => c + rng.normal(0, std)), label];
  });
  const shuffled = rng.shuffle(rows);
  const x = new Matrix(n, d);
  shuffled.forEach((r, i) => x.data.set(r.slice(0, d), i * d));
  return { x, y: shuffled.map((r) => r[d]), numClasses: points.length, name: `gaussian blobs (${n}, ${points.length} centers)` };
}

/** How many examples of each class: counts[c] for c in 0 … numClasses−1. */
export function classCounts(dataset: Dataset): number[] {
  const counts = new Array<number>(dataset.numClasses).fill(0);
  for (const y of dataset.y) counts[y] += 1;
  return counts;
}
