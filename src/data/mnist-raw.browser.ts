/**
 * The live site's replacement for mnist-raw.ts (its bundle maps one to the other): the digits come
 * from the site's compact mnist.bin (mnist-binary.ts). In the page, fs.readFileSync of a library file
 * is a synchronous request to the site (allowed in the Web Worker where the cells run), so loadMnist
 * stays synchronous as in a notebook.
 */
import * as fs from "fs";
import { decodeMnist, type RawMnist } from "./mnist-binary";

export type { RawMnist } from "./mnist-binary";

/** Where the site serves the digits (beside the library's files). */
export const MNIST_SITE_FILE = "mnist.bin";

export function readMnistDigits(): RawMnist {
  return decodeMnist(fs.readFileSync(MNIST_SITE_FILE), MNIST_SITE_FILE);
}
