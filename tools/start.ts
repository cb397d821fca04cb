/** `npm start`: see src/course/jupyter/start-cli.ts. */
import * as path from "node:path";
import { runStartCli } from "../src/course/jupyter/start-cli";
import { ensureLibraryBuilt } from "../src/course/library/build-library";

// Notebooks load the compiled library (dist/): bring it up to date with src/ first.
ensureLibraryBuilt(path.resolve(__dirname, ".."));

runStartCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
