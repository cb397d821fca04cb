import { expect } from "vitest";
import { CheckKind, CheckResult } from "../src/exercises/check-result";
import { MisconceptionId, misconception } from "../src/exercises/misconceptions";

/** The result names exactly this mistake (or this combination, in order) and says so. */
export function expectMisconception(result: CheckResult, ...ids: MisconceptionId[]): void {
  expect(result.ok, result.message).toBe(false);
  expect(result.kind, result.message).toBe("misconception");
  expect(result.misconception).toBe(ids[0]);
  if (ids.length > 1) expect(result.misconceptions).toEqual(ids);
  else expect(result.misconceptions).toBeUndefined();
  expect(result.points).toBe(0);
  expect(result.message.length).toBeGreaterThan(20);
}

/** The result names this mistake with the catalogue's explanation (the default wording). */
export function expectCatalogueMessage(result: CheckResult, id: MisconceptionId): void {
  expectMisconception(result, id);
  expect(result.message).toBe(misconception(id).explanation);
}

export function expectKind(result: CheckResult, kind: CheckKind): void {
  expect(result.kind, `${result.message}\n${result.details ?? ""}`).toBe(kind);
  expect(result.ok).toBe(kind === "pass");
}

export function expectPass(result: CheckResult): void {
  expectKind(result, "pass");
  expect(result.points).toBe(1);
}

export const stub = (name: string, exercise: string) => (): never => {
  throw new Error(`TODO: implement ${name} — see the exercise above (Exercise ${exercise})`);
};
