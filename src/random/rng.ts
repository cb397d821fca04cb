import seedrandom from "seedrandom";
import { checkArrayLike, checkInteger, checkNumber, describe } from "../validate/checks";

/**
 * A seeded random number generator. Everything random in bnlab goes through
 * one of these, so the same seed gives the same numbers, charts and accuracies
 * on every run. (Nothing in the library calls Math.random.)
 */
export class Rng {
  readonly seed: string;
  private readonly next: () => number;
  private spareNormal: number | null = null;

  constructor(seed: number | string = 0) {
    if (!(typeof seed === "string" || (typeof seed === "number" && Number.isFinite(seed)))) {
      throw new TypeError(`Rng: seed must be a finite number or a string, got ${describe(seed)}`);
    }
    this.seed = String(seed);
    this.next = seedrandom(this.seed);
  }

  /** Uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    if (typeof low !== "number" || typeof high !== "number" || !Number.isFinite(low) || !Number.isFinite(high)) {
      checkNumber("Rng.uniform", "low", low);
      checkNumber("Rng.uniform", "high", high);
    }
    return low + (high - low) * this.next();
  }

  /** Integer uniform in [low, high). */
  int(low: number, high: number): number {
    checkInteger("Rng.int", "low", low, { min: -Number.MAX_SAFE_INTEGER });
    checkInteger("Rng.int", "high", high, { min: -Number.MAX_SAFE_INTEGER });
    if (!(high > low)) throw new RangeError(`Rng.int: high (${high}) must be greater than low (${low})`);
    return low + Math.floor(this.next() * (high - low));
  }

  /** Normal with the given mean and standard deviation (Box–Muller). */
  normal(mean = 0, std = 1): number {
    if (typeof mean !== "number" || typeof std !== "number" || !Number.isFinite(mean) || !(std >= 0 && std < Infinity)) {
      checkNumber("Rng.normal", "mean", mean);
      checkNumber("Rng.normal", "std", std, { min: 0 });
    }
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** A Float64Array of n normal samples. */
  normalArray(n: number, mean = 0, std = 1): Float64Array {
    checkInteger("Rng.normalArray", "n", n);
    checkNumber("Rng.normalArray", "mean", mean);
    checkNumber("Rng.normalArray", "std", std, { min: 0 });
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** Shuffle in place (Fisher–Yates) and return the same array. */
  shuffle<T>(items: T[]): T[] {
    if (!Array.isArray(items)) checkArrayLike("Rng.shuffle", "items", items);
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** 0..n-1 in a random order. */
  permutation(n: number): number[] {
    checkInteger("Rng.permutation", "n", n);
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** k distinct indices from 0..n-1 (without replacement). */
  sample(n: number, k: number): number[] {
    checkInteger("Rng.sample", "n", n);
    checkInteger("Rng.sample", "k", k);
    if (k > n) throw new RangeError(`Rng.sample: cannot draw ${k} distinct items from ${n}`);
    return this.permutation(n).slice(0, k);
  }

  /** One item of the array, uniformly. */
  choice<T>(items: readonly T[]): T {
    checkArrayLike("Rng.choice", "items", items);
    if (items.length === 0) throw new RangeError("Rng.choice: the array is empty");
    return items[this.int(0, items.length)];
  }

  /** A new generator derived from this one (for independent streams). */
  fork(label: string): Rng {
    if (typeof label !== "string") throw new TypeError(`Rng.fork: label must be a string, got ${describe(label)}`);
    return new Rng(`${this.seed}/${label}`);
  }
}
