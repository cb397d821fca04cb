/** `npm run execute -- FILES...`: see src/course/kernel/execute-cli.ts. */
import { runExecuteCli } from "../src/course/kernel/execute-cli";

runExecuteCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack ?? err.message : err);
    process.exitCode = 1;
  },
);
