/**
 * The collect/judge protocol (src/exercises/protocol.ts): collected data is JSON, a judge is a pure
 * function of it that recomputes the expected values itself, and forged or malformed data gives a
 * result (never an exception, never a pass).
 */
import { describe, expect, it } from "vitest";
import { Matrix } from "../src/tensor/matrix";
import {
  PROTOCOL,
  check,
  checkers,
  collectors,
  judgeFor,
  judges,
  withTimeLimit,
  TimedOut,
} from "../src/exercises";
import { EXERCISE_IDS } from "../src/exercises/registry";
import { solutions } from "./helpers/solutions";
import { stub } from "./exercises-helpers";

const roundTrip = (data: unknown) => JSON.parse(JSON.stringify(data)) as unknown;

describe("the protocol", () => {
  it("has a collector and a judge for every checker, the capstone's included", () => {
    expect(Object.keys(checkers)).toEqual(EXERCISE_IDS);
    expect(EXERCISE_IDS).toContain("stepsToTarget");
    expect(EXERCISE_IDS).toContain("bnNet");
    for (const id of EXERCISE_IDS) {
      expect(typeof collectors[id]).toBe("function");
      expect(typeof judges[id]).toBe("function");
      expect(Object.keys(check)).toContain(id);
    }
  });

  it("passes every reference solution through JSON, and recognises every stub", { timeout: 120_000 }, () => {
    for (const id of EXERCISE_IDS) {
      const data = collectors[id](solutions[id]);
      expect(data.protocol).toBe(PROTOCOL);
      const text = JSON.stringify(data);
      expect(JSON.parse(text)).toEqual(data); // plain JSON: nothing lost
      const result = judges[id](JSON.parse(text));
      expect(result.ok, `${id}: ${result.message}\n${result.details ?? ""}`).toBe(true);
      expect(judges[id](roundTrip(collectors[id](stub(id, "9.9")))).kind, id).toBe("not-implemented");
    }
  });

  it("gives the same result as the pure checker, through JSON, for wrong answers too", () => {
    const unbiased = (x: Matrix) => {
      const mu = x.meanRows();
      return { mu, variance: x.sub(mu).map((d) => d * d).sumRows().scale(1 / (x.rows - 1)) };
    };
    const direct = checkers.batchStats(unbiased);
    const viaJson = judges.batchStats(roundTrip(collectors.batchStats(unbiased)));
    expect(viaJson).toEqual(direct);
    expect(viaJson.misconception).toBe("unbiased-variance");
    const nan = (x: Matrix) => ({ mu: x.meanRows(), variance: x.meanRows().map(() => NaN) });
    expect(judges.batchStats(roundTrip(collectors.batchStats(nan))).kind).toBe("nan");
  });

  it("records what the learner's code did, not only its result", () => {
    const data = collectors.evaluateAccuracy(solutions.evaluateAccuracy);
    const values = data.cases[0].values;
    expect(Object.keys(values).sort()).toEqual(["buffersChanged", "result", "trainingAfter"]);
    const mutating = collectors.normalize((x: Matrix, eps: number) => {
      const y = solutions.normalize(x, eps);
      x.fill(0);
      return y;
    });
    expect(mutating.cases[0].mutated).toEqual(["x"]);
    const threw = collectors.normalize(() => {
      throw new RangeError("boom");
    });
    expect(threw.cases[0].failure).toMatchObject({ kind: "threw", name: "RangeError", stub: false });
    expect(collectors.normalize(42).notFunction).toBe("number");
  });
});

describe("a judge on untrusted data", () => {
  const good = () => roundTrip(collectors.batchStats(solutions.batchStats)) as { cases: Array<{ values: Record<string, unknown> }> };
  const forged: Array<[string, () => unknown]> = [
    ["null", () => null],
    ["a string", () => "BNLAB"],
    ["an empty object", () => ({})],
    ["another protocol", () => ({ ...good(), protocol: "bnlab-check/0" })],
    ["another exercise", () => ({ ...good(), exercise: "normalize" })],
    ["no cases", () => ({ ...good(), cases: [] })],
    ["too many cases", () => ({ ...good(), cases: [...good().cases, ...good().cases] })],
    ["a case that is null", () => ({ ...good(), cases: [null, null, null] })],
    ["cases missing", () => ({ ...good(), cases: good().cases.slice(0, 1) })],
    ["no probes", () => ({ ...good(), probes: undefined })],
    ["probes missing", () => ({ ...good(), probes: (good() as unknown as { probes: unknown[] }).probes.slice(0, 2) })],
    ["too many probes", () => ({ ...good(), probes: [...(good() as unknown as { probes: unknown[] }).probes, ...good().cases] })],
    ["a probe that is null", () => ({ ...good(), probes: [null] })],
    [
      "a matrix whose shape lies",
      () => {
        const g = good();
        g.cases[0].values.result = { t: "object", entries: [["mu", { t: "matrix", shape: [1e9, 1e9], values: [1] }]] };
        return g;
      },
    ],
    [
      "a number that is not one",
      () => {
        const g = good();
        g.cases[0].values.result = { t: "object", entries: [["mu", { t: "matrix", shape: [1, 1], values: [{}] }]] };
        return g;
      },
    ],
    [
      "keys from Object.prototype",
      () => {
        const g = good();
        g.cases[0].values = JSON.parse('{"__proto__": {"t": "null"}, "constructor": {"t": "number", "v": 1}}');
        return g;
      },
    ],
    [
      "a result object with prototype keys",
      () => {
        const g = good();
        g.cases[0].values.result = { t: "object", entries: [["__proto__", { t: "null" }], ["constructor", { t: "null" }], ["toString", { t: "null" }]] };
        return g;
      },
    ],
    ["an unknown tag", () => ({ ...good(), cases: [{ values: { result: { t: "function" } }, mutated: [], failure: null }] })],
    ["a failure of an unknown kind", () => ({ ...good(), cases: [{ values: {}, mutated: [], failure: { kind: "pass" } }] })],
    ["deep nesting", () => {
      let v: unknown = { t: "null" };
      for (let i = 0; i < 5000; i++) v = { t: "array", items: [v] };
      const g = good();
      g.cases[0].values.result = v;
      return g;
    }],
  ];

  for (const [name, make] of forged) {
    it(`never throws and never passes: ${name}`, () => {
      const data = make();
      const result = judges.batchStats(data);
      expect(result.ok).toBe(false);
      expect(result.exercise).toBe("batchStats");
      expect(result.points).toBe(0);
    });
  }

  it("picks judges by own keys only", () => {
    for (const id of ["constructor", "__proto__", "toString", "hasOwnProperty", ""]) {
      expect(judgeFor(id)).toBeUndefined();
    }
  });

  it("ignores a forged misconception id and a forged pass", () => {
    const g = good() as unknown as Record<string, unknown>;
    const forgedResult = { ...g, ok: true, kind: "pass", misconception: "constructor" };
    expect(judges.batchStats(forgedResult).ok).toBe(true); // extra fields are ignored: the cases decide
    const wrong = roundTrip(collectors.batchStats((x: Matrix) => ({ mu: x.meanCols(), variance: x.meanCols() }))) as Record<string, unknown>;
    const r = judges.batchStats({ ...wrong, ok: true, kind: "pass", misconception: "constructor" });
    expect(r.ok).toBe(false);
  });
});

describe("the influence probes", () => {
  it("reject an answer that is right on every case and wrong on a probe input", () => {
    let calls = 0;
    const rightThenWrong = (x: Matrix) => {
      calls += 1;
      const mu = x.meanRows();
      const variance = x.sub(mu).map((d) => d * d).meanRows();
      return { mu: calls > 5 ? mu.scale(2) : mu, variance };
    };
    const result = checkers.batchStats(rightThenWrong);
    expect(result.ok).toBe(false);
    expect(result.kind).toBe("counterexample");
    expect(result.message).toContain("2 times as far as the right μ");
  });

  it("are judged from the collected data alone, with the same sentence as the pure checker", () => {
    const skipsFirst = (x: Matrix, eps: number) => {
      const rest = x.selectRows(Array.from({ length: x.rows - 1 }, (_, i) => i + 1));
      const mu = rest.meanRows();
      return x.sub(mu).div(rest.sub(mu).map((d) => d * d).meanRows().map((v) => Math.sqrt(v + eps)));
    };
    const direct = checkers.normalize(skipsFirst);
    expect(direct.message).toContain("example 0 is never counted");
    expect(judges.normalize(roundTrip(collectors.normalize(skipsFirst)))).toEqual(direct);
  });

  it("leave a named mistake its name", () => {
    const unbiased = (x: Matrix) => {
      const mu = x.meanRows();
      return { mu, variance: x.sub(mu).map((d) => d * d).sumRows().scale(1 / (x.rows - 1)) };
    };
    expect(checkers.batchStats(unbiased).misconception).toBe("unbiased-variance");
  });
});

describe("the time limit", () => {
  it("interrupts a synchronous infinite loop in a function defined elsewhere", () => {
    let i = 0;
    const spin = (): number => {
      for (;;) {
        try {
          i++;
        } catch {
          // an infinite loop that catches everything still stops
        }
      }
    };
    expect(() => withTimeLimit(spin, 0.2)).toThrow(TimedOut);
    expect(i).toBeGreaterThan(0); // the loop ran until it was stopped
    expect(withTimeLimit(() => 42, 0.2)).toBe(42);
  });

  it("reports an infinite loop in an exercise as a time-out, and the next check still works", { timeout: 60_000 }, () => {
    const r = checkers.batchMeanStd(() => {
      for (;;) {
        // never returns
      }
    });
    expect(r.kind).toBe("timeout");
    expect(r.misconception).toBe("infinite-loop");
    expect(r.message).toMatch(/did not return within \d+ s — an infinite loop\?/);
    expect(checkers.batchMeanStd(solutions.batchMeanStd).ok).toBe(true);
  });
});
