/**
 * The course secret: a random string the instructor keeps, outside anything released to learners
 * and outside every grading sandbox. Grading draws each learner's checker inputs from
 * learnerSeed(secret, learner), so no answer can be keyed to inputs known in advance; the learner's
 * kernel is handed only the derived seed, never the secret.
 */
import { createHmac, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Where `npm run grade` keeps the secret unless told `--secret FILE`: the instructor's own config folder. */
export const DEFAULT_SECRET_FILE = path.join(os.homedir(), ".config", "bnlab", "course-secret");

const MIN_LENGTH = 32;

/** The seed of a learner's grading inputs: HMAC-SHA256(secret, learner id), in hex. */
export function learnerSeed(secret: string, learner: string): string {
  if (typeof secret !== "string" || secret.length < MIN_LENGTH) {
    throw new Error(
      `learnerSeed: the course secret must be a string of at least ${MIN_LENGTH} characters (got ${typeof secret === "string" ? `${secret.length}` : typeof secret}). ` +
        `npm run grade makes one at ${DEFAULT_SECRET_FILE} on first use; pass it to gradeBatch as courseSecret.`,
    );
  }
  return createHmac("sha256", secret).update(learner, "utf8").digest("hex");
}

/** The secret in `file`, made there (64 hex characters, readable by you only) when there is none yet. */
export function readCourseSecret(file: string): { secret: string; created: boolean } {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
    return { secret: readCourseSecret(file).secret, created: true };
  }
  return { secret: fs.readFileSync(file, "utf8").trim(), created: false };
}
