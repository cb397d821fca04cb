/**
 * Exercises implemented, not delegated: an answer that calls the library's own implementation of
 * what the exercise asks (BatchNorm1d in `normalize`, `evaluate` in `evaluateAccuracy`, a
 * numerical gradient in the backward pass, the experiments' reference functions), or reaches for
 * the reference solutions, the checkers, or a way around a static reading (`require`, `eval`,
 * `globalThis`, `constructor`…), gets 0 for that exercise, with a message that says why.
 *
 * This reads the learner's exercise cell as TypeScript tokens (identifiers and string literals;
 * comments do not count): a fast first message. A disguised call (a name built from strings) gets
 * past it; what decides is reach.ts, which collects the exercise again where the library's
 * implementation is absent.
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

export interface Delegation {
  /** The name found (an identifier, or a string literal that spells one). */
  name: string;
  /** For the learner. */
  message: string;
}

/**
 * The first banned name the learner's exercise cell uses, or null: the ways around a static
 * reading, and `forbids`, the library's own implementation of the exercise (its registry entry).
 */
export function findDelegation(exerciseName: string, source: string, forbids: readonly string[]): Delegation | null {
  const banned = new Set([...EVERYWHERE, ...forbids]);
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ true, ts.LanguageVariant.Standard, source);
  const tokens: { kind: ts.SyntaxKind; text: string }[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) tokens.push({ kind, text: scanner.getTokenValue() ?? scanner.getTokenText() });
  // strings that spell the library's version, or a path into it
  const inStrings = [...forbids, "solutions", "child_process", "../src", "/dist/", "/bnlab/"];
  for (let i = 0; i < tokens.length; i++) {
    const { kind, text } = tokens[i];
    const previous = tokens[i - 1]?.kind;
    const next = tokens[i + 1]?.kind;
    const isName = kind === ts.SyntaxKind.Identifier || (kind >= ts.SyntaxKind.FirstKeyword && kind <= ts.SyntaxKind.LastKeyword);
    const afterDot = previous === ts.SyntaxKind.DotToken || previous === ts.SyntaxKind.QuestionDotToken;
    if (isName && banned.has(text)) return found(exerciseName, text, forbids.includes(text));
    if (isName && BARE_ONLY.includes(text) && !afterDot && (next === ts.SyntaxKind.OpenParenToken || next === ts.SyntaxKind.DotToken)) return found(exerciseName, text, false);
    if (kind === ts.SyntaxKind.StringLiteral || kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral || kind === ts.SyntaxKind.TemplateHead) {
      for (const name of inStrings) if (text.includes(name)) return found(exerciseName, name, forbids.includes(name));
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

/** An answer that passed with the library and failed where `forbids` (and the checkers' judge code) are absent (reach.ts). */
export function reachedLibrary(exerciseName: string, forbids: readonly string[]): Delegation {
  const names = forbids.length > 0 ? forbids.join(", ") : "checkers' judge code";
  return {
    name: names,
    message: `Your ${exerciseName} passes only where the library's ${names} ${forbids.length > 1 ? "are" : "is"} available; collected again without ${forbids.length > 1 ? "them" : "it"}, it fails. It uses the library's own implementation of what this exercise asks you to write, so it gets 0 points. Write it yourself with Matrix operations.`,
  };
}
