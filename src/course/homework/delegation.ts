/**
 * Exercises implemented, not delegated: an answer that calls the library's own implementation of
 * what the exercise asks (BatchNorm1d in `normalize`, `evaluate` in `evaluateAccuracy`, a
 * numerical gradient in the backward pass, the experiments' reference functions), or reaches for
 * the reference solutions, the checkers, or a way around a static reading (`require`, `eval`,
 * `globalThis`, `constructor`…), gets 0 for that exercise, with a message that says why.
 *
 * This reads the learner's exercise cell as TypeScript tokens (identifiers and string literals;
 * comments do not count). It is a static check, so a determined learner can disguise a call;
 * it is the first of two walls: the reference solutions are not in the sandbox at all, and every
 * verdict compares the learner's numbers with the grader's.
 */
import ts from "typescript";

/** Ways around a static reading, and the grader's own machinery: banned in every exercise. */
const EVERYWHERE = [
  "require",
  "globalThis",
  "global",
  "process",
  "module",
  "Reflect",
  "Function",
  "constructor",
  "__proto__",
  "prototype",
  "solutions",
  "checkers",
  "collectors",
  "judges",
  "assertPasses",
  "tslab",
  "backend",
  "jsBackend",
  "useBackend",
  "normalizing",
  "gammaBeta",
  "runningAverages",
  "evalMode",
  "smallBatches",
  "capstone",
];
/** Banned only where not a property name (`model.eval()` is fine, `eval(…)` is not). */
const BARE_ONLY = ["eval", "import"];

const NORM_LAYERS = ["BatchNorm1d", "BatchRenorm1d", "LayerNorm", "GroupNorm", "mlp"];

/** What each exercise (by the function the learner writes) may not call: the library's own version of it. */
const BY_EXERCISE: Record<string, string[]> = {
  batchStats: NORM_LAYERS,
  normalize: NORM_LAYERS,
  normalizeBackward: [...NORM_LAYERS, "numericalGradient", "gradcheck", "gradcheckModule"],
  batchNormBackward: [...NORM_LAYERS, "numericalGradient", "gradcheck", "gradcheckModule"],
  batchNormForward: NORM_LAYERS,
  recoverIdentity: NORM_LAYERS,
  updateRunningStats: NORM_LAYERS,
  newBatchWeight: NORM_LAYERS,
  forwardWithMode: NORM_LAYERS,
  guardBatch: NORM_LAYERS,
  batchMeanStd: [],
  evaluateAccuracy: ["evaluate"],
  testAccuracy: ["evaluate"],
  stepsToTarget: [],
  buildBnNet: ["mlp"],
};

export interface Delegation {
  /** The name found (an identifier, or a string literal that spells one). */
  name: string;
  /** For the learner. */
  message: string;
}

/** The first banned name the learner's exercise cell uses, or null. */
export function findDelegation(exerciseName: string, source: string): Delegation | null {
  const own = Object.prototype.hasOwnProperty.call(BY_EXERCISE, exerciseName) ? BY_EXERCISE[exerciseName] : NORM_LAYERS;
  const banned = new Set([...EVERYWHERE, ...own]);
  const bareOnly = new Set(BARE_ONLY);
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ true, ts.LanguageVariant.Standard, source);
  const tokens: { kind: ts.SyntaxKind; text: string }[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) tokens.push({ kind, text: scanner.getTokenValue() ?? scanner.getTokenText() });
  // strings that spell the library's version, or a path into it
  const inStrings = [...own, "solutions", "child_process", "../src", "/dist/", "/bnlab/"];
  for (let i = 0; i < tokens.length; i++) {
    const { kind, text } = tokens[i];
    const previous = tokens[i - 1]?.kind;
    const next = tokens[i + 1]?.kind;
    const isName = kind === ts.SyntaxKind.Identifier || (kind >= ts.SyntaxKind.FirstKeyword && kind <= ts.SyntaxKind.LastKeyword);
    const afterDot = previous === ts.SyntaxKind.DotToken || previous === ts.SyntaxKind.QuestionDotToken;
    if (isName && banned.has(text)) return found(exerciseName, text, own.includes(text));
    if (isName && bareOnly.has(text) && !afterDot && (next === ts.SyntaxKind.OpenParenToken || next === ts.SyntaxKind.DotToken)) return found(exerciseName, text, false);
    if (kind === ts.SyntaxKind.StringLiteral || kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral || kind === ts.SyntaxKind.TemplateHead) {
      for (const name of inStrings) if (text.includes(name)) return found(exerciseName, name, own.includes(name));
    }
  }
  return null;
}

function found(exerciseName: string, name: string, libraryVersion: boolean): Delegation {
  const message = libraryVersion
    ? `Your ${exerciseName} uses ${name}, the library's own implementation of what this exercise asks you to write, so it gets 0 points. Write it yourself with Matrix operations.`
    : `Your ${exerciseName} uses ${name}, which an exercise answer may not use (it reaches outside your own code: the library's internals, the reference solutions, the checkers, or the runtime), so it gets 0 points.`;
  return { name, message };
}
