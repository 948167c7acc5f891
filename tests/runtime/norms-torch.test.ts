/**
 * group_norm and layer_norm over several axes (issue 13) against PyTorch's nn.GroupNorm and
 * nn.LayerNorm (tests/fixtures/norms, from generate.py beside it): the same inputs, gamma and
 * beta give the same outputs on tfjs (wasm and cpu) and on ONNX Runtime, within 1e-5 of the
 * largest output. After a convolution, whose ONNX output is channels-first, ONNX Runtime still
 * predicts what tfjs does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildModel, type BackendName } from '../../api/index.js';
import { checkSource } from '../../compiler/compile.js';
import type { Graph } from '../../compiler/ir/graph.js';
import { Source } from '../../compiler/source.js';
import { createOnnxRuntimeModel } from '../../engines/onnxruntime.js';
import { readGraphWeights } from '../../runtime/graph-weights.js';
import { parity } from '../codegen/onnx/helpers.js';
import { ortAvailable } from '../codegen/onnx/ort-probe.js';
import { maxDiff, useBackend } from './helpers.js';

interface NormCase {
  name: string;
  netc: string;
  x_shape: number[];
  x: number[];
  gamma_shape: number[];
  gamma: number[];
  beta: number[];
  y: number[];
}

const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/norms/norms.json'), 'utf8'),
) as { cases: NormCase[] };

function graphOf(c: NormCase): Graph {
  const shape = c.x_shape.slice(1).join(', ');
  const r = checkSource(
    new Source('n.net', `model m(x: [${shape}]) {\n  return y: ${c.netc}\n}\n`),
  );
  expect(r.diagnostics).toEqual([]);
  return r.graphs[0];
}

/** The tfjs model with PyTorch's gamma and beta (netc's weight shapes are PyTorch's). */
function modelOf(c: NormCase, graph: Graph): tf.LayersModel {
  const model = buildModel(graph);
  const layer = model.layers[1];
  expect(layer.getWeights().map((w) => w.shape)).toEqual([c.gamma_shape, c.gamma_shape]);
  layer.setWeights([tf.tensor(c.gamma, c.gamma_shape), tf.tensor(c.beta, c.gamma_shape)]);
  return model;
}

const bound = (c: NormCase) => 1e-5 * Math.max(1, ...c.y.map(Math.abs));

describe.each(['wasm', 'cpu'] as BackendName[])('on tfjs %s', (backend) => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s matches PyTorch', async (_n, c) => {
    await useBackend(backend);
    const model = modelOf(c, graphOf(c));
    const y = model.predict(tf.tensor(c.x, c.x_shape)) as tf.Tensor;
    expect(y.shape).toEqual(c.x_shape);
    expect(maxDiff(y.dataSync(), c.y)).toBeLessThan(bound(c));
    model.dispose();
  });
});

describe.skipIf(!ortAvailable)('on ONNX Runtime', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s matches PyTorch', async (_n, c) => {
    await useBackend('cpu');
    const graph = graphOf(c);
    const model = modelOf(c, graph);
    const ort = await createOnnxRuntimeModel(graph, readGraphWeights(model, graph));
    model.dispose();
    try {
      const [y] = await ort.run([{ shape: c.x_shape, data: Float32Array.from(c.x) }]);
      expect(y.shape).toEqual(c.x_shape);
      expect(maxDiff(y.data, c.y)).toBeLessThan(bound(c));
    } finally {
      await ort.dispose();
    }
  });
});

describe.skipIf(!ortAvailable)('after a convolution (channels-first on ONNX)', () => {
  it('group_norm and layer_norm over several axes predict what tfjs does', async () => {
    await useBackend('wasm');
    const r = checkSource(
      new Source(
        'c.net',
        `model m(x: [6, 5, 3]) {
  c = x |> conv2d(6, 3)
  return a: c |> group_norm(3), b: c |> layer_norm(axis: [0, 1, 2]), d: c |> layer_norm(axis: [0, 2])
}
`,
      ),
    );
    expect(r.diagnostics).toEqual([]);
    for (const o of await parity(r.graphs[0])) {
      expect(o.maxAbs, o.name).toBeGreaterThan(0);
      expect(o.error, o.name).toBeLessThan(1e-5);
    }
  });
});
