import { batchNormAffine } from '../ops/normalization.js';
import { foldingPass, targetLinear } from './foldable.js';
import type { LinearSpec } from '../ops/op.js';
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
  const linear = targetLinear(target.op);
  const k = w.get(target.name, linear.kernel);
  // Each kernel value times the factor of the output channel it feeds (the op's declared axes).
  w.set(target.name, linear.kernel, {
    shape: k.shape,
    data: scaleAlong(k.data, k.shape, linear, scale),
  });
  const oldBias = w.find(target.name, 'bias')?.data;
  const bias = Float32Array.from(shift, (t, i) => (oldBias ? oldBias[i] * scale[i] : 0) + t);
  w.set(target.name, 'bias', { shape: [bias.length], data: bias });
  for (const name of ['gamma', 'beta', 'moving_mean', 'moving_variance']) w.remove(bn.name, name);
}

/**
 * Each value of a row-major tensor of `shape` times the factor of its output channel: the
 * channel is the flattened index over axes `outputAxis .. outputAxis + outputSpan - 1` (negative
 * axes count from the end), so `s` has the product of those sizes as its length.
 */
export function scaleAlong(
  data: Float32Array,
  shape: readonly number[],
  axes: Pick<LinearSpec, 'outputAxis' | 'outputSpan'>,
  s: ArrayLike<number>,
): Float32Array {
  const first = axes.outputAxis < 0 ? axes.outputAxis + shape.length : axes.outputAxis;
  const span = axes.outputSpan ?? 1;
  if (first < 0 || first + span > shape.length) {
    throw new Error(
      `axis ${axes.outputAxis} (span ${span}) is outside a kernel of rank ${shape.length}`,
    );
  }
  const channels = shape.slice(first, first + span).reduce((p, d) => p * d, 1);
  if (channels !== s.length) {
    throw new Error(`${s.length} factors for ${channels} output channels of [${shape.join(', ')}]`);
  }
  const inner = shape.slice(first + span).reduce((p, d) => p * d, 1);
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] * s[Math.floor(i / inner) % channels];
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
