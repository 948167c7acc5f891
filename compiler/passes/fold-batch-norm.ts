import { batchNormAffine } from '../ops/normalization.js';
import { foldingPass, outputKernel } from './foldable.js';
import type { WeightTable } from './weight-edits.js';

/**
 * Inference batch norm is `y = x * scale + shift` per channel (`batchNormAffine`). After
 * `x = conv(input) + bias` it folds into the conv: every kernel column of channel c times
 * scale[c], and bias' = bias * scale + shift. Done in float64, stored as float32.
 */
export function foldBatchNormWeights(
  w: WeightTable,
  target: { name: string; op: string },
  bn: { name: string; epsilon: number; scale: boolean; center: boolean },
): void {
  const { scale, shift } = batchNormAffine({
    mean: w.get(bn.name, 'moving_mean').data,
    variance: w.get(bn.name, 'moving_variance').data,
    gamma: bn.scale ? w.get(bn.name, 'gamma').data : undefined,
    beta: bn.center ? w.get(bn.name, 'beta').data : undefined,
    epsilon: bn.epsilon,
  });
  const kernelName = outputKernel(target.op);
  const k = w.get(target.name, kernelName);
  // The output channel is the fastest-varying index of the kernel's trailing output axes
  // ([.., filters], or [.., in, multiplier] whose flattening is channel in * multiplier + m).
  w.set(target.name, kernelName, { shape: k.shape, data: scaleChannels(k.data, scale) });
  const oldBias = w.find(target.name, 'bias')?.data;
  const bias = Float32Array.from(shift, (t, i) => (oldBias ? oldBias[i] * scale[i] : 0) + t);
  w.set(target.name, 'bias', { shape: [bias.length], data: bias });
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
