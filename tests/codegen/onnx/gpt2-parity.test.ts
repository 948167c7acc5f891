/**
 * samples/gpt2_small.net at a small configuration exported to ONNX and run on ONNX Runtime against
 * GPT-2 in plain PyTorch with the same weights (tests/fixtures/gpt2), within 1e-5
 * relative. The tfjs side: tests/runtime/gpt2-parity.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createOnnxRuntimeModel } from '../../../engines/onnxruntime.js';
import { relDiff } from '../../runtime/helpers.js';
import { fixtureWeights, readFixture, sampleGraph } from '../../runtime/torch-sample.js';
import { gpt2Case } from '../../runtime/sample-cases.js';
import { ortAvailable } from './helpers.js';

describe.skipIf(!ortAvailable)('gpt2_small (small) on ONNX Runtime', () => {
  it('matches the plain-torch GPT-2 within 1e-5 relative', async () => {
    const f = readFixture(gpt2Case);
    const ort = await createOnnxRuntimeModel(sampleGraph(gpt2Case), fixtureWeights(f));
    try {
      const [y] = await ort.run([{ shape: f.input.shape, data: Float32Array.from(f.input.data) }]);
      expect(y.shape).toEqual(f.output.shape);
      expect(relDiff(y.data, f.output.data)).toBeLessThanOrEqual(1e-5);
    } finally {
      await ort.dispose();
    }
  });
});
