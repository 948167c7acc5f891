import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Shape } from '../../compiler/ir/shape.js';
import { allOps, getOp } from '../../compiler/ops/registry.js';
import { buildModel, concreteInputShapes, inferShapes } from '../../api/index.js';
import { attrsOf, opGraph, useBackend, type Arg } from './helpers.js';

type Case = [op: string, inputs: Shape[], args: Record<string, Arg>];

/** Small cases; together they use every op of the registry (`input` in all of them). */
const cases: Case[] = [
  ['conv1d', [[9, 4]], { filters: 6, kernel_size: 3, stride: 2 }],
  ['conv1d', [[9, 4]], { filters: 6, kernel_size: 3, groups: 2, padding: [1, 2] }],
  ['conv1d', [[9, 4]], { filters: 2, kernel_size: 3, dilation: 2, padding: 'valid' }],
  ['conv1d', [['T', 4]], { filters: 4, kernel_size: 5, activation: 'relu6' }],
  ['conv2d', [[7, 7, 4]], { filters: 6, kernel_size: 3, stride: 2 }],
  [
    'conv2d',
    [[7, 6, 4]],
    {
      filters: 6,
      kernel_size: [3, 2],
      groups: 2,
      padding: [
        [1, 0],
        [2, 1],
      ],
    },
  ],
  ['conv2d', [[8, 8, 4]], { filters: 8, kernel_size: 3, groups: 4, stride: 2, bias: false }],
  ['conv2d', [[9, 9, 2]], { filters: 3, kernel_size: 3, dilation: 2, padding: 'valid' }],
  ['conv2d', [[5, 5, 3]], { filters: 3, kernel_size: 1, activation: 'hard_sigmoid' }],
  ['conv2d', [[null, null, 3]], { filters: 4, kernel_size: 3, activation: 'gelu' }],
  ['depthwise_conv2d', [[7, 7, 3]], { kernel_size: 3, stride: 2, depth_multiplier: 2 }],
  ['depthwise_conv2d', [[7, 7, 3]], { kernel_size: 3, dilation: 2 }],
  ['depthwise_conv2d', [[6, 6, 2]], { kernel_size: 3, padding: 1, bias: false }],
  ['separable_conv2d', [[8, 8, 3]], { filters: 5, kernel_size: 3 }],
  [
    'separable_conv2d',
    [[8, 8, 3]],
    { filters: 5, kernel_size: 3, padding: 1, depth_multiplier: 2 },
  ],
  ['conv2d_transpose', [[5, 7, 3]], { filters: 2, kernel_size: 3, stride: 2 }],
  [
    'conv2d_transpose',
    [[5, 7, 3]],
    { filters: 2, kernel_size: 3, stride: 2, padding: 'valid', output_padding: 1 },
  ],
  ['dense', [[6]], { units: 3 }],
  ['dense', [[4, 6]], { units: 3, bias: false, activation: 'softmax' }],
  ['batch_norm', [[5, 5, 3]], {}],
  ['batch_norm', [[3, 7]], { axis: 0, momentum: 0.9 }],
  ['batch_norm', [[6]], { center: false, scale: false }],
  ['layer_norm', [[4, 6]], {}],
  ['layer_norm', [[4, 6]], { axis: 0, center: false }],
  ['relu', [[3, 4]], {}],
  ['relu6', [[3, 4]], {}],
  ['leaky_relu', [[3, 4]], { alpha: 0.1 }],
  ['elu', [[3, 4]], { alpha: 0.5 }],
  ['gelu', [[3, 4]], {}],
  ['swish', [[3, 4]], {}],
  ['sigmoid', [[3, 4]], {}],
  ['tanh', [[3, 4]], {}],
  ['softmax', [[3, 4]], {}],
  ['softmax', [[3, 4]], { axis: 0 }],
  ['hard_sigmoid', [[3, 4]], {}],
  ['dropout', [[10]], { rate: 0.3 }],
  ['max_pool1d', [[9, 2]], {}],
  ['avg_pool1d', [[9, 2]], { pool_size: 3, stride: 2, padding: 'same' }],
  ['max_pool2d', [[7, 7, 2]], { pool_size: 3, stride: 2, padding: 'same' }],
  ['avg_pool2d', [[8, 6, 2]], {}],
  ['global_max_pool1d', [[5, 3]], {}],
  ['global_avg_pool1d', [[5, 3]], { keepdims: true }],
  ['global_max_pool2d', [[4, 4, 3]], { keepdims: true }],
  ['global_avg_pool2d', [[4, 4, 3]], {}],
  ['zero_pad1d', [[5, 2]], { padding: [1, 2] }],
  [
    'zero_pad2d',
    [[4, 4, 2]],
    {
      padding: [
        [1, 0],
        [2, 3],
      ],
    },
  ],
  ['zero_pad_channels', [[4, 4, 3]], { channels: 8 }],
  ['zero_pad_channels', [[5, 3]], { channels: 3 }],
  ['flatten', [[2, 3, 4]], {}],
  ['flatten', [[6]], {}],
  ['flatten', [[null, 4]], {}],
  ['reshape', [[2, 6]], { shape: [3, -1] }],
  ['permute', [[2, 3, 4]], { dims: [2, 0, 1] }],
  ['repeat_vector', [[5]], { n: 3 }],
  ['upsampling2d', [[3, 4, 2]], { size: [2, 3] }],
  ['upsampling2d', [[3, 4, 2]], { interpolation: 'bilinear' }],
  [
    'add',
    [
      [4, 3],
      [4, 3],
      [4, 3],
    ],
    {},
  ],
  [
    'subtract',
    [
      [4, 3],
      [4, 3],
    ],
    {},
  ],
  [
    'multiply',
    [
      [2, 2, 3],
      [2, 2, 3],
    ],
    {},
  ],
  ['scale', [[4, 3]], { factor: 0.5 }],
  [
    'concat',
    [
      [4, 3],
      [4, 5],
    ],
    {},
  ],
  [
    'concat',
    [
      [2, 3],
      [4, 3],
      [1, 3],
    ],
    { axis: 0 },
  ],
  ['embedding', [[6]], { input_dim: 10, output_dim: 4 }],
  ['embedding', [[null]], { input_dim: 10, output_dim: 4 }],
];

beforeAll(() => useBackend('wasm'));

describe('every registry op runs on TensorFlow.js', () => {
  it('has a tfjs lowering and a case for every op', () => {
    const covered = new Set(['input', ...cases.map((c) => c[0])]);
    for (const op of allOps) {
      expect(op.tfjs, op.name).toBeTypeOf('function');
      expect(covered.has(op.name), `no runtime case for ${op.name}`).toBe(true);
    }
  });

  it.each(cases)('%s %j %j', (opName, inputs, args) => {
    const graph = opGraph(opName, inputs, args);
    const inferred = graph.outputs[0].shape;
    const model = buildModel(graph, { seed: 1 });
    try {
      // Symbolic output shape: the inferred one, unknown dims as null.
      const symbolic = (model.outputs[0].shape as (number | null)[]).slice(1);
      expect(symbolic).toEqual(inferred.map((d) => (typeof d === 'number' ? d : null)));

      // Weights: the registry's names, shapes and trainability, in order.
      const op = getOp(opName)!;
      if (inputs.every((s) => s.every((d) => typeof d === 'number'))) {
        const layer = model.layers[model.layers.length - 1];
        const got = layer.weights.map((w) => [
          w.originalName.split('/').pop(),
          w.shape,
          w.trainable,
        ]);
        const want = op
          .weights(inputs, attrsOf(opName, args))
          .map((w) => [w.name, w.shape, w.trainable]);
        expect(got).toEqual(want);
      }

      // A forward pass (batch 2) with concrete inputs gives the registry's concrete shape.
      const concrete = concreteInputShapes(graph, [6, 9]);
      const expected = inferShapes(graph, concrete).get(graph.outputs[0].node)!;
      const xs = concrete.map((s) =>
        opName === 'embedding'
          ? tf.randomUniform([2, ...s], 0, 10, 'int32').cast('float32')
          : tf.randomNormal([2, ...s]),
      );
      const y = model.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor;
      expect(y.shape).toEqual([2, ...expected]);
      expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([...xs, y]);
    } finally {
      model.dispose();
    }
  });
});
