import { describe, expect, it } from 'vitest';
import type { Shape } from '../../../compiler/ir/shape.js';
import type { Value } from '../../../compiler/value.js';
import type { AttrValue } from '../../../compiler/ops/op.js';
import { allOps, getOp, opNames } from '../../../compiler/ops/registry.js';
import { apply, type Arg } from './helpers.js';

/** A valid call of every op, with every optional weight switched on (the defaults). */
const samples: Record<string, [Shape[], Record<string, Arg>?]> = {
  input: [[], { shape: [8] }],
  weight: [[[8]], { shape: [2, 8] }],
  conv1d: [[[100, 8]], { filters: 4, kernel_size: 3 }],
  conv2d: [[[32, 32, 8]], { filters: 4, kernel_size: 3 }],
  depthwise_conv2d: [[[32, 32, 8]], { kernel_size: 3 }],
  separable_conv2d: [[[32, 32, 8]], { filters: 4, kernel_size: 3 }],
  conv2d_transpose: [[[8, 8, 6]], { filters: 4, kernel_size: 3, stride: 2 }],
  dense: [[[16]], { units: 4 }],
  batch_norm: [[[4, 16]]],
  layer_norm: [[[4, 16]]],
  group_norm: [[[4, 4, 8]], { groups: 2 }],
  relu: [[[8]]],
  relu6: [[[8]]],
  leaky_relu: [[[8]]],
  elu: [[[8]]],
  gelu: [[[8]]],
  swish: [[[8]]],
  sigmoid: [[[8]]],
  tanh: [[[8]]],
  softmax: [[[8]]],
  hard_sigmoid: [[[8]]],
  dropout: [[[8]]],
  max_pool1d: [[[8, 2]]],
  avg_pool1d: [[[8, 2]]],
  max_pool2d: [[[8, 8, 2]]],
  avg_pool2d: [[[8, 8, 2]]],
  global_max_pool1d: [[[8, 2]]],
  global_avg_pool1d: [[[8, 2]]],
  global_max_pool2d: [[[8, 8, 2]]],
  global_avg_pool2d: [[[8, 8, 2]]],
  zero_pad1d: [[[8, 2]]],
  zero_pad2d: [[[8, 8, 2]]],
  zero_pad_channels: [[[8, 2]], { channels: 4 }],
  flatten: [[[8, 2]]],
  reshape: [[[8, 2]], { shape: [16] }],
  permute: [[[8, 2]], { dims: [1, 0] }],
  repeat_vector: [[[8]], { n: 3 }],
  upsampling2d: [[[8, 8, 2]]],
  add: [[[8], [8]]],
  subtract: [[[8], [8]]],
  multiply: [[[8], [8]]],
  divide: [[[8], [8]]],
  scale: [[[8]], { factor: 2 }],
  concat: [[[8], [8]]],
  embedding: [[[8]], { input_dim: 100, output_dim: 4 }],
  slice: [[[8, 4]], { start: 1, stop: 3 }],
  // Beyond convnets (issue 13).
  hard_swish: [[[8]]],
  conv1d_transpose: [[[8, 6]], { filters: 4, kernel_size: 3, stride: 2 }],
  matmul: [
    [
      [3, 4],
      [4, 5],
    ],
  ],
  einsum: [
    [
      [3, 4],
      [5, 4],
    ],
    { equation: 'qd,kd->qk' },
  ],
  transpose: [[[3, 4]], { perm: [1, 0] }],
  squeeze: [[[1, 4]], { axis: 0 }],
  expand_dims: [[[4]], { axis: 0 }],
  cropping1d: [[[8, 2]]],
  cropping2d: [[[8, 8, 2]], { cropping: 1 }],
  resizing: [[[8, 8, 2]], { height: 4, width: 6 }],
  rescaling: [[[8, 3]], { scale: [0.5, 2, 4] }],
  normalization: [[[8, 3]]],
  spatial_dropout1d: [[[8, 3]]],
  spatial_dropout2d: [[[8, 8, 3]]],
  drop_path: [[[8, 3]]],
  multi_head_attention: [[[4, 8]], { num_heads: 2, key_dim: 4 }],
  // Recurrent layers (issue 14).
  lstm: [[['T', 8]], { units: 4 }],
  gru: [[['T', 8]], { units: 4 }],
  simple_rnn: [[['T', 8]], { units: 4 }],
  // Masking of padded steps (issue 14).
  masking: [[['T', 8]]],
  step_mask: [[['T']]],
  // Position embeddings (issue 13).
  position_embedding: [[['T', 8]], { sequence_length: 16 }],
};

/** An attribute written back as a language value (the inverse of a type's convert). */
function fromAttr(a: AttrValue): Value {
  if (a === null) return { kind: 'none' };
  if (Array.isArray(a)) return { kind: 'list', items: a.map(fromAttr) };
  if (typeof a === 'number') return { kind: Number.isInteger(a) ? 'int' : 'float', value: a };
  if (typeof a === 'boolean') return { kind: 'bool', value: a };
  return { kind: 'string', value: a as string };
}

describe('registry', () => {
  it('has unique names and finds each op', () => {
    expect(new Set(opNames()).size).toBe(allOps.length);
    for (const op of allOps) expect(getOp(op.name)).toBe(op);
    expect(getOp('nope')).toBeUndefined();
  });

  it('is in documentation order, input first', () => {
    const order = [
      'input',
      'convolution',
      'dense',
      'normalization',
      'activation',
      'regularization',
      'pooling',
      'padding',
      'reshaping',
      'merging',
      'embedding',
      'attention',
      'recurrent',
    ];
    const seen = [...new Set(allOps.map((op) => op.category))];
    expect(seen).toEqual(order);
  });

  it('samples cover every op', () => {
    expect(Object.keys(samples).sort()).toEqual(opNames().sort());
  });

  it.each(allOps.map((op) => [op.name, op] as const))('%s is well formed', (name, op) => {
    expect(op.doc.length).toBeGreaterThan(10);
    expect(op.doc.split(/(?<=\.) /).length).toBeLessThanOrEqual(2);
    expect(new Set(op.params.map((p) => p.name)).size).toBe(op.params.length);
    for (const p of op.params) {
      expect(p.doc, `${name}.${p.name}`).not.toBe('');
      // Defaults are stored converted: writing one back and converting gives it again.
      if (p.default !== undefined) expect(p.type.convert(fromAttr(p.default))).toEqual(p.default);
    }
    const [inputs, args] = samples[name];
    expect(inputs.length).toBeGreaterThanOrEqual(op.inputs.min);
    expect(inputs.length).toBeLessThanOrEqual(op.inputs.max);
    const r = apply(op, inputs, args);
    expect(r.weights.map((w) => w.name)).toEqual((op.weightDocs ?? []).map((w) => w.name));
    expect(r.weights.map((w) => w.trainable)).toEqual(
      (op.weightDocs ?? []).map((w) => w.trainable),
    );
  });
});
