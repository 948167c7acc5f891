/**
 * Fashion-MNIST from the IDX files (gzip) of Debian's dataset-fashion-mnist package, read
 * without dependencies: images as floats in [0, 1], `[n, 28, 28, 1]` row-major, labels as bytes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export interface LabelledImages {
  readonly images: Float32Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

/** The IDX file's dimensions and its bytes. */
export function readIdx(path: string): { dims: number[]; data: Uint8Array } {
  const bytes = gunzipSync(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0 || bytes[2] !== 0x08)
    throw new Error(`${path}: not an IDX file of unsigned bytes`);
  const rank = bytes[3];
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const data = bytes.subarray(4 + 4 * rank);
  if (data.length !== dims.reduce((a, b) => a * b, 1))
    throw new Error(`${path}: ${data.length} bytes for dimensions ${dims.join('x')}`);
  return { dims, data };
}

function split(dir: string, prefix: 'train' | 't10k'): LabelledImages {
  const images = readIdx(join(dir, `${prefix}-images-idx3-ubyte.gz`));
  const labels = readIdx(join(dir, `${prefix}-labels-idx1-ubyte.gz`));
  const count = images.dims[0];
  if (labels.dims[0] !== count)
    throw new Error(`${prefix}: ${count} images, ${labels.dims[0]} labels`);
  return { images: Float32Array.from(images.data, (v) => v / 255), labels: labels.data, count };
}

/** Train and test splits, or undefined when the files are not there. */
export function readFashionMnist(
  dir = FASHION_MNIST_DIR,
): { train: LabelledImages; test: LabelledImages } | undefined {
  if (!existsSync(join(dir, 'train-images-idx3-ubyte.gz'))) return undefined;
  return { train: split(dir, 'train'), test: split(dir, 't10k') };
}
