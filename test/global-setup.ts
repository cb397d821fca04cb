import * as path from "node:path";
import { ensureLibraryBuilt } from "../src/course/library/build-library";

/** Notebook tests run the compiled library (dist/), so compile it once before any test. */
export default function setup(): void {
  ensureLibraryBuilt(path.resolve(__dirname, ".."), { quiet: true });
}
