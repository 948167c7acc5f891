/**
 * `multi_head_attention` exported to ONNX and run on ONNX Runtime against PyTorch's
 * nn.MultiheadAttention with the same weights (tests/runtime/attention-fixture.ts), within 1e-5
 * relative.
 */
import { describe, expect, it } from 'vitest';
import { createOnnxRuntimeModel } from '../../../engines/onnxruntime.js';
import { attentionCases, caseGraph, caseWeights } from '../../runtime/attention-fixture.js';
import { relDiff } from '../../runtime/helpers.js';
import { ortAvailable } from './helpers.js';

describe.skipIf(!ortAvailable)('multi_head_attention on ONNX Runtime', () => {
  it.each(attentionCases.map((c) => [c.name, c] as const))(
    '%s matches PyTorch within 1e-5',
    async (_name, c) => {
      const ort = await createOnnxRuntimeModel(caseGraph(c), caseWeights(c));
      try {
        const inputs = c.inputs.map((x) => ({ shape: x.shape, data: Float32Array.from(x.data) }));
        const [y] = await ort.run(inputs);
        expect(y.shape).toEqual(c.output.shape);
        expect(relDiff(y.data, c.output.data)).toBeLessThanOrEqual(1e-5);
      } finally {
        await ort.dispose();
      }
    },
  );
});
