/**
 * Property: for random small models built from the ops the passes touch (conv, dense, batch
 * norm, scale, activations, dropout, identities, with branches that read a value twice), the
 * optimized and unoptimized models predict the same within 1e-4 * max(1, max |y|), with random
 * weights and batch-norm statistics. cpu backend: the models are tiny.
 */
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, buildOptimizedModel } from '../../../api/index.js';
import { inputsFor, randomize, relDiff, useBackend } from '../../runtime/helpers.js';
import { graphOfText } from './helpers.js';

beforeAll(() => useBackend('cpu'));

const activation = fc.constantFrom('linear', 'relu', 'sigmoid', 'tanh', 'elu', 'relu6');
const step = fc.oneof(
  fc
    .record({
      filters: fc.integer({ min: 1, max: 4 }),
      k: fc.constantFrom(1, 3),
      bias: fc.boolean(),
      activation,
    })
    .map((c) => `conv2d(${c.filters}, ${c.k}, bias: ${c.bias}, activation: "${c.activation}")`),
  fc
    .record({ k: fc.constantFrom(1, 3), m: fc.integer({ min: 1, max: 2 }), bias: fc.boolean() })
    .map((c) => `depthwise_conv2d(${c.k}, depth_multiplier: ${c.m}, bias: ${c.bias})`),
  fc
    .record({ eps: fc.constantFrom(0.001, 0.1), scale: fc.boolean(), center: fc.boolean() })
    .map((c) => `batch_norm(epsilon: ${c.eps}, scale: ${c.scale}, center: ${c.center})`),
  fc.constantFrom('relu', 'sigmoid', 'tanh', 'elu', 'elu(alpha: 0.5)', 'relu6', 'swish'),
  fc.constantFrom('dropout(0.3)', 'scale(0.5)', 'scale(1.0)', 'zero_pad2d(0)'),
  fc.constantFrom('max_pool2d(1, stride: 1)'),
  fc.constantFrom('batch_norm', 'relu', 'scale(0.5)').map((inner) => `add_self ${inner}`),
);

/**
 * A chain of steps on `[5, 5, 3]`. `add_self OP` adds the current value to `OP` of it: a value
 * read twice, which no pass may fold into.
 */
function source(steps: string[], head: boolean): string {
  const lines = steps.map((s, i) =>
    s.startsWith('add_self ')
      ? `  x${i + 1} = add(x${i}, x${i} |> ${s.slice('add_self '.length)})`
      : `  x${i + 1} = x${i} |> ${s}`,
  );
  // Keep the channel count at 3 so that add_self always type-checks: a 1x1 conv back to 3.
  const fixed = lines.map((l, i) =>
    /conv2d\(|depthwise_conv2d/.test(steps[i]) ? `${l} |> conv2d(3, 1)` : l,
  );
  const last = `x${steps.length}`;
  const out = head
    ? `${last} |> flatten |> dense(4) |> batch_norm |> dropout(0.5) |> softmax`
    : last;
  return `model m(x0: [5, 5, 3]) {\n${fixed.join('\n')}\n  return y: ${out}\n}\n`;
}

describe('optimized = unoptimized on random models', () => {
  it('holds for 40 random models', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 6 }), fc.boolean(), (steps, head) => {
        const text = source(steps, head);
        const graph = graphOfText(text);
        const plain = buildModel(graph, { seed: 1 });
        randomize(plain);
        const { model: fast } = buildOptimizedModel(graph, plain);
        const [x] = inputsFor(graph, 2);
        try {
          const want = (plain.predict(x) as tf.Tensor).dataSync();
          const got = (fast.predict(x) as tf.Tensor).dataSync();
          expect(relDiff(got, want), text).toBeLessThanOrEqual(1e-4);
        } finally {
          plain.dispose();
          fast.dispose();
          x.dispose();
        }
      }),
      { numRuns: 40, seed: 20261201 },
    );
  });
});
