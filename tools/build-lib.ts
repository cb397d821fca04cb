// npm run build:lib — compile the library for the tslab kernel (src → dist), if it changed.
import * as path from "node:path";
import { ensureLibraryBuilt } from "../src/course/library/build-library";

const root = path.resolve(__dirname, "..");
const result = ensureLibraryBuilt(root, { force: process.argv.includes("--force") });
console.log(result.rebuilt ? `library compiled to dist/ in ${(result.durationMs / 1000).toFixed(1)} s` : "library in dist/ is up to date");
