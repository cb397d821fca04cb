/**
 * The digits as one compact binary file (the live site ships it as mnist.bin and fetches it once):
 *   "BNMN" · u32 images · u32 distinct values · float64 values[] · u8 labels[] · u8 codes[images × 784]
 * little-endian; a pixel is values[code].
 */
/** 28 × 28 pixels per image. */
export const MNIST_IMAGE_SIZE = 28;
export const MNIST_PIXELS = MNIST_IMAGE_SIZE * MNIST_IMAGE_SIZE;

export interface RawMnist {
  codes: Uint8Array; // N × 784, row-major: pixel = values[code]
  values: Float64Array; // the distinct pixel values, in [0, 1]
  labels: number[];
}

const MAGIC = "BNMN";
const HEADER = 12;

export function encodeMnist(raw: RawMnist): Uint8Array {
  const n = raw.labels.length;
  const out = new Uint8Array(HEADER + raw.values.length * 8 + n + raw.codes.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(4, n, true);
  view.setUint32(8, raw.values.length, true);
  raw.values.forEach((v, i) => view.setFloat64(HEADER + i * 8, v, true));
  const labelsAt = HEADER + raw.values.length * 8;
  out.set(raw.labels, labelsAt);
  out.set(raw.codes, labelsAt + n);
  return out;
}

export function decodeMnist(bytes: Uint8Array, source: string): RawMnist {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (bytes.length < HEADER || magic !== MAGIC) throw new Error(`loadMnist: ${source} is not a bnlab MNIST file (it should start with "${MAGIC}"); re-export the site`);
  const n = view.getUint32(4, true);
  const distinct = view.getUint32(8, true);
  const labelsAt = HEADER + distinct * 8;
  const expected = labelsAt + n + n * MNIST_PIXELS;
  if (bytes.length !== expected) throw new Error(`loadMnist: ${source} holds ${bytes.length} bytes, expected ${expected} for ${n} images; re-export the site`);
  const values = new Float64Array(distinct);
  for (let i = 0; i < distinct; i++) values[i] = view.getFloat64(HEADER + i * 8, true);
  return { values, labels: Array.from(bytes.subarray(labelsAt, labelsAt + n)), codes: bytes.slice(labelsAt + n) };
}
