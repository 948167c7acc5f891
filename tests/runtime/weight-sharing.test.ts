/**
 * Shared weights (`shares:`) on every target: the layer applied twice computes the same function
 * of each input on tfjs (wasm), in the generated module and on ONNX Runtime; and one SGD step
 * updates the one kernel by the sum of both applications' gradients, as computed by hand.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, fillModel, readGraphWeights } from '../../api/index.js';
import { optimizeForInference } from '../../compiler/passes/index.js';
import { generateModule } from '../../codegen/index.js';
import { createOnnxRuntimeModel } from '../../engines/onnxruntime.js';
import { scratchDir } from '../codegen/helpers.js';
import { exportOnnx } from '../../codegen/onnx/index.js';
import { decode, ortAvailable } from '../codegen/onnx/helpers.js';
import { graphOfText } from '../compiler/passes/helpers.js';
import { maxDiff, rand, relDiff, useBackend } from './helpers.js';

beforeAll(() => useBackend('wasm'));
const dir = scratchDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIAMESE = `block encoder(x) {
  return x |> conv2d(4, 3, padding: "same") |> batch_norm |> relu |> global_avg_pool2d |> dense(6)
}

model siamese(left: [8, 8, 3], right: [8, 8, 3]) {
  a = left |> encoder(name: "enc")
  b = right |> encoder(shares: "enc")
  return a: a, b: b
}
`;

describe('a Siamese encoder', () => {
  const graph = graphOfText(SIAMESE);
  let left: tf.Tensor;
  let right: tf.Tensor;
  beforeAll(() => {
    left = rand([2, 8, 8, 3], 1);
    right = rand([2, 8, 8, 3], 2);
  });

  /** Predicts [a(left), b(right)] and [a(right), b(left)]: the shared encoder is one function. */
  function check(predict: (x: tf.Tensor[]) => tf.Tensor[]): void {
    const [a1, b1] = predict([left, right]);
    const [a2, b2] = predict([right, left]);
    expect(maxDiff(b1.dataSync(), a2.dataSync())).toBeLessThan(1e-6);
    expect(maxDiff(a1.dataSync(), b2.dataSync())).toBeLessThan(1e-6);
    expect(maxDiff(a1.dataSync(), b1.dataSync())).toBeGreaterThan(1e-3); // inputs differ
  }

  it('builds one set of layers on tfjs, applied to both inputs', () => {
    const model = buildModel(graph, { seed: 3 });
    // 2 inputs, one conv, BN and dense (applied twice), relu and pool per branch (no weights).
    expect(model.layers.length).toBe(2 + 3 + 2 * 2);
    expect(model.countParams()).toBe(3 * 3 * 3 * 4 + 4 + 4 * 4 + 4 * 6 + 6);
    check((x) => model.predict(x) as tf.Tensor[]);
    model.dispose();
  });

  it('keeps shared layers out of the inference folds', () => {
    const model = buildModel(graph, { seed: 3 });
    const optimized = optimizeForInference(graph);
    expect(optimized.graph.nodes.map((n) => n.op)).toEqual(graph.nodes.map((n) => n.op));
    const folded = buildModel(optimized.graph);
    fillModel(folded, optimized.graph, optimized.foldWeights(readGraphWeights(model, graph)));
    const [want, got] = [model, folded].map((m) => m.predict([left, right]) as tf.Tensor[]);
    for (let i = 0; i < 2; i++) expect(maxDiff(got[i].dataSync(), want[i].dataSync())).toBe(0);
    model.dispose();
    folded.dispose();
  });

  it('generates a module that builds the same model', async () => {
    const model = buildModel(graph, { seed: 3 });
    const file = join(dir, 'siamese.ts');
    writeFileSync(file, await generateModule(graph, { sourcePath: 'siamese.net' }));
    const mod = (await import(pathToFileURL(file).href)) as { createModel(): tf.LayersModel };
    const generated = mod.createModel();
    expect(generated.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    generated.setWeights(model.getWeights());
    const [want, got] = [model, generated].map((m) => m.predict([left, right]) as tf.Tensor[]);
    for (let i = 0; i < 2; i++) expect(maxDiff(got[i].dataSync(), want[i].dataSync())).toBe(0);
    model.dispose();
    generated.dispose();
  });

  it('exports the shared weights to ONNX once', () => {
    const model = buildModel(graph, { seed: 3 });
    const weights = readGraphWeights(model, graph);
    const inits = decode(exportOnnx(graph, weights)).graph!.initializer!;
    // The one branch alone: what the whole model holds when the second applies the same weights.
    const one = graphOfText(
      SIAMESE.replace(
        /model[^]*/,
        'model one(left: [8, 8, 3]) {\n  return left |> encoder(name: "enc")\n}\n',
      ),
    );
    const oneInits = decode(exportOnnx(one, weights)).graph!.initializer!;
    expect(inits.length).toBeGreaterThan(0);
    expect(inits.map((t) => t.name).sort()).toEqual(oneInits.map((t) => t.name).sort());
    model.dispose();
  });

  it.skipIf(!ortAvailable)('exports to ONNX with the same weights in both branches', async () => {
    const model = buildModel(graph, { seed: 3 });
    const ort = await createOnnxRuntimeModel(graph, readGraphWeights(model, graph), {
      threads: 1,
    });
    try {
      const input = (t: tf.Tensor) => ({ shape: t.shape, data: t.dataSync() as Float32Array });
      const ys = await ort.run([input(left), input(right)]);
      const want = model.predict([left, right]) as tf.Tensor[];
      for (let i = 0; i < 2; i++)
        expect(relDiff(ys[i].data, want[i].dataSync())).toBeLessThan(1e-5);
    } finally {
      await ort.dispose();
      model.dispose();
    }
  });
});

describe('training a tied dense layer', () => {
  it('steps the shared kernel by the sum of both applications’ gradients', async () => {
    const graph = graphOfText(`
model tied(a: [3], b: [3]) {
  x = a |> dense(2, bias: false, name: "w")
  y = b |> dense(2, bias: false, shares: "w")
  return x + y
}
`);
    const model = buildModel(graph, { seed: 5 });
    const [w0] = model.getWeights().map((t) => Array.from(t.dataSync()));
    expect(w0).toHaveLength(6);
    const a = [1, 2, -1, 0.5, -0.5, 2];
    const b = [0, 1, 3, -2, 1, 1];
    const t = [0.5, -1, 2, 0];
    const lr = 0.1;
    model.compile({ optimizer: tf.train.sgd(lr), loss: 'meanSquaredError' });
    await model.trainOnBatch(
      [tf.tensor2d(a, [2, 3]), tf.tensor2d(b, [2, 3])],
      tf.tensor2d(t, [2, 2]),
    );
    // By hand: out = (a + b) W, dL/dout = 2 (out - t) / 4, dL/dW = (a + b)^T dL/dout.
    const s = a.map((v, i) => v + b[i]);
    const g = [0, 0, 0, 0];
    for (let n = 0; n < 2; n++)
      for (let j = 0; j < 2; j++) {
        let out = 0;
        for (let k = 0; k < 3; k++) out += s[n * 3 + k] * w0[k * 2 + j];
        g[n * 2 + j] = (2 * (out - t[n * 2 + j])) / 4;
      }
    const want = w0.map((w, idx) => {
      const [k, j] = [Math.floor(idx / 2), idx % 2];
      return w - lr * (s[k] * g[j] + s[3 + k] * g[2 + j]);
    });
    const got = Array.from(model.getWeights()[0].dataSync());
    expect(maxDiff(got, want)).toBeLessThan(1e-6);
    model.dispose();
  });
});
