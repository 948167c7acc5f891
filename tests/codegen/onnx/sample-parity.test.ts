/**
 * samples/convnext_tiny.net, mobilenet_v3_large.net, dcgan_generator.net, vit_b16.net and
 * gpt2_small.net exported to ONNX and run on ONNX Runtime against PyTorch at a small
 * configuration (tests/fixtures/convnext, mobilenet_v3, dcgan, vit and gpt2, loaded by
 * tests/samples/torch-parity.ts), within 1e-5 relative:
 * the graph as written and its inference-optimized form (batch norm folded into the
 * convolutions). tfjs: tests/runtime/sample-parity.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { loadTorchFixture, relDiff, runOnnxRuntime } from '../../samples/torch-parity.js';
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
