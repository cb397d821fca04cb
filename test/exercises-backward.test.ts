import { describe, expect, it } from "vitest";
import { drawn } from "../src/exercises/engine";
import { checkers } from "../src/exercises/check";
import { Matrix } from "../src/tensor/matrix";
import { BatchNorm1d } from "../src/nn/batchnorm";
import { batchNormBackwardSpec } from "../src/exercises/checkers/batchnorm-backward";
import { RIGHT, normalizeVariant } from "../src/exercises/variants";
import { solutions } from "./helpers/solutions";
const { batchNormBackward } = solutions;
import { numericalGradient, relativeError } from "../src/check/gradcheck";
import { expectCatalogueMessage, expectKind, expectMisconception, expectPass, stub } from "./exercises-helpers";

/** ∂(Σ dy·y)/∂x, ∂/∂γ, ∂/∂β by central differences of the forward pass, to check the reference with. */
function numericalBackward(input: { x: Matrix; gamma: Matrix; eps: number; dy: Matrix }): { dx: Matrix; dgamma: Matrix; dbeta: Matrix } {
  const x = input.x.clone();
  const gamma = input.gamma.clone();
  const beta = Matrix.zeros(1, x.cols);
  const loss = () => normalizeVariant(x, input.eps, RIGHT).mul(gamma).add(beta).mul(input.dy).sum();
  return { dx: numericalGradient(loss, x), dgamma: numericalGradient(loss, gamma), dbeta: numericalGradient(loss, beta) };
}

/** The pieces a learner's backward computes, and a way to assemble dx from chosen terms. */
function parts(dy: Matrix, x: Matrix, gamma: Matrix, eps: number) {
  const n = x.rows;
  const mu = x.meanRows();
  const invStd = x.sub(mu).map((d) => d * d).meanRows().map((v) => 1 / Math.sqrt(v + eps));
  const xhat = x.sub(mu).mul(invStd);
  const dxhat = dy.mul(gamma);
  return {
    n,
    invStd,
    xhat,
    dxhat,
    muTerm: dxhat.sumRows().scale(1 / n),
    varTerm: xhat.mul(dxhat.mul(xhat).sumRows().scale(1 / n)),
  };
}

type Backward = Parameters<typeof checkers.batchNormBackward>[0];

const constants: Backward = (dy, x, gamma, eps) => {
  const p = parts(dy, x, gamma, eps);
  return { dx: p.dxhat.mul(p.invStd), dgamma: dy.mul(p.xhat).sumRows(), dbeta: dy.sumRows() };
};
const noMuTerm: Backward = (dy, x, gamma, eps) => {
  const p = parts(dy, x, gamma, eps);
  return { dx: p.dxhat.sub(p.varTerm).mul(p.invStd), dgamma: dy.mul(p.xhat).sumRows(), dbeta: dy.sumRows() };
};
const noVarTerm: Backward = (dy, x, gamma, eps) => {
  const p = parts(dy, x, gamma, eps);
  return { dx: p.dxhat.sub(p.muTerm).mul(p.invStd), dgamma: dy.mul(p.xhat).sumRows(), dbeta: dy.sumRows() };
};
const paramsPerExample: Backward = (dy, x, gamma, eps) => {
  const right = batchNormBackward(dy, x, gamma, eps);
  const p = parts(dy, x, gamma, eps);
  return { dx: right.dx, dgamma: dy.mul(p.xhat).sumCols(), dbeta: dy.sumCols() };
};

describe("checkers.batchNormBackward", () => {
  it("its ground truth (a numerical gradient) agrees with BatchNorm1d.backward to 1e-7", () => {
    for (const c of drawn(batchNormBackwardSpec).cases) {
      const { dy, x, gamma, eps } = c.input;
      const bn = new BatchNorm1d(x.cols, { eps });
      bn.gamma.copyFrom(gamma);
      bn.forward(x);
      const dx = bn.backward(dy);
      const numerical = numericalBackward(c.input);
      expect(relativeError(dx, numerical.dx)).toBeLessThan(1e-7);
      expect(relativeError(bn.weight.grad, numerical.dgamma)).toBeLessThan(1e-7);
      expect(relativeError(bn.bias.grad, numerical.dbeta)).toBeLessThan(1e-7);
      // the checker's reference is the analytic gradient: it agrees with the numerical one
      const analytic = batchNormBackwardSpec.reference(c.input);
      for (const k of ["dx", "dgamma", "dbeta"] as const) expect(relativeError(analytic[k], numerical[k]), k).toBeLessThan(1e-7);
    }
  });

  it("passes the reference solution, verified against the numerical gradient", () => {
    const r = checkers.batchNormBackward(batchNormBackward);
    expectPass(r);
    expect(r.message).toContain("numerical gradient");
  });

  it("names a backward pass that treats μ and σ² as constants", () => {
    expectCatalogueMessage(checkers.batchNormBackward(constants), "backward-constant-stats");
  });

  it("names a backward pass that omits only the μ term or only the σ² term", () => {
    expectCatalogueMessage(checkers.batchNormBackward(noMuTerm), "backward-missing-mean-term");
    expectCatalogueMessage(checkers.batchNormBackward(noVarTerm), "backward-missing-variance-term");
  });

  it("names dγ and dβ summed over the wrong axis, with a backward-specific message", () => {
    const r = checkers.batchNormBackward(paramsPerExample);
    expectMisconception(r, "wrong-axis");
    expect(r.message).toContain("dγ and dβ are summed over the features");
  });

  it("names a combination", () => {
    const both: Backward = (dy, x, g, eps) => ({ ...constants(dy, x, g, eps), ...pick(paramsPerExample(dy, x, g, eps)) });
    expectMisconception(checkers.batchNormBackward(both), "backward-constant-stats", "wrong-axis");
  });

  it("names dx without γ", () => {
    const r = checkers.batchNormBackward((dy, x, gamma, eps) => {
      const right = batchNormBackward(dy, x, Matrix.ones(1, gamma.cols), eps);
      return { ...right, dgamma: batchNormBackward(dy, x, gamma, eps).dgamma };
    });
    expectMisconception(r, "backward-missing-gamma");
    expect(r.details).toContain("dy = ");
  });

  it("handles the stub, missing keys, NaN and mutation", () => {
    expectKind(checkers.batchNormBackward(stub("batchNormBackward", "1.4")), "not-implemented");
    const missing = checkers.batchNormBackward(((dy: Matrix) => ({ dx: dy, dgamma: dy })) as never);
    expectKind(missing, "wrong-type");
    expect(missing.message).toContain('no "dbeta"');
    const nan = checkers.batchNormBackward((dy, x, g, eps) => ({ ...batchNormBackward(dy, x, g, eps), dx: dy.map(() => NaN) }));
    expectKind(nan, "nan");
    const mutates = checkers.batchNormBackward((dy, x, g, eps) => {
      const r = batchNormBackward(dy, x, g, eps);
      dy.fill(0);
      return r;
    });
    expectKind(mutates, "misconception");
    expect(mutates.misconception).toBe("mutates-input");
    expect(mutates.message).toContain("dy");
  });
});

function pick(g: { dgamma: Matrix; dbeta: Matrix }) {
  return { dgamma: g.dgamma, dbeta: g.dbeta };
}
