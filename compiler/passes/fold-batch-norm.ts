import type { WeightArray } from '../ir/weights.js';
import { foldingPass, outputKernel } from './foldable.js';
import type { WeightTable } from './weight-edits.js';

/**
 * Inference batch norm is `y = (x - mean) * s + beta` with `s = gamma / sqrt(variance + eps)`,
 * per channel. After `x = conv(input) + bias` it folds into the conv: every kernel column of
 * channel c times s[c], and bias' = (bias - mean) * s + beta. Done in float64, stored as float32.
 */
export function foldBatchNormWeights(
  w: WeightTable,
  target: { name: string; op: string },
  bn: { name: string; epsilon: number; scale: boolean; center: boolean },
): void {
  const mean = w.get(bn.name, 'moving_mean').data;
  const variance = w.get(bn.name, 'moving_variance').data;
  const gamma = bn.scale ? w.get(bn.name, 'gamma').data : undefined;
  const beta = bn.center ? w.get(bn.name, 'beta').data : undefined;
  const c = mean.length;
  const s = Float64Array.from(
    mean,
    (_, i) => (gamma ? gamma[i] : 1) / Math.sqrt(variance[i] + bn.epsilon),
  );

  const kernelName = outputKernel(target.op);
  const k = w.get(target.name, kernelName);
  // The output channel is the fastest-varying index of the kernel's trailing output axes
  // ([.., filters], or [.., in, multiplier] whose flattening is channel in * multiplier + m).
  const kernel = scaleChannels(k.data, s);
  const oldBias = w.find(target.name, 'bias')?.data;
  const bias = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    bias[i] = ((oldBias ? oldBias[i] : 0) - mean[i]) * s[i] + (beta ? beta[i] : 0);
  }
  const kernelOut: WeightArray = { shape: k.shape, data: kernel };
  w.set(target.name, kernelName, kernelOut);
  w.set(target.name, 'bias', { shape: [c], data: bias });
  for (const name of ['gamma', 'beta', 'moving_mean', 'moving_variance']) w.remove(bn.name, name);
}

/** `data[i] * s[i % s.length]`: each value times its output channel's factor (channels last). */
export function scaleChannels(data: Float32Array, s: ArrayLike<number>): Float32Array {
  const out = new Float32Array(data.length);
  const c = s.length;
  for (let i = 0; i < data.length; i += c) {
    for (let j = 0; j < c; j++) out[i + j] = data[i + j] * s[j];
  }
  return out;
}

/** batch_norm on the channel axis right after a conv or dense becomes that op's weights. */
export const foldBatchNorm = foldingPass({
  name: 'fold-batch-norm',
  doc: 'Folds a batch norm on the channel axis into the conv or dense before it (its kernel and bias).',
  accepts: (node) =>
    node.op === 'batch_norm' &&
    (node.attrs.axis === -1 || node.attrs.axis === node.shape.length - 1),
  fold(ctx, node, target) {
    const t = { name: target.name, op: target.op };
    const bn = {
      name: node.name,
      epsilon: node.attrs.epsilon as number,
      scale: node.attrs.scale as boolean,
      center: node.attrs.center as boolean,
    };
    ctx.weights((w) => foldBatchNormWeights(w, t, bn));
    target.attrs.bias = true;
  },
});
