/**
 * The ONNX export run on onnxruntime-node against the tfjs interpreter (an independent
 * implementation of every op): same graph, same weights (seeded, then randomised, batch-norm
 * statistics included), same batch-2 inputs. Bound: max |tfjs - ort| / max(1, max |tfjs|) <= 1e-4
 * on every output. Outputs ending in a softmax over 1000 classes are compared as logits (the
 * softmax removed from both), where a wrong layer cannot hide behind tiny probabilities.
 * Skipped without onnxruntime-node.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../../compiler/ir/graph.js';
import type { Shape } from '../../../compiler/ir/shape.js';
import { useBackend } from '../../runtime/helpers.js';
import {
  fixturesDir,
  graphOf,
  logitsOf,
  ortAvailable,
  parity,
  samplesDir,
  type OutputParity,
} from './helpers.js';

const BOUND = 1e-4;
const figures: string[] = [];

interface Case {
  readonly label: string;
  readonly graph: () => Graph;
  readonly sizes?: readonly Shape[];
  readonly optimize?: boolean;
}

const sample = (name: string) => () => graphOf(join(samplesDir, `${name}.net`));
const fixture = (file: string, model?: string) => () => graphOf(join(fixturesDir, file), model);
const codegenFixture = (file: string, model?: string) => () =>
  graphOf(join(import.meta.dirname, '../fixtures', file), model);

const cases: Case[] = [
  { label: 'mlp_mnist', graph: sample('mlp_mnist') },
  { label: 'lenet_bn', graph: sample('lenet_bn') },
  { label: 'ecg_resnet', graph: sample('ecg_resnet') },
  { label: 'resnet18_d2l', graph: sample('resnet18_d2l') },
  { label: 'resnext50 (logits)', graph: () => logitsOf(sample('resnext50')()) },
  { label: 'inception_v3 (logits)', graph: () => logitsOf(sample('inception_v3')()) },
  { label: 'resnet50_attention', graph: sample('resnet50_attention') },
  { label: 'lenet_bn, optimized', graph: sample('lenet_bn'), optimize: true },
  { label: 'ecg_resnet, optimized', graph: sample('ecg_resnet'), optimize: true },
  { label: 'ops.windows', graph: fixture('ops.net', 'windows') },
  {
    label: 'ops.unknown (13x17 image, length 9)',
    graph: fixture('ops.net', 'unknown'),
    sizes: [
      [13, 17, 3],
      [9, 2],
    ],
  },
  { label: 'ops.merges', graph: fixture('ops.net', 'merges') },
  { label: 'layers.every_layer', graph: codegenFixture('layers.net', 'every_layer') },
  { label: 'layers.small', graph: codegenFixture('layers.net', 'small') },
  { label: 'hostile (names)', graph: codegenFixture('hostile.net') },
];

const show = (p: OutputParity): string =>
  `${p.name} [${p.shape.join(', ')}]: max diff ${p.maxDiff.toExponential(2)}, max |y| ${p.maxAbs.toExponential(2)}`;

describe.skipIf(!ortAvailable)('ONNX Runtime vs tfjs', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(() => console.log(`ONNX Runtime vs tfjs (batch 2):\n${figures.join('\n')}`));

  describe.each(cases)('$label', ({ label, graph, sizes, optimize }) => {
    it(`onnxruntime predicts what tfjs does, within ${BOUND}`, async () => {
      const results = await parity(graph(), { sizes, optimize });
      figures.push(`  ${label}: ${results.map(show).join('; ')}`);
      for (const r of results) {
        expect(r.finite, r.name).toBe(true);
        expect(r.maxAbs, `${r.name} is not all zeros`).toBeGreaterThan(0);
        expect(r.error, r.name).toBeLessThanOrEqual(BOUND);
      }
    });
  });
});
