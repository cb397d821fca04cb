import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ensureLibraryBuilt } from "../src/course/library/build-library";

/** Notebook tests run the compiled library (dist/), so compile it once before any test. */
export default function setup(): void {
  // the native backend, rebuilt if backends/native/backend.c changed (test/backend-native.test.ts fails if it cannot be built)
  spawnSync(process.execPath, [path.resolve(__dirname, "..", "scripts", "build-native.mjs"), "--if-stale", "--quiet"], { stdio: "inherit" });
  ensureLibraryBuilt(path.resolve(__dirname, ".."), { quiet: true });
}
