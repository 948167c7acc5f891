/**
 * Broadcasting `+ - * /` in the ONNX export: operands of lower rank and 1-sized dims against
 * convolution outputs, which the exporter keeps channels-first (NCHW), on ONNX Runtime against
 * tfjs (wasm). The 1s of a lower-rank operand must land after the batch, and its channel axis
 * on the image's channel axis.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../../../codegen/onnx/index.js';
import { graphOfText } from '../../compiler/passes/helpers.js';
import { useBackend } from '../../runtime/helpers.js';
import { decode, nodesOf, ortAvailable, parity, syntheticWeights } from './helpers.js';

beforeAll(() => useBackend('wasm'));

const text = `model m(x: [6, 5, 3], v: [4], r: [5, 1]) {
  y = x |> conv2d(4, 3, padding: "same")
  g = y |> global_avg_pool2d(keepdims: true) |> sigmoid
  z = y * g + v - r
  w = z / (r |> sigmoid) |> conv2d(2, 1)
  return out: w * (v |> dense(2))
}
`;

describe('broadcasting in the ONNX export', () => {
  it('inserts the 1s of lower-rank operands after the batch', () => {
    const graph = graphOfText(text);
    const model = decode(exportOnnx(graph, syntheticWeights(graph)));
    // v ([4]) against [6, 5, 4], r ([5, 1]) twice, the dense output ([2]) against [6, 5, 2].
    expect(nodesOf(model, 'Unsqueeze').length).toBeGreaterThanOrEqual(3);
  });

  it.skipIf(!ortAvailable)('matches tfjs on ONNX Runtime', async () => {
    const [out] = await parity(graphOfText(text));
    expect(out.shape).toEqual([2, 6, 5, 2]);
    expect(out.finite).toBe(true);
    expect(out.error).toBeLessThan(1e-5);
  });
});
