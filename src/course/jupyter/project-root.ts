/**
 * The bnlab project root: three folders above this one (src/course/jupyter), the layout the runner
 * relies on anyway (kernelspec.ts loads ../../../scripts/launcher/kernelspec.cjs).
 */
import { resolve } from "node:path";

export function projectRoot(): string {
  return resolve(__dirname, "..", "..", "..");
}
