/**
 * The reference for exercise 6.1 is library code the capstone lesson's demos call
 * (`capstone.stepsToTarget`), so it lives in src/train; the solutions folder (never shipped to a
 * learner or into the grader's sandbox) only names it.
 */
export { stepsToTarget, type EvalHistory } from "../../../src/train/steps-to-target";
