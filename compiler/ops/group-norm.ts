import { formatShape } from '../ir/shape.js';
import { invalid } from './attrs.js';
import { affineParams, affine, epsilonParam, onnxAffine } from './normalization.js';
import { defineOp, OpError } from './op.js';
import { effectiveLayout, featureShape } from './onnx-layout.js';
import { reduce } from './onnx-nodes.js';
import { reshapeWeight, scalarWeight } from './onnx-weights.js';
import { intType } from './param-types.js';

/**
 * Group normalization over the channels (Keras `GroupNormalization`, PyTorch `nn.GroupNorm`):
 * the channels fall into `groups` runs of consecutive ones; each sample's group is normalized
 * over its positions and channels together, then every channel has its own gamma and beta.
 */
export const groupNorm = defineOp({
  name: 'group_norm',
  category: 'normalization',
  doc: 'Group normalization over the last (channel) axis (Keras `GroupNormalization`, PyTorch `nn.GroupNorm`): each run of `channels / groups` consecutive channels is normalized over every position of a sample, then scaled and shifted per channel; counted as 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [
    {
      name: 'groups',
      type: intType,
      default: 32,
      doc: 'The number of groups; it divides the channels (1 normalizes each sample as a whole, `channels` is instance normalization).',
    },
    epsilonParam,
    ...affineParams,
  ],
  weightDocs: [
    { name: 'gamma', shape: '[channels]', trainable: true, when: 'scale' },
    { name: 'beta', shape: '[channels]', trainable: true, when: 'center' },
  ],
  shape([x], a) {
    if (x.length === 0)
      throw new OpError('group_norm needs an input with a channel axis, found rank 0', 'E3004');
    const c = x[x.length - 1];
    if (typeof c !== 'number') {
      throw new OpError(
        `group_norm needs a known channel count to size its weights, but the input is ${formatShape(x)}`,
        'E3004',
      );
    }
    if (!(a.groups > 0)) throw invalid('groups', 'a strictly positive count', a.groups);
    if (c % a.groups !== 0) {
      throw invalid('groups', `a divisor of the ${c} channels`, a.groups);
    }
    if (!(a.epsilon > 0)) throw invalid('epsilon', 'a strictly positive value', a.epsilon);
    return x;
  },
  weights: ([x], a) => affine(x[x.length - 1] as number, a),
  macs: () => 0n,
  tfjs: (c) =>
    c.custom('NetcGroupNorm', {
      name: c.name,
      groups: c.attrs.groups,
      epsilon: c.attrs.epsilon,
      center: c.attrs.center,
      scale: c.attrs.scale,
    }),
  // The groups as an axis of their own: [batch, groups, rest] channels-first, [batch, positions,
  // groups, channels per group] channels-last; the statistics over the rest, then back.
  onnx(c) {
    const x = c.input(0);
    const rank = c.inputs[0].length;
    const n = c.inputs[0][rank - 1] as number;
    const g = c.attrs.groups;
    const first = effectiveLayout(rank, x.layout) === 'channels_first';
    const grouped = first ? [0, g, -1] : [0, -1, g, n / g];
    const axes = first ? [2] : [1, 3];
    const shape = c.node('Shape', [x.name], {}, 'input_shape');
    const y = c.node('Reshape', [x.name, c.int64s('grouped_shape', grouped)], {}, 'grouped');
    const mean = reduce(c, 'ReduceMean', y, axes, true, 'mean');
    const centered = c.node('Sub', [y, mean], {}, 'centered');
    const squared = c.node('Mul', [centered, centered], {}, 'squared');
    const variance = reduce(c, 'ReduceMean', squared, axes, true, 'variance');
    const eps = c.constant('epsilon', scalarWeight(c.attrs.epsilon));
    const padded = c.node('Add', [variance, eps], {}, 'variance_eps');
    const std = c.node('Sqrt', [padded], {}, 'std');
    const normalized = c.node('Div', [centered, std], {}, 'normalized');
    const back = c.node('Reshape', [normalized, shape], {}, 'ungrouped');
    const { gamma, beta } = onnxAffine(c, n);
    const perChannel = featureShape(n, rank - 1, rank, x.layout);
    const gw = c.constant('gamma', reshapeWeight({ shape: [n], data: gamma }, perChannel));
    const bw = c.constant('beta', reshapeWeight({ shape: [n], data: beta }, perChannel));
    const scaled = c.node('Mul', [back, gw], {}, 'scaled');
    return { name: c.node('Add', [scaled, bw]), layout: x.layout };
  },
});
