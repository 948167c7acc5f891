/**
 * A causal attention head and a masked softmax written in the language (issue 13's matmul,
 * einsum, softmax masks, transpose, expand_dims / squeeze), exported to ONNX and run on ONNX
 * Runtime against tfjs (wasm), within 1e-5 relative.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSource } from '../../../compiler/compile.js';
import { Source } from '../../../compiler/source.js';
import { useBackend } from '../../runtime/helpers.js';
import { ortAvailable, parity } from './helpers.js';

const source = `model attention(x: [6, 8], mask: [6, 6]) {
  q = x |> dense(8, name: "q")
  k = x |> dense(8, name: "k")
  v = x |> dense(8, name: "v") |> expand_dims(0) |> squeeze(0)
  a = matmul(q, k, transpose_b: true) |> scale(0.35355339)
  causal = a |> softmax(causal: true)
  masked = softmax(a |> expand_dims(0), mask)
  heads = masked |> squeeze(0) |> transpose([1, 0]) |> gelu(approximate: "tanh")
  return y: einsum(causal, v, "bqk,bkd->bqd") |> hard_swish, z: matmul(heads, v)
}
`;

describe.skipIf(!ortAvailable)('attention on ONNX Runtime', () => {
  beforeAll(() => useBackend('wasm'));

  it('matches tfjs within 1e-5', async () => {
    const r = checkSource(new Source('attention.net', source));
    expect(r.diagnostics).toEqual([]);
    for (const out of await parity(r.graphs[0])) {
      expect(out.finite, out.name).toBe(true);
      expect(out.maxAbs, out.name).toBeGreaterThan(0);
      expect(out.error, out.name).toBeLessThanOrEqual(1e-5);
    }
  });
});
