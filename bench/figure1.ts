/**
 * `npm run bench:figure1`: the full Ioffe & Szegedy Figure 1 run, timed.
 *
 * The lesson-6 network (784-100-100-100-10 sigmoid, N(0, 0.05²) weights, plain
 * SGD lr 1, batch 60) trained for the paper's 50,000 steps on the MNIST train
 * split of loadMnist (8,000 digits, seed 0), once with BN and once without, with
 * the test set (2,000 digits) evaluated every 1,000 steps and the last hidden
 * layer's sigmoid input recorded every 10 steps, as figure1Run does in the lesson.
 * Prints each run's wall time and final test accuracy, and the peak RSS.
 *
 *   npm run bench:figure1                    both runs, 50,000 steps each
 *   npm run bench:figure1 -- --steps 5000 --eval-every 500 --json
 */
import { figure1Run, FIGURE1 } from "../src/experiments/capstone";
import { backend } from "../src/tensor/backend";

const argv = process.argv.slice(2);
const arg = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const steps = arg("--steps", FIGURE1.fullSteps);
const evalEvery = arg("--eval-every", 1000);

console.log(`Figure 1: ${FIGURE1.sizes.join("-")} sigmoid, lr ${FIGURE1.lr}, batch ${FIGURE1.batchSize}, ${steps} steps, backend "${backend().name}"`);
const result: Record<string, unknown> = { steps };
let total = 0;
for (const batchNorm of [true, false]) {
  const key = batchNorm ? "bn" : "plain";
  const start = performance.now();
  const { history } = figure1Run({ batchNorm, steps, evalEvery });
  const seconds = (performance.now() - start) / 1000;
  total += seconds;
  const accuracy = history.eval.testAccuracy[history.eval.testAccuracy.length - 1];
  console.log(`${batchNorm ? "with BN   " : "without BN"}  ${seconds.toFixed(1)} s  (${(steps / seconds).toFixed(0)} steps/s incl. evaluation), final test accuracy ${(100 * accuracy).toFixed(2)}%`);
  result[key] = { seconds: Math.round(seconds * 10) / 10, testAccuracy: accuracy };
}
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 102.4) / 10;
console.log(`both ${total.toFixed(1)} s; peak RSS ${peakRssMb} MB`);
result.totalSeconds = Math.round(total * 10) / 10;
result.peakRssMb = peakRssMb;
if (argv.includes("--json")) console.log(JSON.stringify(result));
