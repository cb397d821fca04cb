/** `npm run execute -- FILES...`: see src/course/jupyter/execute-cli.ts. */
import * as path from "node:path";
import { runExecuteCli } from "../src/course/jupyter/execute-cli";
import { ensureLibraryBuilt } from "../src/course/library/build-library";

// Notebooks load the compiled library (dist/): bring it up to date with src/ first.
ensureLibraryBuilt(path.resolve(__dirname, ".."));

runExecuteCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack ?? err.message : err);
    process.exitCode = 1;
  },
);
