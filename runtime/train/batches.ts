/**
 * Training batches from JS typed arrays: a seeded shuffled order of the examples each epoch,
 * and one batch at a time gathered into a fresh Float32Array (uint8 data scaled on the way,
 * sparse class indices expanded to one-hot rows), so that only one batch is ever copied into
 * TensorFlow.js.
 */
import { splitmix32 } from '../../compiler/initial-weights.js';

/** Examples, batch first: float data, or uint8 (images as stored) scaled when a batch is made. */
export interface ExampleArray {
  readonly shape: readonly number[];
  readonly data: Float32Array | Uint8Array;
  /** Each value is multiplied by this when a batch is gathered (uint8 images: 1 / 255). */
  readonly scale?: number;
}

/**
 * The order of the examples in `epoch` (0-based): a Fisher-Yates shuffle of `[0, n)` from the
 * splitmix32 generator of the initial weights, seeded by `seed` and the epoch, so a run resumed at epoch k sees the same orders.
 */
export function epochOrder(n: number, seed: number, epoch: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const random = splitmix32(
    (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca77)) >>> 0,
  );
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** Values per example of an array (the product of its dims after the batch dim). */
export const exampleSize = (a: ExampleArray): number => a.shape.slice(1).reduce((p, d) => p * d, 1);

/** The examples `indices` of `a`, in that order, as float32 (scaled by `a.scale`). */
export function gatherBatch(
  a: ExampleArray,
  indices: ArrayLike<number>,
): { shape: number[]; data: Float32Array } {
  const size = exampleSize(a);
  const out = new Float32Array(indices.length * size);
  const scale = a.scale ?? 1;
  for (let k = 0; k < indices.length; k++) {
    const from = indices[k] * size;
    if (scale === 1 && a.data instanceof Float32Array) {
      out.set(a.data.subarray(from, from + size), k * size);
    } else {
      for (let j = 0; j < size; j++) out[k * size + j] = a.data[from + j] * scale;
    }
  }
  return { shape: [indices.length, ...a.shape.slice(1)], data: out };
}

/**
 * The examples `indices` of an array of class indices (`[n]`, or `[n, ..., 1]` with positions),
 * as one-hot rows over `classes`: `[batch, ..., classes]`.
 */
export function gatherOneHot(
  a: ExampleArray,
  indices: ArrayLike<number>,
  classes: number,
): { shape: number[]; data: Float32Array } {
  const dims = a.shape.slice(1);
  const positions = dims.length > 0 && dims[dims.length - 1] === 1 ? dims.slice(0, -1) : dims;
  const size = exampleSize(a);
  const out = new Float32Array(indices.length * size * classes);
  for (let k = 0; k < indices.length; k++) {
    const from = indices[k] * size;
    for (let j = 0; j < size; j++) {
      const c = a.data[from + j];
      if (!Number.isInteger(c) || c < 0 || c >= classes) {
        throw new RangeError(
          `value ${c} at index ${from + j} is not a class index in [0, ${classes})`,
        );
      }
      out[(k * size + j) * classes + c] = 1;
    }
  }
  return { shape: [indices.length, ...positions, classes], data: out };
}

/** `[start, end)` of each batch of `n` examples in order: full batches, then a last partial one. */
export function batchRanges(n: number, batchSize: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let start = 0; start < n; start += batchSize)
    ranges.push([start, Math.min(n, start + batchSize)]);
  return ranges;
}
