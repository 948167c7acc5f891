/**
 * samples/convnext_tiny.net, mobilenet_v3_large.net, dcgan_generator.net, vit_b16.net and
 * gpt2_small.net exported to ONNX and run on ONNX Runtime against PyTorch at a small
 * configuration (tests/fixtures/convnext, mobilenet_v3, dcgan, vit and gpt2, loaded by
 * tests/samples/torch-parity.ts), within 1e-5 relative:
 * the graph as written and its inference-optimized form (batch norm folded into the
 * convolutions). tfjs: tests/runtime/sample-parity.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  loadTorchFixture,
  relDiff,
  runOnnxRuntime,
  sampleGraph,
} from '../../samples/torch-parity.js';
import { ortAvailable } from './helpers.js';

describe.skipIf(!ortAvailable).each(['convnext', 'mobilenet_v3', 'dcgan', 'vit', 'gpt2'])(
  '%s on ONNX Runtime',
  (name) => {
    it.each([false, true])('matches PyTorch within 1e-5 (optimized: %s)', async (optimize) => {
      const f = await loadTorchFixture(name);
      const y = await runOnnxRuntime(f.graph, f.weights, f.input, { optimize });
      expect(y.shape).toEqual(f.output.shape);
      expect(relDiff(y.data, f.output.data)).toBeLessThanOrEqual(1e-5);
    });
  },
);

// gpt2_small.net as written declares `ids: [T]`: the exported model reads T at run time.
describe.skipIf(!ortAvailable)('gpt2 with a symbolic sequence length on ONNX Runtime', () => {
  it('matches PyTorch at the fixture length and on its first 3 tokens', async () => {
    const f = await loadTorchFixture('gpt2');
    const graph = sampleGraph(f.sample, f.args);
    expect(graph.inputs[0].shape).toEqual(['T']);
    const y = await runOnnxRuntime(graph, f.weights, f.input);
    expect(y.shape).toEqual(f.output.shape);
    expect(relDiff(y.data, f.output.data)).toBeLessThanOrEqual(1e-5);
    // Causal: the first 3 tokens' logits are those of the full sequence's first 3 positions.
    const [n, t, vocab] = f.output.shape;
    const first = (a: Float32Array, width: number) =>
      Float32Array.from({ length: n * 3 * width }, (_, i) => {
        const [k, j] = [Math.floor(i / (3 * width)), i % (3 * width)];
        return a[k * t * width + j];
      });
    const short = await runOnnxRuntime(graph, f.weights, {
      shape: [n, 3],
      data: first(f.input.data, 1),
    });
    expect(short.shape).toEqual([n, 3, vocab]);
    expect(relDiff(short.data, first(f.output.data, vocab))).toBeLessThanOrEqual(1e-5);
  });
});
