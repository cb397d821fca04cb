/** `npm start`: see src/course/kernel/start-cli.ts. */
import { runStartCli } from "../src/course/kernel/start-cli";

runStartCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
