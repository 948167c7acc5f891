/**
 * samples/vit_b16.net at a small configuration exported to ONNX and run on ONNX Runtime against
 * torchvision's VisionTransformer with the same weights (tests/fixtures/vit), within 1e-5
 * relative. The tfjs side: tests/runtime/vit-parity.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createOnnxRuntimeModel } from '../../../engines/onnxruntime.js';
import { relDiff } from '../../runtime/helpers.js';
import { fixtureWeights, readFixture, sampleGraph } from '../../runtime/torch-sample.js';
import { vitCase } from '../../runtime/sample-cases.js';
import { ortAvailable } from './helpers.js';

describe.skipIf(!ortAvailable)('vit_b16 (small) on ONNX Runtime', () => {
  it('matches torchvision within 1e-5 relative', async () => {
    const f = readFixture(vitCase);
    const ort = await createOnnxRuntimeModel(sampleGraph(vitCase), fixtureWeights(f));
    try {
      const [y] = await ort.run([{ shape: f.input.shape, data: Float32Array.from(f.input.data) }]);
      expect(y.shape).toEqual(f.output.shape);
      expect(relDiff(y.data, f.output.data)).toBeLessThanOrEqual(1e-5);
    } finally {
      await ort.dispose();
    }
  });
});
