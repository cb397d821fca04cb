import { checkers } from "../src/exercises/check";
import { describe, expect, it } from "vitest";
import { Matrix } from "../src/tensor/matrix";
import {
} from "../src/exercises";
import { solutions } from "./helpers/solutions";
const { batchNormForward, batchStats, normalize, recoverIdentity } = solutions;
import { expectCatalogueMessage, expectKind, expectMisconception, expectPass, stub } from "./exercises-helpers";

const sq = (d: number) => d * d;

// Wrong solutions, written the way a learner would write them.
const statsPerExample = (x: Matrix) => {
  const mu = x.meanCols();
  return { mu, variance: x.sub(mu).map(sq).meanCols() };
};
const statsUnbiased = (x: Matrix) => {
  const mu = x.meanRows();
  return { mu, variance: x.sub(mu).map(sq).sumRows().scale(1 / (x.rows - 1)) };
};
const statsPerExampleUnbiased = (x: Matrix) => {
  const mu = x.meanCols();
  return { mu, variance: x.sub(mu).map(sq).sumCols().scale(1 / (x.cols - 1)) };
};

function normalizeWith(x: Matrix, eps: number, stats: (x: Matrix) => { mu: Matrix; variance: Matrix }, denom: (v: number, eps: number) => number) {
  const { mu, variance } = stats(x);
  return x.sub(mu).div(variance.map((v) => denom(v, eps)));
}
const inside = (v: number, eps: number) => Math.sqrt(v + eps);
const noEps = (v: number) => Math.sqrt(v);
const outside = (v: number, eps: number) => Math.sqrt(v) + eps;

describe("checkers.batchStats", () => {
  it("passes the reference solution and an E[x²] − E[x]² variant", () => {
    expectPass(checkers.batchStats(batchStats));
    expectPass(
      checkers.batchStats((x) => {
        const mu = x.meanRows();
        return { mu, variance: x.map(sq).meanRows().sub(mu.map(sq)) };
      }),
    );
  });

  it("names statistics over the wrong axis", () => {
    const r = checkers.batchStats(statsPerExample);
    expectCatalogueMessage(r, "wrong-axis");
    expect(r.details).toContain("expected μ = [1×3]");
  });

  it("names the unbiased variance, with the course's wording", () => {
    const r = checkers.batchStats(statsUnbiased);
    expectCatalogueMessage(r, "unbiased-variance");
    expect(r.message).toBe(
      "Your variance divides by N−1 (the unbiased estimate): batch norm normalizes with the biased variance, dividing by N.",
    );
  });

  it("names both mistakes at once", () => {
    const r = checkers.batchStats(statsPerExampleUnbiased);
    expectMisconception(r, "wrong-axis", "unbiased-variance");
    expect(r.message).toContain("2 mistakes at once");
  });

  it("names a standard deviation returned as the variance", () => {
    expectMisconception(
      checkers.batchStats((x) => ({ mu: x.meanRows(), variance: batchStats(x).variance.map(Math.sqrt) })),
      "variance-std-confusion",
    );
  });

  it("gives a counterexample for an unknown mistake", () => {
    const r = checkers.batchStats((x) => ({ mu: x.meanRows(), variance: x.sub(x.meanRows()).map(Math.abs).meanRows() }));
    expectKind(r, "counterexample");
    expect(r.details).toMatch(/On a 5×3 batch/);
    expect(r.details).toMatch(/x = \[5×3\]/);
    expect(r.details).toMatch(/expected σ² = /);
    expect(r.details).toMatch(/your σ²/);
    expect(r.details).toMatch(/largest difference at \(0, \d\)/);
  });

  it("names a wrong layout (a column instead of a row) and says the values are right", () => {
    const r = checkers.batchStats((x) => ({ mu: x.meanRows().transpose(), variance: batchStats(x).variance }));
    expectMisconception(r, "transposed-output");
    expect(r.message).toContain("right values laid out transposed");
  });

  it("reports NaN outputs", () => {
    const r = checkers.batchStats((x) => ({ mu: x.meanRows(), variance: batchStats(x).variance.map(() => 0 / 0) }));
    expectKind(r, "nan");
    expect(r.message).toContain("contains NaN");
  });

  it("says what came back instead of the expected object", () => {
    const named = checkers.batchStats(((x: Matrix) => ({ mean: x.meanRows(), var: x.meanRows() })) as never);
    expectKind(named, "wrong-type");
    expect(named.message).toContain('no "mu" (it has mean, var)');
    const arrays = checkers.batchStats(((x: Matrix) => ({ mu: x.meanRows().rowArray(0), variance: x.meanRows() })) as never);
    expectKind(arrays, "wrong-type");
    expect(arrays.message).toContain("got an array. Wrap it with Matrix.fromArray");
    const nothing = checkers.batchStats((() => undefined) as never);
    expect(nothing.message).toContain("undefined (did you forget to return?)");
    expectKind(checkers.batchStats("batchStats" as never), "wrong-type");
  });

  it("recognises the stub, shows other errors, and survives non-Error throws", () => {
    const todo = checkers.batchStats(stub("batchStats", "1.1"));
    expectKind(todo, "not-implemented");
    expect(todo.message).toMatch(/^Not implemented yet/);
    const boom = checkers.batchStats(() => {
      throw new RangeError("index out of range");
    });
    expectKind(boom, "error");
    expect(boom.message).toContain("RangeError: index out of range");
    expect(boom.details).toContain("x = [5×3]");
    const thrownString = checkers.batchStats(() => {
      throw "oops";
    });
    expectKind(thrownString, "error");
    expect(thrownString.message).toContain("string thrown: oops");
  });

  it("detects an input modified in place", () => {
    const r = checkers.batchStats((x) => {
      const mu = x.meanRows();
      x.addInPlace(Matrix.zeros(x.rows, x.cols).add(mu), -1); // x −= μ, in place
      return { mu, variance: x.map(sq).meanRows() };
    });
    expectKind(r, "misconception");
    expect(r.message).toContain("modified its input x in place");
  });
});

describe("checkers.normalize", () => {
  it("passes the reference solution", () => expectPass(checkers.normalize(normalize)));

  it("names each single mistake", () => {
    expectCatalogueMessage(checkers.normalize((x, eps) => normalizeWith(x, eps, statsPerExample, inside)), "wrong-axis");
    expectCatalogueMessage(checkers.normalize((x, eps) => normalizeWith(x, eps, statsUnbiased, inside)), "unbiased-variance");
    expectCatalogueMessage(checkers.normalize((x, eps) => normalizeWith(x, eps, batchStats, noEps)), "eps-forgotten");
    expectCatalogueMessage(checkers.normalize((x, eps) => normalizeWith(x, eps, batchStats, outside)), "eps-outside-sqrt");
  });

  it("names combinations", () => {
    expectMisconception(checkers.normalize((x, eps) => normalizeWith(x, eps, statsUnbiased, outside)), "unbiased-variance", "eps-outside-sqrt");
    expectMisconception(checkers.normalize((x, eps) => normalizeWith(x, eps, statsPerExampleUnbiased, noEps)), "wrong-axis", "unbiased-variance", "eps-forgotten");
  });

  it("names eps hard-coded instead of the argument", () => {
    const r = checkers.normalize((x) => normalizeWith(x, 1e-5, batchStats, inside));
    expectMisconception(r, "ignores-argument");
    expect(r.message).toContain("instead of the eps argument");
  });

  it("adds the wrong-axis hint to a shape error", () => {
    const r = checkers.normalize((x) => x.sub(x.meanCols().transpose()));
    expectKind(r, "error");
    expect(r.message).toContain("ShapeError");
    expect(r.message).toContain("per-feature μ and σ² are 1×D rows");
  });

  it("detects in-place normalization", () => {
    const r = checkers.normalize((x, eps) => {
      const y = normalize(x, eps);
      x.copyFrom(y);
      return x;
    });
    expectKind(r, "misconception");
  });
});

describe("checkers.batchNormForward", () => {
  const xhat = normalize;
  it("passes the reference solution", () => expectPass(checkers.batchNormForward(batchNormForward)));

  it("names γ and β swapped, applied before normalizing, or missing", () => {
    expectCatalogueMessage(checkers.batchNormForward((x, g, b, eps) => xhat(x, eps).mul(b).add(g)), "gamma-beta-swapped");
    expectCatalogueMessage(checkers.batchNormForward((x, g, b, eps) => xhat(x.mul(g).add(b), eps)), "affine-before-normalize");
    expectCatalogueMessage(checkers.batchNormForward((x, _g, _b, eps) => xhat(x, eps)), "affine-missing");
  });

  it("names the normalization mistakes underneath", () => {
    expectCatalogueMessage(checkers.batchNormForward((x, g, b, eps) => normalizeWith(x, eps, batchStats, outside).mul(g).add(b)), "eps-outside-sqrt");
    expectCatalogueMessage(checkers.batchNormForward((x, g, b, eps) => normalizeWith(x, eps, statsUnbiased, inside).mul(g).add(b)), "unbiased-variance");
    expectMisconception(
      checkers.batchNormForward((x, g, b, eps) => normalizeWith(x, eps, statsPerExample, inside).mul(b).add(g)),
      "wrong-axis",
      "gamma-beta-swapped",
    );
  });

  it("detects γ modified in place", () => {
    const r = checkers.batchNormForward((x, g, b, eps) => xhat(x, eps).mul(g.scaleInPlace(1.5)).add(b));
    expectKind(r, "misconception");
    expect(r.message).toContain("gamma");
  });
});

describe("checkers.recoverIdentity", () => {
  const stats = (x: Matrix) => batchStats(x);
  it("passes the reference solution", () => expectPass(checkers.recoverIdentity(recoverIdentity)));

  it("names γ = σ (close but not exact) as ε forgotten", () => {
    const r = checkers.recoverIdentity((x) => ({ gamma: stats(x).variance.map(Math.sqrt), beta: stats(x).mu }));
    expectMisconception(r, "eps-forgotten");
    expect(r.message).toContain("close, but not exact");
  });

  it("names the variance used as γ, γ/β swapped, σ + ε and the unbiased variance", () => {
    expectMisconception(checkers.recoverIdentity((x) => ({ gamma: stats(x).variance, beta: stats(x).mu })), "variance-std-confusion");
    expectMisconception(
      checkers.recoverIdentity((x, eps) => ({ gamma: stats(x).mu, beta: stats(x).variance.map((v) => Math.sqrt(v + eps)) })),
      "gamma-beta-swapped",
    );
    expectCatalogueMessage(
      checkers.recoverIdentity((x, eps) => ({ gamma: stats(x).variance.map((v) => Math.sqrt(v) + eps), beta: stats(x).mu })),
      "eps-outside-sqrt",
    );
    expectCatalogueMessage(
      checkers.recoverIdentity((x, eps) => ({ gamma: statsUnbiased(x).variance.map((v) => Math.sqrt(v + eps)), beta: stats(x).mu })),
      "unbiased-variance",
    );
  });
});
